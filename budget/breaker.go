package budget

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/sony/gobreaker/v2"

	"github.com/stylegraph/stylegraph"
)

// BreakerOptions tune a Breaker. Zero values get the defaults noted.
type BreakerOptions struct {
	// Share is the fraction of the request's remaining budget one call may
	// use (default 0.8): the rest is kept for a fallback and the answer.
	Share float64
	// MaxCall caps one call even when the request has more time; 0 leaves
	// calls without a deadline uncapped (consumers, batch jobs).
	MaxCall time.Duration
	// Failures is how many calls in a row must fail as unavailable before
	// the breaker opens (default 5).
	Failures uint32
	// OpenFor is how long an open breaker refuses calls before it lets one
	// trial call through (default 5s).
	OpenFor time.Duration
	// OnStateChange is told when the breaker opens, half-opens or closes.
	OnStateChange func(name, from, to string)
}

// Breaker guards one dependency: each call gets its share of the request's
// budget, and after Failures unavailable answers in a row the dependency is
// not called for OpenFor; calls fail at once with EUNAVAILABLE meanwhile.
type Breaker struct {
	name string
	o    BreakerOptions
	cb   *gobreaker.CircuitBreaker[struct{}]
}

// NewBreaker returns a breaker for the dependency called name.
func NewBreaker(name string, o BreakerOptions) *Breaker {
	if o.Share <= 0 || o.Share > 1 {
		o.Share = 0.8
	}
	if o.Failures == 0 {
		o.Failures = 5
	}
	if o.OpenFor <= 0 {
		o.OpenFor = 5 * time.Second
	}
	b := &Breaker{name: name, o: o}
	st := gobreaker.Settings{
		Name:        name,
		MaxRequests: 1,
		Timeout:     o.OpenFor,
		ReadyToTrip: func(c gobreaker.Counts) bool { return c.ConsecutiveFailures >= o.Failures },
		// Only an unreachable dependency counts: a bad query or a missing
		// row says nothing about the dependency's health.
		IsSuccessful: func(err error) bool { return stylegraph.ErrorCode(err) != stylegraph.EUNAVAILABLE },
		IsExcluded:   func(err error) bool { var c callerGone; return errors.As(err, &c) },
	}
	if o.OnStateChange != nil {
		st.OnStateChange = func(name string, from, to gobreaker.State) { o.OnStateChange(name, from.String(), to.String()) }
	}
	b.cb = gobreaker.NewCircuitBreaker[struct{}](st)
	return b
}

// Name is the dependency's name.
func (b *Breaker) Name() string { return b.name }

// State is "closed", "half-open" or "open".
func (b *Breaker) State() string { return b.cb.State().String() }

// callerGone marks a call abandoned because the caller went away: it says
// nothing about the dependency, so the breaker ignores it.
type callerGone struct{ err error }

func (c callerGone) Error() string { return c.err.Error() }
func (c callerGone) Unwrap() error { return c.err }

// Do runs call with its share of ctx's budget, unless the breaker is open.
// A call that runs out of its share is EUNAVAILABLE ("timed out"), so the
// edge answers 503 and consumers retry.
func (b *Breaker) Do(ctx context.Context, call func(ctx context.Context) error) error {
	_, err := b.cb.Execute(func() (struct{}, error) {
		cctx, cancel := Share(ctx, b.o.Share, b.o.MaxCall)
		defer cancel()
		if left, ok := cctx.Deadline(); ok && time.Until(left) < MinShare {
			if isBestEffort(ctx) {
				// An extra that used up its own time says nothing of the store.
				return struct{}{}, callerGone{b.timedOut(nil)}
			}
			return struct{}{}, b.timedOut(nil)
		}
		err := call(cctx)
		switch {
		case err == nil:
			return struct{}{}, nil
		case errors.Is(ctx.Err(), context.Canceled):
			return struct{}{}, callerGone{err}
		case cctx.Err() != nil && isBestEffort(ctx):
			// An extra with a tight share (the feed's recommendation mix)
			// ran out of its own time: that says little about the store, and
			// counting it would open the breaker for every request.
			return struct{}{}, callerGone{b.timedOut(err)}
		case cctx.Err() != nil && stylegraph.ErrorCode(err) != stylegraph.EUNAVAILABLE:
			return struct{}{}, b.timedOut(err)
		}
		return struct{}{}, err
	})
	switch {
	case errors.Is(err, gobreaker.ErrOpenState), errors.Is(err, gobreaker.ErrTooManyRequests):
		return &stylegraph.Error{Code: stylegraph.EUNAVAILABLE, Message: b.name + " unavailable; retry later"}
	case err != nil:
		var c callerGone
		if errors.As(err, &c) {
			return c.err
		}
	}
	return err
}

func (b *Breaker) timedOut(err error) error {
	e := &stylegraph.Error{Code: stylegraph.EUNAVAILABLE, Message: b.name + " did not answer in time; retry later"}
	if err == nil {
		return e
	}
	return fmt.Errorf("%w: %w", e, err)
}

type bestEffortKey struct{}

// BestEffort marks ctx as serving an optional extra: calls under it that run
// out of time fail as usual but do not count against the breaker.
func BestEffort(ctx context.Context) context.Context {
	return context.WithValue(ctx, bestEffortKey{}, true)
}

func isBestEffort(ctx context.Context) bool {
	v, _ := ctx.Value(bestEffortKey{}).(bool)
	return v
}
