// Package limit rate-limits callers with Redis (GCRA in a Lua script), so
// every API replica shares one budget per caller. A busy key's requests are
// taken from Redis a few at a time and spent from process memory (a lease),
// so a caller's steady traffic does not cost a Redis round trip a request.
// It knows nothing of HTTP.
package limit

import (
	"context"
	_ "embed"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

//go:embed gcra.lua
var gcraSource string

var gcra = redis.NewScript(gcraSource)

// Limiter enforces per-key request budgets.
type Limiter struct {
	rdb    redis.UniversalClient
	prefix string

	// LeaseTTL is how long requests taken ahead for a key may be spent
	// from memory; zero takes every request from Redis. Unspent ones lapse
	// (the budget is never exceeded, only underused by at most one lease
	// per process and key), so it is short.
	LeaseTTL time.Duration

	mu     sync.Mutex
	leases map[string]*lease
}

// lease is a key's requests taken from Redis ahead of use.
type lease struct {
	left    int       // requests still to spend
	size    int       // how many were taken
	until   time.Time // when the unspent ones lapse
	refused time.Time // while in the future, refuse without asking Redis
}

// maxLeases bounds the keys a process remembers; past it the expired ones
// are dropped, and all of them if that is not enough.
const maxLeases = 100_000

// New returns a limiter storing its state under prefix in rdb, with leases
// of 250 ms.
func New(rdb redis.UniversalClient, prefix string) *Limiter {
	return &Limiter{rdb: rdb, prefix: prefix, LeaseTTL: 250 * time.Millisecond, leases: map[string]*lease{}}
}

// maxLease is how many requests of b one lease may take: an eighth of the
// burst, so a key with a small burst is always exact.
func maxLease(b Budget) int { return max(1, b.Burst/8) }

// Budget is one key's allowance: PerMinute requests a minute, in bursts of
// up to Burst.
type Budget struct {
	Key       string
	PerMinute int
	Burst     int
}

// Allow spends one request of key's budget of perMinute requests a minute
// (bursts up to burst). It reports whether the request may go ahead and,
// when not, how long to wait.
func (l *Limiter) Allow(ctx context.Context, key string, perMinute, burst int) (bool, time.Duration, error) {
	return l.AllowAll(ctx, Budget{Key: key, PerMinute: perMinute, Burst: burst})
}

// AllowAll spends one request of every budget, asking Redis at most once
// (one pipeline: the keys may live on different cluster nodes) and only for
// the budgets whose lease is spent or lapsed, as a request checked against
// several budgets (its address and its caller) would. Each budget is charged
// when it has room, independently of the others. The request may go ahead
// when every budget had room; when not, the wait is the longest of the
// refusing budgets'. A refusal is remembered for its wait (at most LeaseTTL),
// so a flood of refused requests does not reach Redis either.
func (l *Limiter) AllowAll(ctx context.Context, budgets ...Budget) (bool, time.Duration, error) {
	if len(budgets) == 0 {
		return true, 0, nil
	}
	ok, retry, ask, want := l.spendLeases(budgets)
	if len(ask) == 0 {
		return ok, retry, nil
	}
	got, waits, err := l.take(ctx, ask, want)
	if err != nil {
		return true, 0, err
	}
	if l.LeaseTTL <= 0 {
		for i := range ask {
			if got[i] == 0 {
				ok, retry = false, max(retry, waits[i])
			}
		}
		return ok, retry, nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	now := time.Now()
	for i, b := range ask {
		le := l.leaseOf(b.Key)
		if got[i] == 0 {
			ok, retry = false, max(retry, waits[i])
			le.refused = now.Add(min(waits[i], l.LeaseTTL))
			continue
		}
		le.size, le.left, le.until = got[i], got[i]-1, now.Add(l.LeaseTTL)
	}
	return ok, retry, nil
}

// spendLeases spends one request from each budget's lease where it has one,
// and returns the budgets that must ask Redis with how many to take: as
// many as the last lease, doubled when it was used up before it lapsed.
func (l *Limiter) spendLeases(budgets []Budget) (ok bool, retry time.Duration, ask []Budget, want []int) {
	ok = true
	if l.LeaseTTL <= 0 {
		want = make([]int, len(budgets))
		for i := range want {
			want[i] = 1
		}
		return ok, 0, budgets, want
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	now := time.Now()
	for _, b := range budgets {
		le := l.leases[b.Key]
		switch {
		case le != nil && now.Before(le.refused):
			ok, retry = false, max(retry, le.refused.Sub(now))
		case le != nil && le.left > 0 && now.Before(le.until):
			le.left--
		default:
			n := 1
			if le != nil {
				used := le.size - le.left
				if le.left == 0 && now.Before(le.until.Add(l.LeaseTTL)) {
					used = 2 * le.size // used up in time: the key is busier
				}
				n = min(maxLease(b), max(1, used))
			}
			ask, want = append(ask, b), append(want, n)
		}
	}
	return ok, retry, ask, want
}

// leaseOf returns key's lease, making room for it if needed. l.mu is held.
func (l *Limiter) leaseOf(key string) *lease {
	if le := l.leases[key]; le != nil {
		return le
	}
	if len(l.leases) >= maxLeases {
		now := time.Now()
		for k, le := range l.leases {
			if now.After(le.until.Add(l.LeaseTTL)) && now.After(le.refused) {
				delete(l.leases, k)
			}
		}
		if len(l.leases) >= maxLeases {
			clear(l.leases)
		}
	}
	le := &lease{}
	l.leases[key] = le
	return le
}

// take asks Redis for up to want[i] requests of each budget in one round
// trip (one pipeline: the keys may live on different cluster nodes). It
// returns how many each gave (0 when refused) and each refusal's wait.
func (l *Limiter) take(ctx context.Context, budgets []Budget, want []int) ([]int, []time.Duration, error) {
	run := func(eval func(p redis.Pipeliner, keys []string, args ...any) *redis.Cmd) ([]*redis.Cmd, error) {
		cmds := make([]*redis.Cmd, len(budgets))
		_, err := l.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
			for i, b := range budgets {
				cmds[i] = eval(p, []string{l.prefix + b.Key}, max(1, b.Burst), b.PerMinute, 60, want[i])
			}
			return nil
		})
		return cmds, err
	}
	cmds, err := run(func(p redis.Pipeliner, keys []string, args ...any) *redis.Cmd {
		return gcra.EvalSha(ctx, p, keys, args...)
	})
	if redis.HasErrorPrefix(err, "NOSCRIPT") {
		// First use on this Redis (or after SCRIPT FLUSH): EVAL loads it.
		cmds, err = run(func(p redis.Pipeliner, keys []string, args ...any) *redis.Cmd {
			return gcra.Eval(ctx, p, keys, args...)
		})
	}
	if err != nil {
		return nil, nil, fmt.Errorf("rate limit %s: %w", budgets[0].Key, err)
	}
	got, waits := make([]int, len(cmds)), make([]time.Duration, len(cmds))
	for i, c := range cmds {
		res, err := c.Slice()
		if err != nil || len(res) != 2 {
			return nil, nil, fmt.Errorf("rate limit %s: answer %v: %w", budgets[i].Key, res, err)
		}
		if n, _ := res[0].(int64); n > 0 {
			got[i] = int(n)
			continue
		}
		s, _ := res[1].(string)
		secs, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return nil, nil, fmt.Errorf("rate limit %s: retry-after %q: %w", budgets[i].Key, s, err)
		}
		waits[i] = time.Duration(secs * float64(time.Second))
	}
	return got, waits, nil
}
