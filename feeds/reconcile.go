package feeds

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/redis/go-redis/v9"

	"github.com/stylegraph/stylegraph"
)

// ObjectDrift is what a check of cached feed objects against the graph
// found: a like, comment or edit that reached the graph while Redis missed
// the object's update, or a deleted post whose tombstone was never written
// and which feeds therefore still show.
type ObjectDrift struct {
	// Checked cached objects (tombstones are not objects).
	Checked int
	// Stale objects differ from the graph's rendering (counts, recent likes
	// or comments, text, author); Deleted ones are of posts gone from the
	// graph.
	Stale, Deleted int
	// Repaired is how many were re-rendered or buried.
	Repaired int
	// Examples names a few drifted feed IDs.
	Examples []int64
}

// CachedObjectIDs calls fn with the feed IDs of cached objects, a SCAN page
// at a time (every node of a cluster); tombstones are included. SCAN walks
// the whole keyspace whatever it matches, so pages are large.
func (s *ReconcileService) CachedObjectIDs(ctx context.Context, fn func([]int64) error) error {
	const page = 2000
	prefix := s.cfg.Prefix + "item:"
	scan := func(ctx context.Context, r redis.Cmdable) error {
		for cur := uint64(0); ; {
			keys, next, err := r.Scan(ctx, cur, prefix+"*", int64(page)).Result()
			if err != nil {
				return fmt.Errorf("scan feed objects: %w", err)
			}
			ids := make([]int64, 0, len(keys))
			for _, k := range keys {
				if id, err := strconv.ParseInt(strings.TrimPrefix(k, prefix), 10, 64); err == nil {
					ids = append(ids, id)
				}
			}
			if len(ids) > 0 {
				if err := fn(ids); err != nil {
					return err
				}
			}
			if cur = next; cur == 0 {
				return nil
			}
		}
	}
	if c, ok := s.r.(*redis.ClusterClient); ok {
		return c.ForEachMaster(ctx, func(ctx context.Context, n *redis.Client) error { return scan(ctx, n) })
	}
	return scan(ctx, s.r)
}

// CheckObjects compares the cached objects of fids with what the graph
// renders now and, unless dryRun, re-caches the stale ones and buries those
// whose post is gone.
func (s *ReconcileService) CheckObjects(ctx context.Context, fids []int64, dryRun bool) (ObjectDrift, error) {
	var d ObjectDrift
	cached, ids, err := s.cachedObjects(ctx, fids)
	if err != nil {
		return d, err
	}
	d.Checked = len(ids)
	if len(ids) == 0 {
		return d, nil
	}
	fs, err := s.g.FeedItems(ctx, ids, s.cfg.RecentLikes, s.cfg.RecentComments)
	if err != nil {
		return d, fmt.Errorf("render feed items: %w", err)
	}
	now := make(map[int64]storedFeed, len(fs))
	for _, f := range fs {
		now[f.ID] = storedFeed{ID: f.ID, CreatedAt: f.CreatedAt, User: f.User, Post: f.Post, Likes: f.Likes,
			Comments: f.Comments, LikeCount: f.LikeCount, CommentCount: f.CommentCount}
	}
	var stale []int64
	for _, id := range ids {
		want, ok := now[id]
		switch {
		case !ok:
			d.Deleted++
			if !dryRun {
				if err := s.bury(ctx, cached[id].User.ID, id); err != nil {
					return d, err
				}
				d.Repaired++
			}
		case !sameObject(cached[id], want):
			d.Stale++
			stale = append(stale, id)
		default:
			continue
		}
		if len(d.Examples) < 10 {
			d.Examples = append(d.Examples, id)
		}
	}
	if len(stale) > 0 && !dryRun {
		n, err := s.restore(ctx, fs, stale)
		d.Repaired += n
		if err != nil {
			return d, err
		}
	}
	return d, nil
}

// cachedObjects reads the cached objects of fids, decoded, and the IDs of
// those cached (not expired, not tombstones) in the order of fids.
func (s *ReconcileService) cachedObjects(ctx context.Context, fids []int64) (map[int64]storedFeed, []int64, error) {
	pipe := s.r.Pipeline()
	vals := s.queueMGet(ctx, pipe, s.objectKeys(fids))
	if err := execIgnoringNil(ctx, pipe); err != nil {
		return nil, nil, fmt.Errorf("read feed objects: %w", err)
	}
	cached := map[int64]storedFeed{}
	var ids []int64
	for i, v := range vals() {
		str, ok := v.(string)
		if !ok || str == tombstone {
			continue // expired (rendered on the next read) or buried
		}
		var f storedFeed
		if err := json.Unmarshal([]byte(str), &f); err != nil {
			return nil, nil, fmt.Errorf("decode feed item %d: %w", fids[i], err)
		}
		cached[fids[i]] = f
		ids = append(ids, fids[i])
	}
	return cached, ids, nil
}

// restore caches the graph's renderings fs of the stale feed IDs and says
// how many it stored.
func (s *ReconcileService) restore(ctx context.Context, fs []stylegraph.Feed, stale []int64) (int, error) {
	var fix []stylegraph.Feed
	for _, f := range fs {
		if slices.Contains(stale, f.ID) {
			fix = append(fix, f)
		}
	}
	if _, err := s.store(ctx, fix); err != nil {
		return 0, err
	}
	return len(fix), nil
}

func sameObject(a, b storedFeed) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return bytes.Equal(x, y)
}
