package feeds

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/idempotency"
)

// ID layout: 41 bits of milliseconds since idEpoch, 6 bits of node, 6 bits of
// sequence: 53 bits in all, so every ID is at most 2^53-1 and JavaScript
// clients read it exactly. IDs sort by creation time across nodes.
const (
	nodeBits = 6
	seqBits  = 6
	// MaxNode is the highest node number.
	MaxNode = 1<<nodeBits - 1
	maxSeq  = 1<<seqBits - 1
	maxMS   = 1<<41 - 1
)

// idEpoch is 2025-01-01T00:00:00Z; 41 bits of milliseconds last until 2094.
var idEpoch = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

// IDs generates time-ordered int64 IDs unique across replicas as long as
// every live replica has its own node number.
type IDs struct {
	mu   sync.Mutex
	node int64
	last int64 // ms since idEpoch of the last ID
	seq  int64
	now  func() time.Time
	// heldUntil, when set, is when the node's lease (NodeLease) runs out
	// unless renewed; past it the node may be someone else's.
	heldUntil time.Time
}

// Valid reports whether IDs may be issued: a leased node must still be held.
func (g *IDs) Valid() error {
	g.mu.Lock()
	defer g.mu.Unlock()
	if !g.heldUntil.IsZero() && g.now().After(g.heldUntil) {
		return stylegraph.Errorf(stylegraph.EUNAVAILABLE, "id node lease expired; retry later")
	}
	return nil
}

func (g *IDs) hold(until time.Time) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.heldUntil = until
}

// setNode moves to another node (the lease on the old one was lost).
func (g *IDs) setNode(node int, until time.Time) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.node, g.heldUntil = int64(node), until
}

// NewIDs returns a generator for node (0..MaxNode).
func NewIDs(node int) (*IDs, error) {
	if node < 0 || node > MaxNode {
		return nil, fmt.Errorf("id node %d: must be 0..%d", node, MaxNode)
	}
	return &IDs{node: int64(node), now: time.Now}, nil
}

// Next returns a new ID. When the clock steps back or more than 64 IDs are
// asked for within one millisecond, it borrows from the next millisecond
// instead of waiting, so IDs stay unique and increasing.
func (g *IDs) Next() int64 {
	g.mu.Lock()
	defer g.mu.Unlock()
	ms := g.now().Sub(idEpoch).Milliseconds()
	if ms <= g.last {
		g.seq++
		if g.seq > maxSeq {
			g.last++
			g.seq = 0
		}
	} else {
		g.last, g.seq = ms, 0
	}
	return (g.last&maxMS)<<(nodeBits+seqBits) | g.node<<seqBits | g.seq
}

// IDTime returns when an ID was generated (to the millisecond).
func IDTime(id int64) time.Time {
	return idEpoch.Add(time.Duration(id>>(nodeBits+seqBits)) * time.Millisecond)
}

// NodeFromRedis takes the next node number from a counter in Redis, so
// processes that start one after another get different nodes. It wraps
// after 64 starts, so it suits short-lived tests and benchmarks only; a
// service holds its node with a NodeLease.
func NodeFromRedis(ctx context.Context, r redis.UniversalClient, key string) (int, error) {
	n, err := r.Incr(ctx, key).Result()
	if err != nil {
		return 0, fmt.Errorf("take id node: %w", err)
	}
	return int((n - 1) % (MaxNode + 1)), nil
}

// newIDs returns n new IDs (a post's ID and feed ID, a comment's ID). A
// request with an Idempotency-Key gets the IDs its first attempt reserved, so
// a retry after a failure past the graph write (Redis down for the feed
// lists) writes the same post or comment again, merged by ID, not a second
// one.
func (s *core) newIDs(ctx context.Context, n int) ([]int64, error) {
	ids := make([]int64, n)
	parts := make([]string, n)
	for i := range ids {
		ids[i] = s.ids.Next()
		parts[i] = strconv.FormatInt(ids[i], 10)
	}
	key, ok := idempotency.FromContext(ctx)
	if !ok {
		return ids, nil
	}
	prev, err := s.r.SetArgs(ctx, s.cfg.Prefix+"idem-ids:"+key, strings.Join(parts, ":"),
		redis.SetArgs{Mode: "NX", Get: true, TTL: reservedIDsTTL}).Result()
	switch {
	case errors.Is(err, redis.Nil): // reserved now
		return ids, nil
	case err != nil:
		return nil, fmt.Errorf("reserve ids: %w", err)
	}
	parts = strings.Split(prev, ":")
	if len(parts) != n {
		return nil, fmt.Errorf("reserved ids %q: want %d", prev, n)
	}
	for i, p := range parts {
		if ids[i], err = strconv.ParseInt(p, 10, 64); err != nil {
			return nil, fmt.Errorf("reserved ids %q: %w", prev, err)
		}
	}
	return ids, nil
}

// reservedIDsTTL outlives IDEMPOTENCY_TTL (24h by default) as deployments set it.
const reservedIDsTTL = 72 * time.Hour
