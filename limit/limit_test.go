package limit_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/redis/go-redis/v9"

	"github.com/stylegraph/stylegraph/internal/testenv"
	"github.com/stylegraph/stylegraph/limit"
)

func TestBudgetIsSharedAndRefuses(t *testing.T) {
	rdb := testenv.Redis(t)
	ns := testenv.Namespace(t)
	a, b := limit.New(rdb, ns), limit.New(rdb, ns) // two replicas
	ctx := context.Background()
	allowed := 0
	for i := 0; i < 10; i++ {
		l := a
		if i%2 == 1 {
			l = b
		}
		ok, retry, err := l.Allow(ctx, "user:1", 60, 5)
		if err != nil {
			t.Fatal(err)
		}
		if ok {
			allowed++
		} else if retry <= 0 {
			t.Fatalf("refused without a retry-after")
		}
	}
	if allowed != 5 {
		t.Fatalf("allowed %d of 10 with burst 5, want 5", allowed)
	}
	if ok, _, _ := a.Allow(ctx, "user:2", 60, 5); !ok {
		t.Fatal("another key must have its own budget")
	}
}

func TestAllowAllSpendsEveryBudgetInOneCall(t *testing.T) {
	rdb := testenv.Redis(t)
	l := limit.New(rdb, testenv.Namespace(t))
	ctx := context.Background()
	ip := limit.Budget{Key: "ip:10.0.0.1", PerMinute: 60, Burst: 3}
	user := limit.Budget{Key: "user:7", PerMinute: 60, Burst: 2}
	var got []bool
	for range 4 {
		ok, retry, err := l.AllowAll(ctx, ip, user)
		if err != nil {
			t.Fatal(err)
		}
		if !ok && (retry <= 0 || retry > 2*time.Second) {
			t.Fatalf("refused with retry-after %s, want about a second", retry)
		}
		got = append(got, ok)
	}
	// The user's burst of 2 refuses the third; the address was charged for
	// each of the 3 it had room for, so it refuses the fourth on its own.
	if diff := cmp.Diff([]bool{true, true, false, false}, got); diff != "" {
		t.Fatalf("allowed (-want +got):\n%s", diff)
	}
	if ok, _, _ := l.AllowAll(ctx, limit.Budget{Key: "user:7", PerMinute: 60, Burst: 2}); ok {
		t.Fatal("the user's budget must still be spent")
	}
	if ok, _, _ := l.AllowAll(ctx, ip); ok {
		t.Fatal("the address's budget must be spent after 3 requests")
	}
	if ok, _, _ := l.AllowAll(ctx, limit.Budget{Key: "user:8", PerMinute: 60, Burst: 2}); !ok {
		t.Fatal("another user must have a budget of their own")
	}
	if ok, _, err := l.AllowAll(ctx); !ok || err != nil {
		t.Fatalf("no budgets = %v, %v; want allowed", ok, err)
	}
}

// roundTrips counts the commands and pipelines a client sends to Redis.
type roundTrips struct{ n atomic.Int64 }

func (r *roundTrips) DialHook(next redis.DialHook) redis.DialHook { return next }
func (r *roundTrips) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error { r.n.Add(1); return next(ctx, cmd) }
}
func (r *roundTrips) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error { r.n.Add(1); return next(ctx, cmds) }
}

func TestABusyKeySpendsLeasesFromMemory(t *testing.T) {
	rdb := testenv.Redis(t)
	trips := &roundTrips{}
	rdb.AddHook(trips)
	l := limit.New(rdb, testenv.Namespace(t))
	ctx := context.Background()
	b := limit.Budget{Key: "ip:10.0.0.9", PerMinute: 60_000, Burst: 6_000} // leases of up to 750
	for i := range 1000 {
		if ok, _, err := l.AllowAll(ctx, b); !ok || err != nil {
			t.Fatalf("request %d refused (%v) with 6000 of burst", i, err)
		}
	}
	// Leases double while they are used up in time: 1, 2, 4, ... 512, 750.
	if n := trips.n.Load(); n > 40 {
		t.Fatalf("1000 requests of a busy key made %d round trips, want at most 40", n)
	}
}

func TestLeasesNeverExceedTheBudget(t *testing.T) {
	rdb := testenv.Redis(t)
	ns := testenv.Namespace(t)
	a, b := limit.New(rdb, ns), limit.New(rdb, ns) // two replicas
	ctx := context.Background()
	budget := limit.Budget{Key: "user:3", PerMinute: 60, Burst: 80} // leases of up to 10
	start := time.Now()
	allowed := 0
	for i := range 400 {
		l := a
		if i%3 == 0 {
			l = b
		}
		ok, retry, err := l.AllowAll(ctx, budget)
		if err != nil {
			t.Fatal(err)
		}
		if ok {
			allowed++
		} else if retry <= 0 {
			t.Fatal("refused without a retry-after")
		}
	}
	// At 1 a second the budget refills by the elapsed seconds; what a
	// replica leased and did not spend lapses, at most a lease each.
	most := 80 + int(time.Since(start).Seconds()) + 1
	if allowed > most || allowed < 80-2*10 {
		t.Fatalf("allowed %d of 400 with a burst of 80, want between %d and %d", allowed, 80-2*10, most)
	}
}
