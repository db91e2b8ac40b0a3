package feeds

import (
	"context"
	"fmt"
)

// Name is this part's name in data exports.
func (s *PrivacyService) Name() string { return "feeds" }

// ExportUser returns what the feed store holds about uid: the feed IDs in
// their timeline.
func (s *PrivacyService) ExportUser(ctx context.Context, uid int64) (any, error) {
	ids, err := s.r.LRange(ctx, s.timelineKey(uid), 0, -1).Result()
	if err != nil {
		return nil, fmt.Errorf("export timeline of %d: %w", uid, err)
	}
	out := make([]int64, 0, len(ids))
	seen := map[int64]bool{}
	for _, raw := range ids {
		// Entries are "feedID|reason|kind|source"; an item can be listed twice.
		if ref, ok := parseEntry(raw); ok && !seen[ref.FeedID] {
			seen[ref.FeedID] = true
			out = append(out, ref.FeedID)
		}
	}
	return map[string]any{"timeline": out}, nil
}

// EraseUser drops uid's timeline, caches and presence, and buries the feed
// items of their posts (already deleted from the graph) so they vanish from
// every other feed at the next read.
func (s *PrivacyService) EraseUser(ctx context.Context, uid int64, feedIDs []int64) error {
	pipe := s.r.Pipeline()
	s.queueDel(ctx, pipe, s.timelineKey(uid), s.builtKey(uid), s.outboxKey(uid), s.followKey(uid), s.likesKey(uid))
	pipe.ZRem(ctx, s.onlineKey(), itoa(uid))
	for _, fid := range feedIDs {
		pipe.Set(ctx, s.objectKey(fid), tombstone, s.cfg.TimelineTTL)
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return fmt.Errorf("erase feed data of %d: %w", uid, err)
	}
	return nil
}
