package feeds

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/redis/go-redis/v9"

	"github.com/stylegraph/stylegraph"
)

// PostGraph is what post writes need from the graph.
type PostGraph interface {
	CreatePost(ctx context.Context, p stylegraph.NewPost) error
	PostRef(ctx context.Context, postID int64) (feedID, authorID int64, err error)
	DeletePost(ctx context.Context, postID int64) (int64, error)
	EditPost(ctx context.Context, postID int64, title, text string, tags []string, mentions []int64) (int64, error)
}

// Limits on a post.
const (
	MaxTitleRunes   = 200
	MaxTextRunes    = 5000
	MaxImages       = 10
	MaxCaptionRunes = 500
	MaxURLBytes     = 2048
	MaxTags         = 20
	MaxTagRunes     = 64
	MaxProducts     = 20
	maxID           = 1<<53 - 1
)

// NormalizeDraft trims and validates a post draft in place, returning an
// EINVALID error that names the first bad field.
func NormalizeDraft(d *stylegraph.PostDraft) error {
	d.Title = strings.TrimSpace(d.Title)
	d.Text = strings.TrimSpace(d.Text)
	switch {
	case !utf8.ValidString(d.Title) || utf8.RuneCountInString(d.Title) > MaxTitleRunes:
		return stylegraph.Invalid("title", "must be valid UTF-8 of at most %d characters", MaxTitleRunes)
	case !utf8.ValidString(d.Text) || utf8.RuneCountInString(d.Text) > MaxTextRunes:
		return stylegraph.Invalid("text", "must be valid UTF-8 of at most %d characters", MaxTextRunes)
	case d.Title == "" && d.Text == "":
		return stylegraph.Invalid("text", "a post needs a title or text")
	case len(d.Images) > MaxImages:
		return stylegraph.Invalid("images", "at most %d images", MaxImages)
	case len(d.Tags) > MaxTags:
		return stylegraph.Invalid("tags", "at most %d tags", MaxTags)
	case len(d.ProductIDs) > MaxProducts:
		return stylegraph.Invalid("productIds", "at most %d products", MaxProducts)
	}
	for i := range d.Images {
		im := &d.Images[i]
		im.ImageURL = strings.TrimSpace(im.ImageURL)
		im.Caption = strings.TrimSpace(im.Caption)
		if len(im.ImageURL) > MaxURLBytes || !stylegraph.PublicHTTPURL(im.ImageURL) {
			return stylegraph.Invalid(fmt.Sprintf("images[%d].imageURL", i), "must be an http(s) URL of a public host, at most %d bytes", MaxURLBytes)
		}
		if !utf8.ValidString(im.Caption) || utf8.RuneCountInString(im.Caption) > MaxCaptionRunes {
			return stylegraph.Invalid(fmt.Sprintf("images[%d].caption", i), "must be valid UTF-8 of at most %d characters", MaxCaptionRunes)
		}
	}
	seen := map[string]bool{}
	tags := make([]string, 0, len(d.Tags))
	for i, t := range d.Tags {
		t = strings.ToLower(strings.TrimSpace(t))
		if t == "" || !utf8.ValidString(t) || utf8.RuneCountInString(t) > MaxTagRunes {
			return stylegraph.Invalid(fmt.Sprintf("tags[%d]", i), "must be 1-%d characters", MaxTagRunes)
		}
		if !seen[t] {
			seen[t] = true
			tags = append(tags, t)
		}
	}
	d.Tags = tags
	seenID := map[int64]bool{}
	ids := make([]int64, 0, len(d.ProductIDs))
	for i, id := range d.ProductIDs {
		if id <= 0 || id > maxID {
			return stylegraph.Invalid(fmt.Sprintf("productIds[%d]", i), "must be a positive integer below 2^53")
		}
		if !seenID[id] {
			seenID[id] = true
			ids = append(ids, id)
		}
	}
	d.ProductIDs = ids
	if d.Images == nil {
		d.Images = []stylegraph.Image{}
	}
	return nil
}

// CreatePost writes a post by author to the graph, caches its feed object,
// puts it at the top of the author's own feed and records post_created, whose
// fan-out delivers it to everyone else.
func (s *PostService) CreatePost(ctx context.Context, author int64, d stylegraph.PostDraft) (stylegraph.Feed, error) {
	if err := NormalizeDraft(&d); err != nil {
		return stylegraph.Feed{}, err
	}
	mentions := tagged(&d)
	if err := s.ids.Valid(); err != nil {
		return stylegraph.Feed{}, err
	}
	ids, err := s.newIDs(ctx, 2)
	if err != nil {
		return stylegraph.Feed{}, err
	}
	id, fid := ids[0], ids[1]
	now := s.now().UTC()
	p := stylegraph.NewPost{
		ID: id, FeedID: fid, AuthorID: author, Title: d.Title, Text: d.Text,
		Images: d.Images, Tags: d.Tags, ProductIDs: d.ProductIDs, Mentions: mentions, CreatedAt: now,
	}
	if err := s.g.CreatePost(ctx, p); err != nil {
		return stylegraph.Feed{}, fmt.Errorf("create post: %w", err)
	}
	f, err := s.refresh(ctx, p.FeedID)
	if err != nil {
		return stylegraph.Feed{}, err
	}
	own := stylegraph.FeedRef{FeedID: p.FeedID, Reason: stylegraph.ReasonOwn}
	pipe := s.r.Pipeline()
	s.push(ctx, pipe, author, own)
	pipe.LPush(ctx, s.outboxKey(author), p.FeedID)
	pipe.LTrim(ctx, s.outboxKey(author), 0, int64(s.cfg.Cap-1))
	if _, err := pipe.Exec(ctx); err != nil {
		return stylegraph.Feed{}, fmt.Errorf("push own post %d: %w", p.ID, err)
	}
	if err := s.append(ctx, stylegraph.Event{
		Type: stylegraph.EventPostCreated, UserID: author, OccurredAt: now,
		Target: &stylegraph.EventTarget{Kind: stylegraph.TargetPost, ID: p.ID}, Data: stylegraph.EventData{AuthorID: author},
	}); err != nil {
		return stylegraph.Feed{}, err
	}
	f.Reason = stylegraph.ReasonOwn
	return f, nil
}

// Post returns one post's feed object as viewer sees it.
func (s *PostService) Post(ctx context.Context, viewer, postID int64) (stylegraph.Feed, error) {
	fid, _, err := s.g.PostRef(ctx, postID)
	if err != nil {
		return stylegraph.Feed{}, err
	}
	f, err := s.object(ctx, postID, fid)
	if err != nil {
		return stylegraph.Feed{}, err
	}
	liked, err := s.likedByMe(ctx, viewer, []int64{fid})
	if err != nil {
		return stylegraph.Feed{}, err
	}
	f.LikedByMe = liked[fid]
	return f, nil
}

// DeletePost removes a post (its author or an admin may) from the graph and,
// through a tombstone on its feed object, from every feed at once.
func (s *PostService) DeletePost(ctx context.Context, p stylegraph.Principal, postID int64) error {
	_, author, err := s.authoredRef(ctx, p, postID, "delete")
	if err != nil {
		return err
	}
	fid, err := s.g.DeletePost(ctx, postID)
	if err != nil {
		return fmt.Errorf("delete post %d: %w", postID, err)
	}
	if err := s.bury(ctx, author, fid); err != nil {
		return err
	}
	return s.append(ctx, stylegraph.Event{
		Type: stylegraph.EventPostDeleted, UserID: p.UserID, Target: &stylegraph.EventTarget{Kind: stylegraph.TargetPost, ID: postID},
		Data: stylegraph.EventData{AuthorID: author},
	})
}

// authoredRef returns a post's feed ID and author when p may change it (p
// is its author or an admin), else EFORBIDDEN naming verb.
func (s *PostService) authoredRef(ctx context.Context, p stylegraph.Principal, postID int64, verb string) (fid, author int64, err error) {
	fid, author, err = s.g.PostRef(ctx, postID)
	if err != nil {
		return 0, 0, err
	}
	if author != p.UserID && !p.Is(stylegraph.RoleAdmin) {
		return 0, 0, stylegraph.Errorf(stylegraph.EFORBIDDEN, "only the author or an admin may %s post %d", verb, postID)
	}
	return fid, author, nil
}

// EditPost changes a post's title, text or tags (its author or an admin may)
// and re-renders its feed object, so every feed shows the change at once.
func (s *PostService) EditPost(ctx context.Context, p stylegraph.Principal, postID int64, e stylegraph.PostEdit) (stylegraph.Feed, error) {
	if e.Title == nil && e.Text == nil && e.Tags == nil {
		return stylegraph.Feed{}, stylegraph.Invalid("text", "send at least one of title, text, tags")
	}
	fid, author, err := s.authoredRef(ctx, p, postID, "edit")
	if err != nil {
		return stylegraph.Feed{}, err
	}
	cur, err := s.object(ctx, postID, fid)
	if err != nil {
		return stylegraph.Feed{}, err
	}
	d := editedDraft(cur.Post, e)
	if err := NormalizeDraft(&d); err != nil {
		return stylegraph.Feed{}, err
	}
	mentions := tagged(&d)
	if _, err := s.g.EditPost(ctx, postID, d.Title, d.Text, d.Tags, mentions); err != nil {
		return stylegraph.Feed{}, fmt.Errorf("edit post %d: %w", postID, err)
	}
	// Users the edit mentions for the first time are told (nearline, by the
	// notifications consumer); those the post already named are not.
	if added := newMentions(cur.Post.Mentions, mentions); len(added) > 0 {
		if err := s.append(ctx, stylegraph.Event{
			Type: stylegraph.EventPostEdited, UserID: author, OccurredAt: s.now().UTC(),
			Target: &stylegraph.EventTarget{Kind: stylegraph.TargetPost, ID: postID}, Data: stylegraph.EventData{Mentions: added},
		}); err != nil {
			return stylegraph.Feed{}, err
		}
	}
	f, err := s.refresh(ctx, fid)
	if err != nil {
		return stylegraph.Feed{}, err
	}
	liked, err := s.likedByMe(ctx, p.UserID, []int64{fid})
	if err != nil {
		return stylegraph.Feed{}, err
	}
	f.LikedByMe = liked[fid]
	return f, nil
}

// editedDraft is the post cur with edit e applied, as a draft: the draft
// rules apply to the post as it will be. Unless tags are sent, the old
// text's hashtags give way to the new text's.
func editedDraft(cur stylegraph.Post, e stylegraph.PostEdit) stylegraph.PostDraft {
	d := stylegraph.PostDraft{Title: cur.Title, Text: cur.Text, Images: cur.Images}
	old := map[string]bool{}
	for _, h := range stylegraph.Hashtags(draftTexts(d)...) {
		old[h] = true
	}
	for _, t := range cur.Tags {
		if !old[t] {
			d.Tags = append(d.Tags, t)
		}
	}
	if e.Title != nil {
		d.Title = *e.Title
	}
	if e.Text != nil {
		d.Text = *e.Text
	}
	if e.Tags != nil {
		d.Tags = *e.Tags
	}
	return d
}

// newMentions returns the IDs in now that before does not name.
func newMentions(before []stylegraph.User, now []int64) []int64 {
	var out []int64
	for _, id := range now {
		if !slices.ContainsFunc(before, func(u stylegraph.User) bool { return u.ID == id }) {
			out = append(out, id)
		}
	}
	return out
}

// draftTexts are the parts of a post that may hold hashtags and mentions.
func draftTexts(d stylegraph.PostDraft) []string {
	texts := []string{d.Title, d.Text}
	for _, im := range d.Images {
		texts = append(texts, im.Caption)
	}
	return texts
}

// tagged adds the hashtags of the draft's title, text and captions to its
// tags, after the ones sent and MaxTags in all, and returns the IDs of the
// users it mentions.
func tagged(d *stylegraph.PostDraft) []int64 {
	texts := draftTexts(*d)
	for _, h := range stylegraph.Hashtags(texts...) {
		if len(d.Tags) >= MaxTags {
			break
		}
		if !slices.Contains(d.Tags, h) {
			d.Tags = append(d.Tags, h)
		}
	}
	return stylegraph.Mentions(texts...)
}

// push queues the pipelined LPUSH+LTRIM of one entry on uid's list.
func (s *PostService) push(ctx context.Context, pipe redis.Pipeliner, uid int64, ref stylegraph.FeedRef) {
	key := s.timelineKey(uid)
	pipe.LPush(ctx, key, entry(ref))
	pipe.LTrim(ctx, key, 0, int64(s.cfg.Cap-1))
}
