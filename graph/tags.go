package graph

import (
	"context"
	"time"
)

// FollowTag makes from follow the tag (idempotent), creating it if needed.
func (s *Store) FollowTag(ctx context.Context, from int64, name string, at time.Time) error {
	_, err := s.runNamed(ctx, "follow_tag", map[string]any{"from": from, "name": name, "at": at.UTC()})
	return err
}

// UnfollowTag stops from following the tag (idempotent).
func (s *Store) UnfollowTag(ctx context.Context, from int64, name string) error {
	_, err := s.runNamed(ctx, "unfollow_tag", map[string]any{"from": from, "name": name})
	return err
}

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
