package recommend

import (
	"context"
	"fmt"
	"strconv"
)

// Name is this part's name in data exports.
func (c *Cache) Name() string { return "recommendations" }

// ExportUser returns whether a precomputed list is held for userID; the list
// itself is derived data, recomputed from the graph.
func (c *Cache) ExportUser(ctx context.Context, userID int64) (any, error) {
	n, err := c.rdb.Exists(ctx, c.key(userID)).Result()
	if err != nil {
		return nil, fmt.Errorf("export recommendations of %d: %w", userID, err)
	}
	return map[string]any{"precomputedList": n > 0}, nil
}

// EraseUser drops the precomputed list of userID and the copy of its last
// answer.
func (c *Cache) EraseUser(ctx context.Context, userID int64, _ []int64) error {
	if err := c.rdb.Del(ctx, c.key(userID), c.answerKey("user", strconv.FormatInt(userID, 10))).Err(); err != nil {
		return fmt.Errorf("erase recommendations of %d: %w", userID, err)
	}
	return nil
}
