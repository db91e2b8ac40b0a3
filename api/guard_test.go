package api

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/redis/go-redis/v9"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/auth"
	"github.com/stylegraph/stylegraph/feeds"
	"github.com/stylegraph/stylegraph/ingest"
	"github.com/stylegraph/stylegraph/ingest/redisstream"
	"github.com/stylegraph/stylegraph/internal/testenv"
	"github.com/stylegraph/stylegraph/limit"
)

func TestRateLimitsPerPrincipalAndIP(t *testing.T) {
	lim := limit.New(testenv.Redis(t), testenv.Namespace(t))
	s := New(Options{
		Auth:    auth.New(secret, nil),
		Limiter: lim,
		Limits:  RateLimits{PerPrincipal: 30, PerIP: 100},
	})
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(ts.Close)

	alice := map[string]string{"Authorization": token(t, 101, stylegraph.RoleShopper)}
	bob := map[string]string{"Authorization": token(t, 102, stylegraph.RoleShopper)}
	// Burst is a tenth of the per-minute budget: 3 for a principal.
	var statuses []int
	for i := 0; i < 5; i++ {
		status, e, hdr := do(t, "GET", ts.URL+"/v1/me", alice, "")
		statuses = append(statuses, status)
		if status == http.StatusTooManyRequests {
			if e.Error.Code != "rate_limited" {
				t.Fatalf("429 body %+v", e)
			}
			if sec, err := strconv.Atoi(hdr.Get("Retry-After")); err != nil || sec < 1 {
				t.Fatalf("Retry-After = %q", hdr.Get("Retry-After"))
			}
		}
	}
	if want := []int{200, 200, 200, 429, 429}; !slices.Equal(statuses, want) {
		t.Fatalf("statuses %v, want %v", statuses, want)
	}
	if status, _, _ := do(t, "GET", ts.URL+"/v1/me", bob, ""); status != 200 {
		t.Fatalf("another shopper is limited too: %d", status)
	}

	// Unauthenticated floods hit the per-IP budget (burst 10) before auth,
	// and a forged X-Forwarded-For does not buy a fresh budget.
	got429 := false
	for i := 0; i < 15; i++ {
		status, _, _ := do(t, "GET", ts.URL+"/v1/me", map[string]string{"X-Forwarded-For": "10.0.0." + strconv.Itoa(i)}, "")
		if status == http.StatusTooManyRequests {
			got429 = true
		}
	}
	if !got429 {
		t.Fatal("per-IP limit never refused an unauthenticated flood")
	}
}

func TestCORS(t *testing.T) {
	s := New(Options{Auth: auth.New(secret, nil), CORSOrigins: []string{"https://shop.example.com"}})
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(ts.Close)
	for origin, want := range map[string]string{"https://shop.example.com": "https://shop.example.com", "https://evil.example.com": ""} {
		req, _ := http.NewRequest(http.MethodOptions, ts.URL+"/v1/me", nil)
		req.Header.Set("Origin", origin)
		req.Header.Set("Access-Control-Request-Method", "GET")
		req.Header.Set("Access-Control-Request-Headers", "Authorization")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if got := resp.Header.Get("Access-Control-Allow-Origin"); got != want {
			t.Errorf("origin %s: Allow-Origin %q, want %q", origin, got, want)
		}
	}
}

// TestFeedReadCarriesTheRateLimitSpend: GET /v1/feed spends its budgets in
// the feed's first Redis round trip, so the limiter adds no round trip; a
// refused read answers 429 as before, and a request that ends before
// reading the feed (a bad parameter) is still charged.
func TestFeedReadCarriesTheRateLimitSpend(t *testing.T) {
	g, r := testenv.Graph(t), testenv.Redis(t)
	base, prefix := testenv.IDBase(t), testenv.Namespace(t)
	t.Cleanup(func() {
		ctx := context.Background()
		iter := r.Scan(ctx, 0, prefix+"*", 1000).Iterator()
		for iter.Next(ctx) {
			r.Del(ctx, iter.Val())
		}
		_ = g.Seed.PurgeUsers(ctx, base, base+10)
	})
	var users []stylegraph.User
	for i := int64(1); i <= 4; i++ {
		users = append(users, stylegraph.User{ID: base + i, Name: "reader"})
	}
	if err := g.Catalog.UpsertUsers(context.Background(), users); err != nil {
		t.Fatal(err)
	}
	ids, _ := feeds.NewIDs(testenv.FeedNode(t))
	svc := feeds.New(testenv.FeedGraph(g), r, nil, ids, feeds.Config{Prefix: prefix}, nil)
	t.Cleanup(func() { _ = svc.Close() })
	serve := func(lim RateLimiter) string {
		s := New(Options{Auth: auth.New(secret, nil), Feeds: svc, Limiter: lim, Limits: RateLimits{PerPrincipal: 30, PerIP: 6000}})
		ts := httptest.NewServer(s.Handler())
		t.Cleanup(ts.Close)
		return ts.URL
	}
	limited, unlimited := serve(limit.New(r, prefix+"rl:")), serve(nil)
	trips := &tripCounter{}
	r.AddHook(trips)
	read := func(url string, user int64, query string) (int, ErrorBody, http.Header) {
		return do(t, "GET", url+"/v1/feed"+query, map[string]string{"Authorization": token(t, user, stylegraph.RoleShopper)}, "")
	}

	// Same round trips with the limiter as without (after a first read
	// that builds the reader's caches and loads the script).
	for _, url := range []string{limited, unlimited} {
		if status, e, _ := read(url, base+1, ""); status != 200 {
			t.Fatalf("first read: %d %+v", status, e)
		}
	}
	var got []int64
	for _, url := range []string{limited, unlimited} {
		trips.n.Store(0)
		if status, e, _ := read(url, base+1, ""); status != 200 {
			t.Fatalf("read: %d %+v", status, e)
		}
		got = append(got, trips.n.Load())
	}
	if got[0] != got[1] || got[0] == 0 {
		t.Fatalf("Redis round trips with the limiter %d, without %d; want the same", got[0], got[1])
	}

	// Burst 3 a reader: the fourth read is refused with Retry-After.
	var statuses []int
	for range 5 {
		status, e, hdr := read(limited, base+2, "")
		statuses = append(statuses, status)
		if status == http.StatusTooManyRequests {
			if sec, err := strconv.Atoi(hdr.Get("Retry-After")); e.Error.Code != "rate_limited" || err != nil || sec < 1 {
				t.Fatalf("429 with %+v, Retry-After %q", e, hdr.Get("Retry-After"))
			}
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

// tripCounter counts Redis round trips (commands and pipelines).
type tripCounter struct{ n atomic.Int64 }

func (h *tripCounter) DialHook(next redis.DialHook) redis.DialHook { return next }
func (h *tripCounter) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error { h.n.Add(1); return next(ctx, cmd) }
}
func (h *tripCounter) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error { h.n.Add(1); return next(ctx, cmds) }
}

// TestEventsAreChargedBeforeTheyAreAppended: POST /v1/events spends its
// budgets while the body is decoded; a refused request answers 429 with
// nothing appended, and a malformed body is charged too.
func TestEventsAreChargedBeforeTheyAreAppended(t *testing.T) {
	r := testenv.Redis(t)
	prefix := testenv.Namespace(t)
	stream := prefix + "events"
	t.Cleanup(func() {
		ctx := context.Background()
		iter := r.Scan(ctx, 0, "*"+prefix+"*", 1000).Iterator()
		for iter.Next(ctx) {
			r.Del(ctx, iter.Val())
		}
	})
	s := New(Options{
		Auth:    auth.New(secret, nil),
		Events:  ingest.NewIngester(redisstream.New(r, redisstream.Options{Stream: stream})),
		Limiter: limit.New(r, prefix+"rl:"),
		Limits:  RateLimits{PerPrincipal: 30, PerIP: 6000},
	})
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(ts.Close)
	post := func(user int64, body string) (int, ErrorBody, http.Header) {
		hdr := map[string]string{"Authorization": token(t, user, stylegraph.RoleShopper), "Content-Type": "application/json"}
		return do(t, "POST", ts.URL+"/v1/events", hdr, body)
	}
	event := func(i int) string {
		return fmt.Sprintf(`{"id":"00000000-0000-4000-8000-%012d","type":"view","target":{"kind":"product","id":%d}}`, i, i+1)
	}

	// Burst 3 a shopper.
	var statuses []int
	for i := range 5 {
		status, e, hdr := post(7001, event(i))
		statuses = append(statuses, status)
		if status == http.StatusTooManyRequests {
			if sec, err := strconv.Atoi(hdr.Get("Retry-After")); e.Error.Code != "rate_limited" || err != nil || sec < 1 {
				t.Fatalf("429 with %+v, Retry-After %q", e, hdr.Get("Retry-After"))
			}
		}
	}
	if diff := cmp.Diff([]int{202, 202, 202, 429, 429}, statuses); diff != "" {
		t.Fatalf("statuses (-want +got):\n%s", diff)
	}
	if n, err := r.XLen(context.Background(), stream).Result(); err != nil || n != 3 {
		t.Fatalf("stream holds %d events (%v), want the 3 accepted", n, err)
	}

	// Malformed bodies are charged too.
	statuses = nil
	for _, body := range []string{"[", "[", "[", event(10)} {
		status, _, _ := post(7002, body)
		statuses = append(statuses, status)
	}
	if diff := cmp.Diff([]int{400, 400, 400, 429}, statuses); diff != "" {
		t.Fatalf("statuses (-want +got):\n%s", diff)
	}
}
