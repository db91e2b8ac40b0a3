package recommend

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/stylegraph/stylegraph"
)

// Cache holds precomputed ranked lists per shopper in Redis. An entry lives
// for its TTL; after that the online path traverses the graph again.
type Cache struct {
	rdb    redis.UniversalClient
	prefix string
	ttl    time.Duration
}

// NewCache stores lists under prefix+"user:"+id for ttl.
func NewCache(rdb redis.UniversalClient, prefix string, ttl time.Duration) *Cache {
	return &Cache{rdb: rdb, prefix: prefix, ttl: ttl}
}

type entry struct {
	ComputedAt int64    `json:"computedAt"` // Unix seconds
	Items      []Ranked `json:"items"`
}

func (c *Cache) key(userID int64) string { return c.prefix + "user:" + strconv.FormatInt(userID, 10) }

// Put stores userID's ranked list, replacing the previous one.
func (c *Cache) Put(ctx context.Context, userID int64, items []Ranked, at time.Time) error {
	b, err := json.Marshal(entry{ComputedAt: at.Unix(), Items: items})
	if err != nil {
		return fmt.Errorf("encode recommendations: %w", err)
	}
	if err := c.rdb.Set(ctx, c.key(userID), b, c.ttl).Err(); err != nil {
		return fmt.Errorf("store recommendations for user %d: %w", userID, err)
	}
	return nil
}

// Get returns userID's stored list, if a fresh one exists.
func (c *Cache) Get(ctx context.Context, userID int64) ([]Ranked, bool, error) {
	b, err := c.rdb.Get(ctx, c.key(userID)).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("read recommendations for user %d: %w", userID, err)
	}
	var e entry
	if err := json.Unmarshal(b, &e); err != nil {
		// A corrupt entry is as good as none: the live path answers.
		return nil, false, nil
	}
	if e.Items == nil {
		e.Items = []Ranked{}
	}
	return e.Items, true, nil
}

// Answers older than this are not used as a fallback.
const answerTTL = 24 * time.Hour

func (c *Cache) answerKey(kind, id string) string { return c.prefix + "answer:" + kind + ":" + id }

// PutAnswer keeps a copy of a full answer (product cards included) under
// kind and id, for when the graph cannot be asked (Fallback).
func (c *Cache) PutAnswer(ctx context.Context, kind, id string, recs []stylegraph.Recommendation) error {
	b, err := json.Marshal(recs)
	if err != nil {
		return fmt.Errorf("encode answer: %w", err)
	}
	if err := c.rdb.Set(ctx, c.answerKey(kind, id), b, answerTTL).Err(); err != nil {
		return fmt.Errorf("store %s answer: %w", kind, err)
	}
	return nil
}

// Answer returns the last answer kept under kind and id, if any.
func (c *Cache) Answer(ctx context.Context, kind, id string) ([]stylegraph.Recommendation, error) {
	b, err := c.rdb.Get(ctx, c.answerKey(kind, id)).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read %s answer: %w", kind, err)
	}
	var recs []stylegraph.Recommendation
	if err := json.Unmarshal(b, &recs); err != nil {
		return nil, nil // a corrupt copy is as good as none
	}
	return recs, nil
}
