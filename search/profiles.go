package search

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/stylegraph/stylegraph"
)

// CachedProfiles keeps taste profiles in Redis for a short TTL, so a
// shopper paging through results costs one graph query, not one per page.
type CachedProfiles struct {
	next   Profiles
	rdb    redis.UniversalClient
	prefix string
	ttl    time.Duration
}

// NewCachedProfiles caches next's answers under keys prefix+"<userID>".
func NewCachedProfiles(next Profiles, rdb redis.UniversalClient, prefix string, ttl time.Duration) *CachedProfiles {
	return &CachedProfiles{next: next, rdb: rdb, prefix: prefix, ttl: ttl}
}

// TasteProfile returns the cached profile or asks the graph and caches it.
// A Redis failure falls through to the graph: the cache is an optimisation.
func (c *CachedProfiles) TasteProfile(ctx context.Context, userID int64) (stylegraph.TasteProfile, error) {
	key := c.prefix + strconv.FormatInt(userID, 10)
	if raw, err := c.rdb.Get(ctx, key).Bytes(); err == nil {
		var p stylegraph.TasteProfile
		if json.Unmarshal(raw, &p) == nil {
			return p, nil
		}
	}
	p, err := c.next.TasteProfile(ctx, userID)
	if err != nil {
		return stylegraph.TasteProfile{}, err
	}
	raw, err := json.Marshal(p)
	if err != nil {
		return stylegraph.TasteProfile{}, fmt.Errorf("encode taste profile: %w", err)
	}
	_ = c.rdb.Set(ctx, key, raw, c.ttl).Err()
	return p, nil
}
