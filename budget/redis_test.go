package budget_test

import (
	"context"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/stylegraph/stylegraph/budget"
	"github.com/stylegraph/stylegraph/internal/testenv"
)

// A Redis that crashes and comes back is used again as soon as the breaker
// lets a trial call through: the breaker must not stay open because the
// client's pool still holds connections to the dead process.
func TestRedisBreakerClosesAfterARestart(t *testing.T) {
	srv := testenv.StartRedis(t)
	b := budget.NewBreaker("redis", budget.BreakerOptions{Failures: 2, OpenFor: 500 * time.Millisecond})
	rdb := redis.NewClient(&redis.Options{Addr: srv.Addr(), ContextTimeoutEnabled: true})
	rdb.AddHook(budget.RedisHook{B: b})
	t.Cleanup(func() { rdb.Close() })
	call := func() error {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		return rdb.Set(ctx, "k", "v", 0).Err()
	}
	// Fill the pool with connections, as a busy server has.
	done := make(chan error, 20)
	for range 20 {
		go func() { done <- call() }()
	}
	for range 20 {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	srv.Kill()
	for range 5 {
		_ = call()
	}
	if b.State() != "open" {
		t.Fatalf("breaker %s with Redis down, want open", b.State())
	}
	srv.Start()
	start := time.Now()
	for call() != nil {
		if time.Since(start) > 5*time.Second {
			t.Fatalf("Redis back for %v and calls still fail (breaker %s)", time.Since(start), b.State())
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Logf("calls succeed %v after the restart", time.Since(start).Round(time.Millisecond))
}
