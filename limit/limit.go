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
	p := l.rdb.Pipeline()
	q := l.Queue(ctx, p, budgets...)
	_, _ = p.Exec(ctx) // each command's error is read by Result
	return q.Result(ctx)
}

// Pending is a spend of budgets queued on a pipeline, whose outcome is read
// once the pipeline ran.
type Pending struct {
	l       *Limiter
	budgets []Budget
	cmds    []*redis.Cmd
}

// Queue adds the spend of one request of every budget to p, so that it
// travels in the same round trip as the other commands on p (a read the
// request makes anyway): AllowAll without a round trip of its own. p must
// be a pipeline of the limiter's Redis. Call Result once p was executed.
func (l *Limiter) Queue(ctx context.Context, p redis.Pipeliner, budgets ...Budget) *Pending {
	q := &Pending{l: l, budgets: budgets, cmds: make([]*redis.Cmd, len(budgets))}
	for i, b := range budgets {
		q.cmds[i] = gcra.EvalSha(ctx, p, []string{l.prefix + b.Key}, b.args()...)
	}
	return q
}

func (b Budget) args() []any { return []any{max(1, b.Burst), b.PerMinute, 60} }

// Result reports, as AllowAll does, whether the queued request may go
// ahead and, when not, how long to wait. Budgets whose node lacked the
// script (first use, SCRIPT FLUSH) are sent again with EVAL, in one more
// round trip; on a cluster the others were already charged and are not
// charged twice.
func (q *Pending) Result(ctx context.Context) (bool, time.Duration, error) {
	var again []int
	for i, c := range q.cmds {
		if redis.HasErrorPrefix(c.Err(), "NOSCRIPT") {
			again = append(again, i)
		}
	}
	if len(again) > 0 {
		p := q.l.rdb.Pipeline()
		for _, i := range again {
			b := q.budgets[i]
			q.cmds[i] = gcra.Eval(ctx, p, []string{q.l.prefix + b.Key}, b.args()...)
		}
		_, _ = p.Exec(ctx)
	}
	ok, retry := true, time.Duration(0)
	for i, c := range q.cmds {
		res, err := c.Slice()
		if err != nil || len(res) != 2 {
			return true, 0, fmt.Errorf("rate limit %s: answer %v: %w", q.budgets[i].Key, res, err)
		}
		if allowed, _ := res[0].(int64); allowed == 1 {
			continue
		}
		s, _ := res[1].(string)
		secs, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return true, 0, fmt.Errorf("rate limit %s: retry-after %q: %w", q.budgets[i].Key, s, err)
		}
		ok, retry = false, max(retry, time.Duration(secs*float64(time.Second)))
	}
	return ok, retry, nil
}
