package graph

import (
	"context"
	"time"

	"github.com/stylegraph/stylegraph"
)

// TimelineStore reads timelines from the graph: a user's computed feed, an author's
// and a tag's posts, liked and trending posts.
type TimelineStore struct{ db *DB }

// NewTimelineStore returns the timeline store over db.
func NewTimelineStore(db *DB) *TimelineStore { return &TimelineStore{db: db} }

// TimelineBefore returns up to limit items of a user's timeline computed from
// the graph (own posts, followed users' posts, followed brands' posts) with
// feed IDs below before, newest first.
func (s *TimelineStore) TimelineBefore(ctx context.Context, userID, before int64, limit int) ([]stylegraph.FeedRef, error) {
	res, err := s.db.runNamed(ctx, "timeline_before", map[string]any{"userId": userID, "before": before, "limit": limit})
	if err != nil {
		return nil, err
	}
	out := make([]stylegraph.FeedRef, 0, len(res.Records))
	for _, r := range res.Records {
		id, _ := r.Get("feedId")
		reason, _ := r.Get("reason")
		kind, _ := r.Get("kind")
		src, _ := r.Get("source")
		out = append(out, stylegraph.FeedRef{FeedID: i64(id), Reason: str(reason), SourceKind: str(kind), SourceID: i64(src)})
	}
	return out, nil
}

// TrendingFeedIDs returns up to limit posts since the given time ranked by
// likes and comments. Posts are not products: this is not trendScore's
// ranking, which weighs shoppers' engagement with products.
func (s *TimelineStore) TrendingFeedIDs(ctx context.Context, since time.Time, limit int) ([]int64, error) {
	res, err := s.db.runNamed(ctx, "trending_posts", map[string]any{"since": since.UTC(), "limit": limit})
	if err != nil {
		return nil, err
	}
	return int64s(res, "feedId"), nil
}

// LikedFeedIDs returns the feed IDs of up to limit posts a user liked, most
// recent first.
func (s *TimelineStore) LikedFeedIDs(ctx context.Context, userID int64, limit int) ([]int64, error) {
	res, err := s.db.runNamed(ctx, "liked_posts", map[string]any{"userId": userID, "limit": limit})
	if err != nil {
		return nil, err
	}
	return int64s(res, "feedId"), nil
}

// AuthorFeedIDs returns the feed IDs of an author's most recent posts.
func (s *TimelineStore) AuthorFeedIDs(ctx context.Context, authorID int64, limit int) ([]int64, error) {
	res, err := s.db.runNamed(ctx, "author_posts", map[string]any{"authorId": authorID, "limit": limit})
	if err != nil {
		return nil, err
	}
	return int64s(res, "feedId"), nil
}

// AuthorFeedIDsBefore returns a page of the author's posts' feed IDs, newest
// first, below before.
func (s *TimelineStore) AuthorFeedIDsBefore(ctx context.Context, authorID, before int64, limit int) ([]int64, error) {
	res, err := s.db.runNamed(ctx, "author_posts_before", map[string]any{"authorId": authorID, "before": before, "limit": limit})
	if err != nil {
		return nil, err
	}
	return int64s(res, "feedId"), nil
}

// TagFeedIDsBefore returns up to limit feed IDs of posts tagged name below
// before, newest first.
func (s *TimelineStore) TagFeedIDsBefore(ctx context.Context, name string, before int64, limit int) ([]int64, error) {
	res, err := s.db.runNamed(ctx, "tag_posts_before", map[string]any{"name": name, "before": before, "limit": limit})
	if err != nil {
		return nil, err
	}
	return int64s(res, "feedId"), nil
}
