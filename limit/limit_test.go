package limit_test

import (
	"context"
	"testing"

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
