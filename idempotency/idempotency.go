// Package idempotency remembers the answers to requests sent with an
// Idempotency-Key, in Redis, so that a client retrying a POST gets the first
// answer instead of creating a duplicate. It imports only go-redis.
package idempotency

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// Reply is a request's fingerprint and, once done, its answer.
type Reply struct {
	Fingerprint string `json:"fp"`
	Done        bool   `json:"done"`
	Status      int    `json:"status,omitempty"`
	ContentType string `json:"type,omitempty"`
	Body        []byte `json:"body,omitempty"`
}

// Store keeps replies under prefix+key.
type Store struct {
	r      redis.UniversalClient
	prefix string
	// TTL is how long a finished answer is replayed (24h by default).
	ttl time.Duration
	// pending bounds how long a request in progress holds its key, so that a
	// crashed one does not block the key for TTL.
	pending time.Duration
}

// New returns a store; ttl is how long answers are kept, pending how long
// a request may stay in progress.
func New(r redis.UniversalClient, prefix string, ttl, pending time.Duration) *Store {
	return &Store{r: r, prefix: prefix, ttl: ttl, pending: pending}
}

// Begin claims key for a request with fingerprint fp. It returns nil when
// the caller now holds the key and must Finish or Abort it; otherwise the
// reply already there (in progress, or done).
func (s *Store) Begin(ctx context.Context, key, fp string) (*Reply, error) {
	b, _ := json.Marshal(Reply{Fingerprint: fp})
	ok, err := s.r.SetNX(ctx, s.prefix+key, b, s.pending).Result()
	if err != nil {
		return nil, fmt.Errorf("claim idempotency key: %w", err)
	}
	if ok {
		return nil, nil
	}
	raw, err := s.r.Get(ctx, s.prefix+key).Bytes()
	if errors.Is(err, redis.Nil) { // finished and expired in between: claim again
		return s.Begin(ctx, key, fp)
	}
	if err != nil {
		return nil, fmt.Errorf("read idempotency key: %w", err)
	}
	var r Reply
	if err := json.Unmarshal(raw, &r); err != nil {
		return nil, fmt.Errorf("decode idempotency key: %w", err)
	}
	return &r, nil
}

// Finish stores the answer to the request holding key, for TTL.
func (s *Store) Finish(ctx context.Context, key string, r Reply) error {
	r.Done = true
	b, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("encode reply: %w", err)
	}
	if err := s.r.Set(ctx, s.prefix+key, b, s.ttl).Err(); err != nil {
		return fmt.Errorf("store reply: %w", err)
	}
	return nil
}

// Abort frees key so that a retry runs the request again (it failed in a
// way worth retrying).
func (s *Store) Abort(ctx context.Context, key string) error {
	if err := s.r.Del(ctx, s.prefix+key).Err(); err != nil {
		return fmt.Errorf("free idempotency key: %w", err)
	}
	return nil
}

type keyCtx struct{}

// NewContext returns ctx carrying the Idempotency-Key of the request it
// serves (scoped to the caller and the request's body), so that a write can
// reuse what a first attempt of the same request reserved, such as its IDs,
// when that attempt failed after writing.
func NewContext(ctx context.Context, key string) context.Context {
	return context.WithValue(ctx, keyCtx{}, key)
}

// FromContext returns the key NewContext put in ctx.
func FromContext(ctx context.Context) (string, bool) {
	k, ok := ctx.Value(keyCtx{}).(string)
	return k, ok && k != ""
}
