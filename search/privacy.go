package search

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/redis/go-redis/v9"
)

// Name is this part's name in data exports.
func (c *CachedProfiles) Name() string { return "searchProfile" }

// ExportUser returns the cached taste profile of userID, or nil.
func (c *CachedProfiles) ExportUser(ctx context.Context, userID int64) (any, error) {
	raw, err := c.rdb.Get(ctx, c.prefix+strconv.FormatInt(userID, 10)).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("export search profile of %d: %w", userID, err)
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return nil, nil
	}
	return v, nil
}

// EraseUser drops the cached taste profile of userID.
func (c *CachedProfiles) EraseUser(ctx context.Context, userID int64, _ []int64) error {
	if err := c.rdb.Del(ctx, c.prefix+strconv.FormatInt(userID, 10)).Err(); err != nil {
		return fmt.Errorf("erase search profile of %d: %w", userID, err)
	}
	return nil
}
