package feeds

import (
	"context"
	"encoding/base64"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/stylegraph/stylegraph"
)

// TagGraph is what tag follows and tag feeds need from the graph.
type TagGraph interface {
	FollowTag(ctx context.Context, from int64, name string, at time.Time) error
	UnfollowTag(ctx context.Context, from int64, name string, at time.Time) error
	FollowingTags(ctx context.Context, userID int64, after string, limit int) ([]string, error)
	TagFeedIDsBefore(ctx context.Context, name string, before int64, limit int) ([]int64, error)
}

// TagName folds a tag from a URL the way posts store them: without a
// leading "#", trimmed, lower case, 1 to MaxTagRunes characters.
func TagName(raw string) (string, error) {
	name := strings.ToLower(strings.TrimSpace(strings.TrimPrefix(raw, "#")))
	if name == "" || !utf8.ValidString(name) || utf8.RuneCountInString(name) > MaxTagRunes {
		return "", stylegraph.Invalid("name", "a tag is 1-%d characters", MaxTagRunes)
	}
	return name, nil
}

// FollowTag makes uid follow a tag; the follow is in the graph when it
// returns, and the follow event feeds the shopper's interests.
func (s *TagService) FollowTag(ctx context.Context, uid int64, raw string) error {
	return s.setFollow(ctx, uid, raw, stylegraph.EventFollow, s.g.FollowTag)
}

// UnfollowTag stops uid following a tag.
func (s *TagService) UnfollowTag(ctx context.Context, uid int64, raw string) error {
	return s.setFollow(ctx, uid, raw, stylegraph.EventUnfollow, s.g.UnfollowTag)
}

// setFollow writes a follow (typ stylegraph.EventFollow) or unfollow of a tag with
// write and records the event.
func (s *TagService) setFollow(ctx context.Context, uid int64, raw string, typ stylegraph.EventType, write func(context.Context, int64, string, time.Time) error) error {
	name, err := TagName(raw)
	if err != nil {
		return err
	}
	now := s.now().UTC()
	if err := write(ctx, uid, name, now); err != nil {
		return err
	}
	return s.append(ctx, stylegraph.Event{Type: typ, UserID: uid, OccurredAt: now, Target: &stylegraph.EventTarget{Kind: stylegraph.TargetTag, Name: name}})
}

// FollowingTags returns a page of the tags uid follows in name order.
func (s *TagService) FollowingTags(ctx context.Context, uid int64, cursor string, limit int) (stylegraph.TagPage, error) {
	after := ""
	if cursor != "" {
		raw, err := base64.RawURLEncoding.DecodeString(cursor)
		rest, ok := strings.CutPrefix(string(raw), "t1:")
		if err != nil || !ok || len(cursor) > 400 {
			return stylegraph.TagPage{}, stylegraph.Invalid("cursor", "is not a cursor this API returned")
		}
		after = rest
	}
	limit, err := checkLimit(limit)
	if err != nil {
		return stylegraph.TagPage{}, err
	}
	names, err := s.g.FollowingTags(ctx, uid, after, limit)
	if err != nil {
		return stylegraph.TagPage{}, err
	}
	return pageOf(names, limit, func(name string) string {
		return base64.RawURLEncoding.EncodeToString([]byte("t1:" + name))
	}), nil
}

// TagPosts returns a page of the posts tagged with a tag, newest first,
// with likedByMe for the viewer: the hashtag's page.
func (s *TagService) TagPosts(ctx context.Context, viewer int64, raw, cursor string, limit int) (stylegraph.FeedPage, error) {
	name, err := TagName(raw)
	if err != nil {
		return stylegraph.FeedPage{}, err
	}
	before, limit, err := newestFirst(cursor, limit)
	if err != nil {
		return stylegraph.FeedPage{}, err
	}
	fids, err := s.g.TagFeedIDsBefore(ctx, name, before, limit)
	if err != nil {
		return stylegraph.FeedPage{}, err
	}
	return s.postPage(ctx, viewer, fids, limit)
}
