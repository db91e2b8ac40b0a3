// Package limit rate-limits callers with Redis (GCRA through redis_rate), so
// every API replica shares one budget per caller. It knows nothing of HTTP.
package limit

import (
	"context"
	"fmt"
	"time"

	"github.com/go-redis/redis_rate/v10"
	"github.com/redis/go-redis/v9"
)

// Limiter enforces per-key request budgets.
type Limiter struct {
	rl     *redis_rate.Limiter
	prefix string
}

// New returns a limiter storing its state under prefix in rdb.
func New(rdb redis.UniversalClient, prefix string) *Limiter {
	return &Limiter{rl: redis_rate.NewLimiter(rdb), prefix: prefix}
}

// Allow spends one request of key's budget of perMinute requests a minute
// (bursts up to burst). It reports whether the request may go ahead and,
// when not, how long to wait.
func (l *Limiter) Allow(ctx context.Context, key string, perMinute, burst int) (bool, time.Duration, error) {
	res, err := l.rl.Allow(ctx, l.prefix+key, redis_rate.Limit{Rate: perMinute, Burst: burst, Period: time.Minute})
	if err != nil {
		return true, 0, fmt.Errorf("rate limit %s: %w", key, err)
	}
	if res.Allowed > 0 {
		return true, 0, nil
	}
	return false, res.RetryAfter, nil
}
