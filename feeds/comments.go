package feeds

import (
	"context"
	"strings"
	"unicode/utf8"

	"github.com/stylegraph/stylegraph"
)

// CommentGraph is what comments need from the graph.
type CommentGraph interface {
	AddComment(ctx context.Context, c stylegraph.NewComment) (int64, error)
	Comments(ctx context.Context, postID, before int64, limit int) ([]stylegraph.Comment, error)
	CommentAuthor(ctx context.Context, postID, commentID int64) (int64, error)
	DeleteComment(ctx context.Context, postID, commentID int64) (int64, error)
}

// AddComment writes uid's comment on a post, updates the post's feed object
// and returns the comment.
func (s *CommentService) AddComment(ctx context.Context, uid, postID int64, text string) (stylegraph.Comment, error) {
	text = strings.TrimSpace(text)
	if text == "" || !utf8.ValidString(text) || utf8.RuneCountInString(text) > stylegraph.MaxCommentRunes {
		return stylegraph.Comment{}, stylegraph.Invalid("text", "must be 1-%d characters of valid UTF-8", stylegraph.MaxCommentRunes)
	}
	if err := s.ids.Valid(); err != nil {
		return stylegraph.Comment{}, err
	}
	ids, err := s.newIDs(ctx, 1)
	if err != nil {
		return stylegraph.Comment{}, err
	}
	c := stylegraph.NewComment{ID: ids[0], PostID: postID, UserID: uid, Text: text, CreatedAt: s.now().UTC()}
	fid, err := s.g.AddComment(ctx, c)
	if err != nil {
		return stylegraph.Comment{}, err
	}
	f, err := s.refresh(ctx, fid)
	if err != nil {
		return stylegraph.Comment{}, err
	}
	if err := s.append(ctx, stylegraph.Event{
		Type: stylegraph.EventComment, UserID: uid, OccurredAt: c.CreatedAt,
		Target: &stylegraph.EventTarget{Kind: stylegraph.TargetPost, ID: postID}, Data: stylegraph.EventData{Text: text, CommentID: c.ID},
	}); err != nil {
		return stylegraph.Comment{}, err
	}
	for _, got := range f.Comments {
		if got.ID == c.ID {
			return got, nil
		}
	}
	return stylegraph.Comment{ID: c.ID, Text: text, User: stylegraph.User{ID: uid}, CreatedAt: c.CreatedAt}, nil
}

// DeleteComment removes a comment: its author or an admin may. The post's
// feed object is re-rendered so feeds stop showing it at once.
func (s *CommentService) DeleteComment(ctx context.Context, p stylegraph.Principal, postID, commentID int64) error {
	author, err := s.g.CommentAuthor(ctx, postID, commentID)
	if err != nil {
		return err
	}
	if author != p.UserID && !p.Is(stylegraph.RoleAdmin) {
		return stylegraph.Errorf(stylegraph.EFORBIDDEN, "only the comment's author or an admin may delete comment %d", commentID)
	}
	fid, err := s.g.DeleteComment(ctx, postID, commentID)
	if err != nil {
		return err
	}
	_, err = s.refresh(ctx, fid)
	if stylegraph.ErrorCode(err) == stylegraph.ENOTFOUND {
		return nil // the post went meanwhile
	}
	return err
}

// Comments returns a page of a post's comments, newest first.
func (s *CommentService) Comments(ctx context.Context, postID int64, cursor string, limit int) (stylegraph.CommentPage, error) {
	before, limit, err := newestFirst(cursor, limit)
	if err != nil {
		return stylegraph.CommentPage{}, err
	}
	cs, err := s.g.Comments(ctx, postID, before, limit)
	if err != nil {
		return stylegraph.CommentPage{}, err
	}
	return pageOf(cs, limit, func(c stylegraph.Comment) string { return EncodeCursor(c.ID) }), nil
}
