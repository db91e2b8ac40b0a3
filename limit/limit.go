// Package limit rate-limits callers with Redis (GCRA in a Lua script), so
// every API replica shares one budget per caller. It knows nothing of HTTP.
package limit

import (
	"context"
	_ "embed"
	"fmt"
	"strconv"
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
}

// New returns a limiter storing its state under prefix in rdb.
func New(rdb redis.UniversalClient, prefix string) *Limiter {
	return &Limiter{rdb: rdb, prefix: prefix}
}

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

// AllowAll spends one request of every budget in a single round trip (one
// pipeline: the keys may live on different cluster nodes), as a request
// checked against several budgets (its address and its caller) would. Each
// budget is charged when it has room, independently of the others. The
// request may go ahead when every budget had room; when not, the wait is
// the longest of the refusing budgets'.
func (l *Limiter) AllowAll(ctx context.Context, budgets ...Budget) (bool, time.Duration, error) {
	if len(budgets) == 0 {
		return true, 0, nil
	}
	cmds := make([]*redis.Cmd, len(budgets))
	all := make([]int, len(budgets))
	for i := range all {
		all[i] = i
	}
	run := func(which []int, script func(p redis.Pipeliner, keys []string, args ...any) *redis.Cmd) error {
		_, err := l.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
			for _, i := range which {
				b := budgets[i]
				cmds[i] = script(p, []string{l.prefix + b.Key}, max(1, b.Burst), b.PerMinute, 60)
			}
			return nil
		})
		return err
	}
	err := run(all, func(p redis.Pipeliner, keys []string, args ...any) *redis.Cmd {
		return gcra.EvalSha(ctx, p, keys, args...)
	})
	if redis.HasErrorPrefix(err, "NOSCRIPT") {
		// First use on a node (or after SCRIPT FLUSH): EVAL loads it. Only
		// the budgets whose node lacked the script are sent again; on a
		// cluster the others were already charged.
		var again []int
		for i, c := range cmds {
			if redis.HasErrorPrefix(c.Err(), "NOSCRIPT") {
				again = append(again, i)
			}
		}
		err = run(again, func(p redis.Pipeliner, keys []string, args ...any) *redis.Cmd {
			return gcra.Eval(ctx, p, keys, args...)
		})
	}
	if err != nil {
		return true, 0, fmt.Errorf("rate limit %s: %w", budgets[0].Key, err)
	}
	ok, retry := true, time.Duration(0)
	for i, c := range cmds {
		res, err := c.Slice()
		if err != nil || len(res) != 2 {
			return true, 0, fmt.Errorf("rate limit %s: answer %v: %w", budgets[i].Key, res, err)
		}
		if allowed, _ := res[0].(int64); allowed == 1 {
			continue
		}
		s, _ := res[1].(string)
		secs, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return true, 0, fmt.Errorf("rate limit %s: retry-after %q: %w", budgets[i].Key, s, err)
		}
		ok, retry = false, max(retry, time.Duration(secs*float64(time.Second)))
	}
	return ok, retry, nil
}
