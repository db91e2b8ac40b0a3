package feeds

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
	"github.com/redis/go-redis/v9"

	"github.com/stylegraph/stylegraph"
)

// streamCaps counts live streams across every API process in Redis, so
// StreamsPerUser and StreamsMax hold for the whole deployment, not per
// replica. Each open stream holds a lease: a member of a sorted set scored
// by its expiry (Redis' own clock, so replicas' clocks do not matter), one
// set per user and one for all streams. The process renews its leases
// every third of the TTL; a process that dies stops renewing and its
// streams stop counting after the TTL. Each script touches one key, so the
// sets may live on different Redis Cluster slots; a user's lease is taken
// first and given back if the total is full.
type streamCaps struct {
	r            redis.UniversalClient
	prefix       string
	perUser, max int
	ttl          time.Duration
	log          *slog.Logger

	owner string       // this process, in lease names
	seq   atomic.Int64 // lease counter

	mu    sync.Mutex
	held  map[string]int64 // lease → user
	stop  chan struct{}
	done  chan struct{}
	start sync.Once
}

func newStreamCaps(r redis.UniversalClient, prefix string, perUser, max int, ttl time.Duration, log *slog.Logger) *streamCaps {
	return &streamCaps{
		r: r, prefix: prefix, perUser: perUser, max: max, ttl: ttl, log: log,
		owner: uuid.NewString(), held: map[string]int64{},
		stop: make(chan struct{}), done: make(chan struct{}),
	}
}

func (c *streamCaps) userKey(uid int64) string { return c.prefix + "streams:user:" + itoa(uid) }
func (c *streamCaps) allKey() string           { return c.prefix + "streams:all" }

// takeLease drops expired leases of KEYS[1], then adds ARGV[3] unless the
// set already holds ARGV[2] live ones. ARGV[1] is the TTL in ms.
var takeLease = redis.NewScript(`
redis.replicate_commands()
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return 0 end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[1]), ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return 1`)

// renewLeases pushes the expiry of leases ARGV[2..] of KEYS[1] to now plus
// ARGV[1] ms. A lease that lapsed meanwhile (Redis unreachable for a TTL)
// is taken again: the stream is still open.
var renewLeases = redis.NewScript(`
redis.replicate_commands()
local t = redis.call('TIME')
local exp = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) + tonumber(ARGV[1])
for i = 2, #ARGV do redis.call('ZADD', KEYS[1], exp, ARGV[i]) end
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return #ARGV - 1`)

// acquire takes a lease for one more stream of uid, or refuses with
// ERATELIMITED when the user or the deployment is at its cap.
func (c *streamCaps) acquire(ctx context.Context, uid int64) (string, error) {
	c.start.Do(func() { go c.keep() })
	lease := c.owner + ":" + strconv.FormatInt(c.seq.Add(1), 10)
	ttl := c.ttl.Milliseconds()
	ok, err := takeLease.Run(ctx, c.r, []string{c.userKey(uid)}, ttl, c.perUser, lease).Int()
	if err != nil {
		return "", fmt.Errorf("count live streams of user %d: %w", uid, err)
	}
	if ok == 0 {
		return "", stylegraph.Errorf(stylegraph.ERATELIMITED, "at most %d live streams per user are open at once; close one first", c.perUser)
	}
	ok, err = takeLease.Run(ctx, c.r, []string{c.allKey()}, ttl, c.max, lease).Int()
	if err == nil && ok == 0 {
		err = stylegraph.Errorf(stylegraph.ERATELIMITED, "the service holds its maximum of %d live streams; retry shortly", c.max)
	} else if err != nil {
		err = fmt.Errorf("count live streams: %w", err)
	}
	if err != nil {
		c.r.ZRem(context.WithoutCancel(ctx), c.userKey(uid), lease)
		return "", err
	}
	c.mu.Lock()
	c.held[lease] = uid
	c.mu.Unlock()
	return lease, nil
}

// release gives a stream's lease back.
func (c *streamCaps) release(uid int64, lease string) {
	c.mu.Lock()
	delete(c.held, lease)
	c.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	pipe := c.r.Pipeline()
	pipe.ZRem(ctx, c.userKey(uid), lease)
	pipe.ZRem(ctx, c.allKey(), lease)
	if _, err := pipe.Exec(ctx); err != nil {
		// The lease expires on its own after the TTL.
		c.log.Warn("release live stream lease", "err", err.Error())
	}
}

// keep renews every lease this process holds each third of the TTL, in one
// pipelined round trip, until close.
func (c *streamCaps) keep() {
	defer close(c.done)
	t := time.NewTicker(c.ttl / 3)
	defer t.Stop()
	for {
		select {
		case <-c.stop:
			return
		case <-t.C:
		}
		c.mu.Lock()
		byUser := map[int64][]any{}
		var all []any
		for lease, uid := range c.held {
			byUser[uid] = append(byUser[uid], lease)
			all = append(all, lease)
		}
		c.mu.Unlock()
		if len(all) == 0 {
			continue
		}
		ttl := c.ttl.Milliseconds()
		ctx, cancel := context.WithTimeout(context.Background(), c.ttl/3)
		pipe := c.r.Pipeline()
		// Eval, not EvalSha: a pipeline cannot fall back on NOSCRIPT.
		renewLeases.Eval(ctx, pipe, []string{c.allKey()}, append([]any{ttl}, all...)...)
		for uid, leases := range byUser {
			renewLeases.Eval(ctx, pipe, []string{c.userKey(uid)}, append([]any{ttl}, leases...)...)
		}
		if _, err := pipe.Exec(ctx); err != nil {
			c.log.Warn("renew live stream leases", "streams", len(all), "err", err.Error())
		}
		cancel()
	}
}

// close stops renewing; leases still held lapse after the TTL.
func (c *streamCaps) close() {
	c.start.Do(func() { close(c.done) }) // never started: nothing to wait for
	select {
	case <-c.stop:
	default:
		close(c.stop)
	}
	<-c.done
}
