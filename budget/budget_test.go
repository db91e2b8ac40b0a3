package budget

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/stylegraph/stylegraph"
)

func TestSplit(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	withDeadline := func(left time.Duration) context.Context {
		ctx, cancel := context.WithDeadline(context.Background(), now.Add(left))
		t.Cleanup(cancel)
		return ctx
	}
	type result struct {
		D  time.Duration
		OK bool
	}
	tests := []struct {
		name string
		ctx  context.Context
		frac float64
		max  time.Duration
		want result
	}{
		{"no deadline, no cap: unbounded", context.Background(), 0.8, 0, result{0, false}},
		{"no deadline: the cap", context.Background(), 0.8, 2 * time.Second, result{2 * time.Second, true}},
		{"share of what is left", withDeadline(time.Second), 0.8, 0, result{800 * time.Millisecond, true}},
		{"the cap when the share is larger", withDeadline(10 * time.Second), 0.5, 2 * time.Second, result{2 * time.Second, true}},
		{"a bad fraction takes all", withDeadline(time.Second), 7, 0, result{time.Second, true}},
		{"a spent budget is spent", withDeadline(-time.Second), 0.5, 0, result{-500 * time.Millisecond, true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, ok := Split(tt.ctx, now, tt.frac, tt.max)
			if diff := cmp.Diff(tt.want, result{d, ok}); diff != "" {
				t.Errorf("Split (-want +got):\n%s", diff)
			}
		})
	}
}

// Three calls in a row each take their share of what the previous ones left.
func TestShareLeavesTimeForLaterCalls(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	var got []time.Duration
	for range 3 {
		c, cc := Share(ctx, 0.5, 0)
		dl, _ := c.Deadline()
		got = append(got, time.Until(dl))
		<-c.Done() // the call uses all of its share
		cc()
	}
	want := []time.Duration{500 * time.Millisecond, 250 * time.Millisecond, 125 * time.Millisecond}
	for i := range want {
		if d := got[i] - want[i]; d < -30*time.Millisecond || d > 5*time.Millisecond {
			t.Errorf("share %d = %v, want about %v", i, got[i], want[i])
		}
	}
	if ctx.Err() != nil {
		t.Errorf("the request's own deadline passed: %v", ctx.Err())
	}
}

var errDown = &stylegraph.Error{Code: stylegraph.EUNAVAILABLE, Message: "down"}

func TestBreakerOpensOnUnavailableOnly(t *testing.T) {
	var transitions []string
	b := NewBreaker("neo4j", BreakerOptions{Failures: 3, OpenFor: 100 * time.Millisecond, OnStateChange: func(name, from, to string) {
		transitions = append(transitions, from+">"+to)
	}})
	ctx := context.Background()
	calls := 0
	fail := func(err error) func(context.Context) error {
		return func(context.Context) error { calls++; return err }
	}
	// Caller errors never open it.
	for range 5 {
		_ = b.Do(ctx, fail(stylegraph.Errorf(stylegraph.ENOTFOUND, "no such product")))
	}
	if b.State() != "closed" {
		t.Fatalf("state after not-found errors = %s, want closed", b.State())
	}
	for range 3 {
		_ = b.Do(ctx, fail(errDown))
	}
	if b.State() != "open" {
		t.Fatalf("state after 3 unavailable = %s, want open", b.State())
	}
	before := calls
	start := time.Now()
	err := b.Do(ctx, fail(nil))
	if stylegraph.ErrorCode(err) != stylegraph.EUNAVAILABLE || calls != before {
		t.Fatalf("open breaker: err %v, calls %d->%d; want EUNAVAILABLE without calling", err, before, calls)
	}
	if time.Since(start) > 10*time.Millisecond {
		t.Errorf("open breaker took %v to refuse", time.Since(start))
	}
	time.Sleep(120 * time.Millisecond)
	if err := b.Do(ctx, fail(nil)); err != nil {
		t.Fatalf("trial call: %v", err)
	}
	want := []string{"closed>open", "open>half-open", "half-open>closed"}
	if diff := cmp.Diff(want, transitions); diff != "" {
		t.Errorf("transitions (-want +got):\n%s", diff)
	}
}

func TestBreakerTimesOutAHungCall(t *testing.T) {
	b := NewBreaker("opensearch", BreakerOptions{Share: 0.5, Failures: 2})
	ctx, cancel := context.WithTimeout(context.Background(), 400*time.Millisecond)
	defer cancel()
	hung := func(ctx context.Context) error { <-ctx.Done(); return ctx.Err() }
	start := time.Now()
	err := b.Do(ctx, hung)
	took := time.Since(start)
	if stylegraph.ErrorCode(err) != stylegraph.EUNAVAILABLE {
		t.Fatalf("hung call: %v, want EUNAVAILABLE", err)
	}
	if took < 150*time.Millisecond || took > 300*time.Millisecond {
		t.Errorf("hung call returned after %v, want about half the 400ms budget", took)
	}
	if ctx.Err() != nil {
		t.Errorf("no time left for the answer")
	}
	_ = b.Do(ctx, hung)
	if b.State() != "open" {
		t.Errorf("state after two hung calls = %s, want open", b.State())
	}
}

// A caller that hangs up says nothing about the dependency.
func TestBreakerIgnoresCallersThatLeave(t *testing.T) {
	b := NewBreaker("redis", BreakerOptions{Failures: 1})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := b.Do(ctx, func(ctx context.Context) error { return ctx.Err() })
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
	if b.State() != "closed" {
		t.Errorf("state = %s, want closed", b.State())
	}
}

func TestBackoffGrowsWithJitter(t *testing.T) {
	base, max := 100*time.Millisecond, 2*time.Second
	for attempt, want := range map[int]time.Duration{1: 100 * time.Millisecond, 2: 200 * time.Millisecond, 3: 400 * time.Millisecond, 6: 2 * time.Second, 30: 2 * time.Second} {
		seen := map[time.Duration]bool{}
		for range 200 {
			d := Backoff(base, max, attempt)
			if d < want/2 || d > want {
				t.Fatalf("attempt %d: %v, want within [%v, %v]", attempt, d, want/2, want)
			}
			seen[d] = true
		}
		if len(seen) < 50 {
			t.Errorf("attempt %d: only %d distinct waits in 200: no jitter", attempt, len(seen))
		}
	}
}

// An optional extra that runs out of its own short share fails, but does not
// open the breaker for the requests that need the store.
func TestBreakerIgnoresBestEffortTimeouts(t *testing.T) {
	b := NewBreaker("neo4j", BreakerOptions{Share: 0.5, Failures: 1})
	hung := func(ctx context.Context) error { <-ctx.Done(); return ctx.Err() }
	for range 3 {
		ctx, cancel := context.WithTimeout(BestEffort(context.Background()), 100*time.Millisecond)
		err := b.Do(ctx, hung)
		cancel()
		if stylegraph.ErrorCode(err) != stylegraph.EUNAVAILABLE {
			t.Fatalf("best-effort hung call: %v, want EUNAVAILABLE", err)
		}
	}
	if b.State() != "closed" {
		t.Errorf("state after best-effort timeouts = %s, want closed", b.State())
	}
}

// A best-effort call that starts with less than MinShare left is refused
// without trying, and without counting against the store either: the feed's
// mix makes many such calls once its own share is spent.
func TestBreakerIgnoresBestEffortCallsWithNoTimeLeft(t *testing.T) {
	b := NewBreaker("redis", BreakerOptions{Share: 1, Failures: 1})
	for range 3 {
		ctx, cancel := context.WithTimeout(BestEffort(context.Background()), MinShare/2)
		err := b.Do(ctx, func(context.Context) error { return nil })
		cancel()
		if stylegraph.ErrorCode(err) != stylegraph.EUNAVAILABLE {
			t.Fatalf("best-effort call without time: %v, want EUNAVAILABLE", err)
		}
	}
	if b.State() != "closed" {
		t.Errorf("state after best-effort calls without time = %s, want closed", b.State())
	}
	ctx, cancel := context.WithTimeout(context.Background(), MinShare/2)
	defer cancel()
	_ = b.Do(ctx, func(context.Context) error { return nil })
	if b.State() != "open" {
		t.Errorf("state after a required call without time = %s, want open", b.State())
	}
}
