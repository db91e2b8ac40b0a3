package graph

import (
	"context"
)

// FollowingTags returns up to limit tags userID follows, in name order after
// the name after.
func (s *Store) FollowingTags(ctx context.Context, userID int64, after string, limit int) ([]string, error) {
	res, err := s.runNamed(ctx, "following_tags", map[string]any{"userId": userID, "after": after, "limit": limit})
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(res.Records))
	for _, r := range res.Records {
		v, _ := r.Get("name")
		out = append(out, str(v))
	}
	return out, nil
}

// TagFeedIDsBefore returns up to limit feed IDs of posts tagged name below
// before, newest first.
func (s *Store) TagFeedIDsBefore(ctx context.Context, name string, before int64, limit int) ([]int64, error) {
	res, err := s.runNamed(ctx, "tag_posts_before", map[string]any{"name": name, "before": before, "limit": limit})
	if err != nil {
		return nil, err
	}
	return int64s(res, "feedId"), nil
}
