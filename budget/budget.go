// Package budget gives every request a deadline and splits what is left of it
// among the dependency calls the request makes, and keeps a dependency that is
// down or hung from being called at all for a while (a circuit breaker per
// dependency). It imports only the root package; cmd/ builds the breakers and
// hands them to graph, search and the Redis client.
package budget

import (
	"context"
	"time"
)

// MinShare is the least time a call is given: below it a round trip cannot
// succeed, so the call fails at once instead of starting.
const MinShare = 5 * time.Millisecond

// Share returns the context for one dependency call. Its deadline is frac of
// the time left in ctx, and at most max (0: no cap), so that a slow first call
// leaves time for a fallback and for the answer. Without a deadline in ctx
// the call gets max, or no deadline when max is 0 (batch jobs, consumers).
func Share(ctx context.Context, frac float64, max time.Duration) (context.Context, context.CancelFunc) {
	return share(ctx, time.Now(), frac, max)
}

func share(ctx context.Context, now time.Time, frac float64, max time.Duration) (context.Context, context.CancelFunc) {
	d, ok := Split(ctx, now, frac, max)
	if !ok {
		return context.WithCancel(ctx)
	}
	return context.WithDeadline(ctx, now.Add(d))
}

// Split is the time a call started at now may take: frac of what is left of
// ctx's deadline, capped at max (0: no cap), never below MinShare. ok is
// false when there is neither a deadline nor a cap.
func Split(ctx context.Context, now time.Time, frac float64, max time.Duration) (d time.Duration, ok bool) {
	if frac <= 0 || frac > 1 {
		frac = 1
	}
	dl, has := ctx.Deadline()
	if !has {
		return max, max > 0
	}
	d = time.Duration(float64(dl.Sub(now)) * frac)
	if max > 0 && d > max {
		d = max
	}
	return d, true
}

// Left is the time remaining before ctx's deadline (or def without one).
func Left(ctx context.Context, def time.Duration) time.Duration {
	if dl, ok := ctx.Deadline(); ok {
		return time.Until(dl)
	}
	return def
}
