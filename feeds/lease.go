package feeds

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/google/uuid"
	"github.com/redis/go-redis/v9"

	"github.com/stylegraph/stylegraph"
)

// NodeLease holds one ID generator node in Redis for as long as its process
// lives: the key prefix+"idnode:"+n carries the holder's token and expires
// unless renewed, so a node is never handed to a second live process, and a
// node whose holder died frees itself after the lease's TTL.
type NodeLease struct {
	r      redis.UniversalClient
	prefix string
	token  string
	ttl    time.Duration
	node   int
}

// renewScript extends the lease if it is still ours, takes the node back if
// the key is gone (Redis lost it) and reports 0 if another process holds it.
var renewScript = redis.NewScript(`
local v = redis.call('GET', KEYS[1])
if v == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
if not v then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0`)

var releaseScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`)

// AcquireNode takes a free node (0..MaxNode) under prefix for ttl. Nodes are
// tried from a rotating start so that restarts spread over them.
func AcquireNode(ctx context.Context, r redis.UniversalClient, prefix string, ttl time.Duration) (*NodeLease, error) {
	l := &NodeLease{r: r, prefix: prefix, token: uuid.NewString(), ttl: ttl, node: -1}
	if err := l.acquire(ctx); err != nil {
		return nil, err
	}
	return l, nil
}

func (l *NodeLease) key(n int) string { return l.prefix + "idnode:" + strconv.Itoa(n) }

func (l *NodeLease) acquire(ctx context.Context) error {
	start, err := l.r.Incr(ctx, l.prefix+"idnode:next").Result()
	if err != nil {
		return fmt.Errorf("take id node: %w", err)
	}
	for i := range int64(MaxNode + 1) {
		n := int((start + i) % (MaxNode + 1))
		ok, err := l.r.SetNX(ctx, l.key(n), l.token, l.ttl).Result()
		if err != nil {
			return fmt.Errorf("take id node: %w", err)
		}
		if ok {
			l.node = n
			return nil
		}
	}
	return stylegraph.Errorf(stylegraph.EUNAVAILABLE, "all %d id nodes are held by live processes", MaxNode+1)
}

// Node is the node held.
func (l *NodeLease) Node() int { return l.node }

// Renew extends the lease. When another process holds the node (this one
// was paused past the TTL), it takes a new node and reports it: the
// generator must switch before issuing another ID.
func (l *NodeLease) Renew(ctx context.Context) (node int, changed bool, err error) {
	ok, err := renewScript.Run(ctx, l.r, []string{l.key(l.node)}, l.token, l.ttl.Milliseconds()).Int()
	if err != nil {
		return l.node, false, fmt.Errorf("renew id node %d: %w", l.node, err)
	}
	if ok == 1 {
		return l.node, false, nil
	}
	if err := l.acquire(ctx); err != nil {
		return l.node, false, err
	}
	return l.node, true, nil
}

// Keep renews the lease every third of its TTL until ctx ends, then
// releases it. ids stops issuing IDs when the lease could not be renewed
// within its TTL, and moves to the new node when it had to change.
func (l *NodeLease) Keep(ctx context.Context, ids *IDs, log *slog.Logger) {
	ids.hold(time.Now().Add(l.ttl))
	t := time.NewTicker(l.ttl / 3)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
			_ = releaseScript.Run(rctx, l.r, []string{l.key(l.node)}, l.token).Err()
			cancel()
			return
		case <-t.C:
		}
		at := time.Now()
		node, changed, err := l.Renew(ctx)
		switch {
		case err != nil:
			log.Warn("id node lease not renewed", "node", node, "err", err.Error())
		case changed:
			log.Error("id node lease was lost; switched node", "node", node)
			ids.setNode(node, at.Add(l.ttl))
		default:
			ids.hold(at.Add(l.ttl))
		}
	}
}
