package feeds

import (
	"context"

	"github.com/stylegraph/stylegraph"
)

// ProfileGraph is what profile pages need from the graph.
type ProfileGraph interface {
	Profile(ctx context.Context, id, viewer int64) (stylegraph.Profile, error)
	AuthorFeedIDsBefore(ctx context.Context, authorID, before int64, limit int) ([]int64, error)
	WhoToFollow(ctx context.Context, userID int64, limit int) ([]stylegraph.FollowSuggestion, error)
}

// Profile returns a user's public profile as viewer sees it.
func (s *ProfileService) Profile(ctx context.Context, viewer, id int64) (stylegraph.Profile, error) {
	return s.g.Profile(ctx, id, viewer)
}

// WhoToFollow suggests up to limit users (1-100, default 20) for uid to
// follow, from the graph; nobody uid already follows.
func (s *ProfileService) WhoToFollow(ctx context.Context, uid int64, limit int) ([]stylegraph.FollowSuggestion, error) {
	limit, err := checkLimit(limit)
	if err != nil {
		return nil, err
	}
	return s.g.WhoToFollow(ctx, uid, limit)
}

// UserPosts returns a page of a user's posts (their profile feed), newest
// first, with likedByMe for the viewer. The cursor is the last feed ID
// returned, as in the feed. An unknown user is ENOTFOUND.
func (s *ProfileService) UserPosts(ctx context.Context, viewer, author int64, cursor string, limit int) (stylegraph.FeedPage, error) {
	before, err := DecodeCursor(cursor)
	if err != nil {
		return stylegraph.FeedPage{}, err
	}
	if limit, err = checkLimit(limit); err != nil {
		return stylegraph.FeedPage{}, err
	}
	if _, err := s.g.Profile(ctx, author, viewer); err != nil {
		return stylegraph.FeedPage{}, err
	}
	fids, err := s.g.AuthorFeedIDsBefore(ctx, author, before, limit)
	if err != nil {
		return stylegraph.FeedPage{}, err
	}
	return s.postPage(ctx, viewer, fids, limit)
}
