package feeds

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
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
// replicas that start one after another get different nodes (it wraps after
// 64 starts; set FEED_NODE_ID to pin nodes when running more replicas).
func NodeFromRedis(ctx context.Context, r redis.UniversalClient, key string) (int, error) {
	n, err := r.Incr(ctx, key).Result()
	if err != nil {
		return 0, fmt.Errorf("take id node: %w", err)
	}
	return int((n - 1) % (MaxNode + 1)), nil
}
