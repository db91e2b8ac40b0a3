package limit_test

import (
	"context"
	"strconv"
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

// TestScriptLoadChargesOnce: when only some nodes lack the script (a new
// cluster node, a SCRIPT FLUSH), the budgets on the others must not be
// charged a second time when the missing ones are sent again.
func TestScriptLoadChargesOnce(t *testing.T) {
	rdb := testenv.Redis(t)
	ns := testenv.Namespace(t)
	l := limit.New(rdb, ns)
	ctx := context.Background()
	a := limit.Budget{Key: "ip:10.0.0.3", PerMinute: 60, Burst: 2}
	b := limit.Budget{Key: "user:9", PerMinute: 60, Burst: 2}
	node := func(key string) redis.UniversalClient {
		if c, ok := rdb.(*redis.ClusterClient); ok {
			n, err := c.MasterForKey(ctx, ns+key)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		return rdb
	}
	if c, ok := rdb.(*redis.ClusterClient); ok { // b on another node than a, if there is one
		an, _ := c.MasterForKey(ctx, ns+a.Key)
		for i := 0; i < 100; i++ {
			k := "user:" + strconv.Itoa(i)
			if bn, _ := c.MasterForKey(ctx, ns+k); bn.Options().Addr != an.Options().Addr {
				b.Key = k
				break
			}
		}
	}
	// Both nodes run the script once (each budget has one request left),
	// then a's node forgets it.
	if ok, _, err := l.AllowAll(ctx, a, b); !ok || err != nil {
		t.Fatalf("first request: %v, %v", ok, err)
	}
	if err := node(a.Key).ScriptFlush(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	var got []bool
	for range 2 {
		ok, _, err := l.AllowAll(ctx, a, b)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, ok)
	}
	if diff := cmp.Diff([]bool{true, false}, got); diff != "" {
		t.Fatalf("allowed with bursts of 2 (-want +got):\n%s", diff)
	}
}

// TestQueueRidesOnAnotherRead: a spend queued on a pipeline that carries
// another read is charged like AllowAll's, and the read comes back with it
// in the same round trip.
func TestQueueRidesOnAnotherRead(t *testing.T) {
	rdb := testenv.Redis(t)
	ns := testenv.Namespace(t)
	l := limit.New(rdb, ns)
	ctx := context.Background()
	t.Cleanup(func() { rdb.Del(context.Background(), ns+"other") })
	if err := rdb.Set(ctx, ns+"other", "v", time.Minute).Err(); err != nil {
		t.Fatal(err)
	}
	ip := limit.Budget{Key: "ip:10.0.0.9", PerMinute: 60, Burst: 3}
	user := limit.Budget{Key: "user:11", PerMinute: 60, Burst: 2}
	var got []bool
	for range 4 {
		p := rdb.Pipeline()
		q := l.Queue(ctx, p, ip, user)
		read := p.Get(ctx, ns+"other")
		_, _ = p.Exec(ctx)
		ok, retry, err := q.Result(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if !ok && (retry <= 0 || retry > 2*time.Second) {
			t.Fatalf("refused with retry-after %s, want about a second", retry)
		}
		if read.Val() != "v" {
			t.Fatalf("the read beside the spend got %q, %v", read.Val(), read.Err())
		}
		got = append(got, ok)
	}
	if diff := cmp.Diff([]bool{true, true, false, false}, got); diff != "" {
		t.Fatalf("allowed (-want +got):\n%s", diff)
	}
	// The queued spends charged the same budgets AllowAll spends.
	if ok, _, _ := l.AllowAll(ctx, ip); ok {
		t.Fatal("the address's budget must be spent after 3 queued requests")
	}
}
