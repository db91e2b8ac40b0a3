package api

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/auth"
	"github.com/stylegraph/stylegraph/graph"
	"github.com/stylegraph/stylegraph/internal/testenv"
	"github.com/stylegraph/stylegraph/limit"
	"github.com/stylegraph/stylegraph/recommend"
)

// TestRecommendationReadCarriesTheRateLimitSpend: GET /v1/recommendations
// served from a stored list spends its budgets in the list's Redis round
// trip, refuses past the budget with 429, and charges requests that end
// before the read.
func TestRecommendationReadCarriesTheRateLimitSpend(t *testing.T) {
	r := testenv.Redis(t)
	base, prefix := testenv.IDBase(t), testenv.Namespace(t)
	t.Cleanup(func() {
		ctx := context.Background()
		iter := r.Scan(ctx, 0, prefix+"*", 1000).Iterator()
		for iter.Next(ctx) {
			r.Del(ctx, iter.Val())
		}
	})
	ctx := context.Background()
	cache := recommend.NewCache(r, prefix+"recs:", time.Hour)
	cards := map[int64]graph.Card{}
	var list []recommend.Ranked
	for i := int64(1); i <= 3; i++ {
		id := base + 100 + i
		cards[id] = graph.Card{Product: stylegraph.Product{ID: id, Title: "p"}, InStock: true}
		list = append(list, recommend.Ranked{ProductID: id, Score: float64(10 - i), Reasons: []stylegraph.Reason{{Kind: "trending", Text: "trending now"}}})
	}
	if err := cache.PutCards(ctx, cards); err != nil {
		t.Fatal(err)
	}
	for u := base + 1; u <= base+3; u++ {
		if err := cache.Put(ctx, u, list, time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	cfg := recommend.DefaultConfig()
	cfg.IgnoreAfter = -1 // no served marks written in the background
	serve := func(lim RateLimiter) string {
		svc := recommend.New(testenv.Graph(t).Recs, cache, cfg)
		s := New(Options{Auth: auth.New(secret, nil), Recommender: svc, Limiter: lim, Limits: RateLimits{PerPrincipal: 30, PerIP: 6000}})
		ts := httptest.NewServer(s.Handler())
		t.Cleanup(ts.Close)
		return ts.URL
	}
	limited, unlimited := serve(limit.New(r, prefix+"rl:")), serve(nil)
	trips := &tripCounter{}
	r.AddHook(trips)
	read := func(url string, user int64, query string) (int, ErrorBody, http.Header) {
		return do(t, "GET", url+"/v1/recommendations"+query, map[string]string{"Authorization": token(t, user, stylegraph.RoleShopper)}, "")
	}

	// Same round trips with the limiter as without, after a first read
	// that loads the script and the cards and starts the background reads.
	for _, url := range []string{limited, unlimited} {
		if status, e, _ := read(url, base+1, ""); status != 200 {
			t.Fatalf("first read: %d %+v", status, e)
		}
	}
	time.Sleep(300 * time.Millisecond)
	var got []int64
	for _, url := range []string{limited, unlimited} {
		trips.n.Store(0)
		if status, e, _ := read(url, base+1, ""); status != 200 {
			t.Fatalf("read: %d %+v", status, e)
		}
		got = append(got, trips.n.Load())
	}
	if diff := cmp.Diff([]int64{1, 1}, got); diff != "" {
		t.Fatalf("Redis round trips with the limiter, without (-want +got):\n%s", diff)
	}

	// Burst 3 a shopper: the fourth read is refused with Retry-After.
	var statuses []int
	for range 5 {
		status, e, hdr := read(limited, base+2, "")
		statuses = append(statuses, status)
		if status == http.StatusTooManyRequests && (e.Error.Code != "rate_limited" || hdr.Get("Retry-After") == "") {
			t.Fatalf("429 with %+v, Retry-After %q", e, hdr.Get("Retry-After"))
		}
	}
	if diff := cmp.Diff([]int{200, 200, 200, 429, 429}, statuses); diff != "" {
		t.Fatalf("statuses (-want +got):\n%s", diff)
	}

	// Requests refused before the read are charged too.
	statuses = nil
	for _, q := range []string{"?limit=x", "?limit=x", "?limit=x", ""} {
		status, _, _ := read(limited, base+3, q)
		statuses = append(statuses, status)
	}
	if diff := cmp.Diff([]int{400, 400, 400, 429}, statuses); diff != "" {
		t.Fatalf("statuses (-want +got):\n%s", diff)
	}
}
