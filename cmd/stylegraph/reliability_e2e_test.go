package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/config"
	"github.com/stylegraph/stylegraph/graph"
	"github.com/stylegraph/stylegraph/internal/e2e"
	"github.com/stylegraph/stylegraph/internal/testenv"
	"github.com/stylegraph/stylegraph/reconcile"
)

// answer is one timed request.
type answer struct {
	code       int
	retryAfter string
	degraded   string
	body       string
	took       time.Duration
}

func timed(t *testing.T, method, url string, hdr map[string]string, body string) answer {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	start := time.Now()
	resp, err := (&http.Client{Timeout: 30 * time.Second}).Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return answer{resp.StatusCode, resp.Header.Get("Retry-After"), resp.Header.Get("X-Degraded"), string(b), time.Since(start)}
}

// TestHungStoresFailFastAndDegrade makes Neo4j and OpenSearch hang (through
// proxies, so the shared services are untouched) under the default budgets:
// nothing waits past its budget, nothing answers 500, reads that have a
// useful answer without them still answer, and readiness stays up.
func TestHungStoresFailFastAndDegrade(t *testing.T) {
	cfg := testenv.Config(t)
	nu, err := url.Parse(cfg.Neo4jURI)
	if err != nil {
		t.Fatal(err)
	}
	ou, err := url.Parse(cfg.OpenSearchURL)
	if err != nil {
		t.Fatal(err)
	}
	neo := testenv.StartProxy(t, nu.Host)
	ost := testenv.StartProxy(t, ou.Host)
	defaults, err := config.LoadFrom(func(string) (string, bool) { return "", false })
	if err != nil {
		t.Fatal(err)
	}
	base, d := startServerWith(t, func(c *config.Config) {
		isolate(t)(c)
		c.Neo4jURI = "bolt://" + neo.Addr() // direct: no routing table pointing past the proxy
		c.OpenSearchURL = ou.Scheme + "://" + ost.Addr()
		c.Reliability = defaults.Reliability
		c.Reliability.BreakerOpenFor = time.Second
		c.Reliability.BreakerFailures = 2
	})
	uid := testenv.IDBase(t) + 1
	t.Cleanup(func() { _ = d.Graph.Seed.PurgeUsers(context.Background(), uid, uid+1) })
	as := map[string]string{"Authorization": "Bearer " + e2e.Token(t, d.Cfg.JWTSecret, uid, stylegraph.RoleShopper)}

	// Healthy: a post in the feed, a kept answer to fall back on.
	if a := timed(t, "POST", base+"/v1/posts", as, `{"title":"before the outage"}`); a.code != 201 {
		t.Fatalf("create post = %d %s", a.code, a.body)
	}
	if a := timed(t, "GET", base+"/v1/feed", as, ""); a.code != 200 {
		t.Fatalf("feed = %d %s", a.code, a.body)
	}
	card := []stylegraph.Recommendation{{Product: stylegraph.Product{ID: uid + 100, Title: "kept"}, Score: 1}}
	if err := d.RecsCache().PutAnswer(context.Background(), "user", fmt.Sprint(uid), card); err != nil {
		t.Fatal(err)
	}

	neo.Pause()
	ost.Pause()
	t.Cleanup(func() { neo.Resume(); ost.Resume() })
	read, write := defaults.Reliability.ReadBudget, defaults.Reliability.WriteBudget
	for _, tc := range []struct {
		method, path, body string
		code               int
		within             time.Duration
		degraded           bool
	}{
		{"GET", "/readyz", "", 200, time.Second + 200*time.Millisecond, false},
		{"GET", "/livez", "", 200, 100 * time.Millisecond, false},
		{"GET", "/v1/search?q=shirt", "", 503, read + time.Second, false},
		// Two failures (the readiness ping, the search) opened the breaker:
		// the hung cluster costs nothing more for BreakerOpenFor.
		{"GET", "/v1/search?q=shirt", "", 503, 600 * time.Millisecond, false},
		{"GET", "/v1/feed", "", 200, read + time.Second, false}, // all in Redis: nothing to miss
		{"GET", "/v1/recommendations", "", 200, read + time.Second, true},
		{"GET", fmt.Sprintf("/v1/users/%d/followers", uid), "", 503, read + time.Second, false},
		{"POST", "/v1/posts", `{"title":"during the outage"}`, 503, write + time.Second, false},
	} {
		a := timed(t, tc.method, base+tc.path, as, tc.body)
		t.Logf("%s %s: %d in %v (degraded %q)", tc.method, tc.path, a.code, a.took.Round(time.Millisecond), a.degraded)
		if a.code != tc.code {
			t.Errorf("%s %s = %d %s, want %d", tc.method, tc.path, a.code, a.body, tc.code)
		}
		if a.took > tc.within {
			t.Errorf("%s %s took %v, want under %v", tc.method, tc.path, a.took, tc.within)
		}
		if a.code == 503 && (a.retryAfter == "" || !strings.Contains(a.body, `"code":"unavailable"`)) {
			t.Errorf("%s %s: 503 without Retry-After or the error shape: %q %s", tc.method, tc.path, a.retryAfter, a.body)
		}
		if tc.degraded && a.degraded == "" {
			t.Errorf("%s %s: not marked degraded", tc.method, tc.path)
		}
		if tc.path == "/readyz" && !strings.Contains(a.body, `"status":"degraded"`) {
			t.Errorf("/readyz = %s, want degraded", a.body)
		}
		if tc.path == "/v1/recommendations" && !strings.Contains(a.body, `"degraded":true`) {
			t.Errorf("recommendations = %s, want the kept answer marked degraded", a.body)
		}
	}
	neo.Resume()
	ost.Resume()
	deadline := time.Now().Add(15 * time.Second)
	for {
		a := timed(t, "GET", base+"/v1/search?q=shirt", as, "")
		if a.code == 200 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("search after the outage = %d %s", a.code, a.body)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// A client retrying POST /v1/posts or a comment with the same
// Idempotency-Key gets the first answer, not a duplicate.
func TestIdempotencyKey(t *testing.T) {
	base, d := startServerWith(t, isolate(t))
	uid := testenv.IDBase(t) + 1
	t.Cleanup(func() { _ = d.Graph.Seed.PurgeUsers(context.Background(), uid, uid+1) })
	tok := "Bearer " + e2e.Token(t, d.Cfg.JWTSecret, uid, stylegraph.RoleShopper)
	with := func(key string) map[string]string {
		return map[string]string{"Authorization": tok, "Idempotency-Key": key}
	}
	key := fmt.Sprintf("post-%d", time.Now().UnixNano())
	// A title of this run's own: a new shopper's feed also shows trending
	// posts, which may include earlier runs' posts.
	title := "once " + key
	create := `{"title":"` + title + `"}`
	first := timed(t, "POST", base+"/v1/posts", with(key), create)
	again := timed(t, "POST", base+"/v1/posts", with(key), create)
	if first.code != 201 || again.code != 201 || first.body != again.body {
		t.Fatalf("retry = %d %s, first = %d %s; want the same 201", again.code, again.body, first.code, first.body)
	}
	other := timed(t, "POST", base+"/v1/posts", with(key), `{"title":"something else"}`)
	if other.code != 409 || !strings.Contains(other.body, `"field":"Idempotency-Key"`) {
		t.Errorf("same key, other body = %d %s; want 409 naming Idempotency-Key", other.code, other.body)
	}
	var own stylegraph.FeedPage
	if code := get(t, base+"/v1/feed?limit=50", map[string]string{"Authorization": tok}, &own); code != 200 {
		t.Fatalf("feed = %d", code)
	}
	n := 0
	for _, it := range own.Items {
		if it.Post.Title == title {
			n++
		}
	}
	if n != 1 {
		t.Errorf("the feed shows the post %d times, want 1", n)
	}

	var post stylegraph.Feed
	if err := json.Unmarshal([]byte(first.body), &post); err != nil || post.Post.ID == 0 {
		t.Fatalf("decode post: %v %s", err, first.body)
	}
	ckey := key + "-comment"
	url := fmt.Sprintf("%s/v1/posts/%d/comments", base, post.Post.ID)
	c1 := timed(t, "POST", url, with(ckey), `{"text":"nice"}`)
	c2 := timed(t, "POST", url, with(ckey), `{"text":"nice"}`)
	if c1.code != 201 || c1.body != c2.body {
		t.Errorf("comment retry = %d %s, first %d %s; want the same 201", c2.code, c2.body, c1.code, c1.body)
	}
	if c3 := timed(t, "POST", url, with(ckey), `{"text":"something else"}`); c3.code != 409 || !strings.Contains(c3.body, `"field":"Idempotency-Key"`) {
		t.Errorf("same comment key, other body = %d %s; want 409 naming Idempotency-Key", c3.code, c3.body)
	}
	var cs stylegraph.CommentPage
	if code := get(t, url, map[string]string{"Authorization": tok}, &cs); code != 200 || len(cs.Items) != 1 {
		t.Errorf("comments = %d, %d items; want 200 with the one comment", code, len(cs.Items))
	}
	if bad := timed(t, "POST", url, with("has space"), `{"text":"nice"}`); bad.code != 400 || !strings.Contains(bad.body, "Idempotency-Key") {
		t.Errorf("bad key = %d %s, want 400 naming Idempotency-Key", bad.code, bad.body)
	}
}

// Autocomplete answers from the suggestions it kept in Redis, marked
// degraded, while OpenSearch is hung or down, within the read budget; a
// prefix it never answered gives an empty list, not an error.
func TestSuggestionsFromRedisWhileSearchIsOut(t *testing.T) {
	cfg := testenv.Config(t)
	ou, err := url.Parse(cfg.OpenSearchURL)
	if err != nil {
		t.Fatal(err)
	}
	ost := testenv.StartProxy(t, ou.Host)
	defaults, err := config.LoadFrom(func(string) (string, bool) { return "", false })
	if err != nil {
		t.Fatal(err)
	}
	base, d := startServerWith(t, func(c *config.Config) {
		isolate(t)(c)
		c.OpenSearchURL = ou.Scheme + "://" + ost.Addr()
		c.Reliability = defaults.Reliability
		c.Reliability.BreakerOpenFor = time.Second
		c.Reliability.BreakerFailures = 2
	})
	ctx := context.Background()
	key := d.Cfg.Search.KeyPrefix + "suggest:" + d.Cfg.SearchIndexPrefix
	t.Cleanup(func() { testenv.Redis(t).Del(ctx, key) })
	idb := testenv.IDBase(t)
	word := fmt.Sprintf("zq%d", idb) // a word no other product has
	ps := []stylegraph.Product{
		{ID: idb + 1, Title: "Linen " + word + " Shirt", Brand: "Acme", Price: 10, CreatedAt: time.Now().UTC()},
		{ID: idb + 2, Title: word + " Wool Coat", Brand: "Acme", Price: 90, CreatedAt: time.Now().UTC()},
	}
	if rep, err := d.Search.IndexProducts(ctx, ps); err != nil || len(rep.Failed) > 0 {
		t.Fatalf("index products: %v %+v", err, rep)
	}
	if err := d.Search.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	as := map[string]string{"Authorization": "Bearer " + e2e.Token(t, d.Cfg.JWTSecret, idb+1, stylegraph.RoleShopper)}
	type page struct {
		Suggestions []stylegraph.Suggestion `json:"suggestions"`
	}
	suggest := func(q string) (answer, page) {
		t.Helper()
		a := timed(t, "GET", base+"/v1/search/suggest?q="+url.QueryEscape(q), as, "")
		var p page
		if a.code == 200 {
			if err := json.Unmarshal([]byte(a.body), &p); err != nil {
				t.Fatalf("decode %s: %v", a.body, err)
			}
		}
		return a, p
	}
	healthy, want := suggest(word)
	if healthy.code != 200 || healthy.degraded != "" || len(want.Suggestions) != 2 {
		t.Fatalf("suggest with OpenSearch up = %d (degraded %q) %s; want both products", healthy.code, healthy.degraded, healthy.body)
	}
	// The answer is kept in the background.
	for deadline := time.Now().Add(10 * time.Second); testenv.Redis(t).ZCard(ctx, key).Val() == 0; time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the answer was not kept in Redis within 10s")
		}
	}

	read := defaults.Reliability.ReadBudget
	for _, out := range []struct {
		name       string
		fault, fix func()
	}{{"hung", ost.Pause, ost.Resume}, {"down", ost.Down, ost.Up}} {
		out.fault()
		for _, tc := range []struct {
			q    string
			want []stylegraph.Suggestion
		}{
			{word, want.Suggestions},
			{word + " wo", []stylegraph.Suggestion{{Text: word + " Wool Coat", Kind: "product", ID: idb + 2}}},
			{"LINEN " + strings.ToUpper(word), []stylegraph.Suggestion{{Text: "Linen " + word + " Shirt", Kind: "product", ID: idb + 1}}},
			{word + "x", []stylegraph.Suggestion{}},
		} {
			a, got := suggest(tc.q)
			t.Logf("OpenSearch %s: suggest %q = %d in %v (degraded %q)", out.name, tc.q, a.code, a.took.Round(time.Millisecond), a.degraded)
			if a.code != 200 || a.degraded != "opensearch" {
				t.Errorf("OpenSearch %s: suggest %q = %d (X-Degraded %q) %s; want 200 marked degraded by opensearch", out.name, tc.q, a.code, a.degraded, a.body)
				continue
			}
			if a.took > read+time.Second {
				t.Errorf("OpenSearch %s: suggest %q took %v, budget %v", out.name, tc.q, a.took, read)
			}
			if diff := cmp.Diff(tc.want, got.Suggestions, cmpopts.SortSlices(func(a, b stylegraph.Suggestion) bool { return a.ID < b.ID })); diff != "" {
				t.Errorf("OpenSearch %s: suggest %q (-want +got):\n%s", out.name, tc.q, diff)
			}
		}
		out.fix()
	}
	// Healed: OpenSearch answers again once the breaker lets a call through.
	for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		if a, _ := suggest(word); a.code == 200 && a.degraded == "" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("suggest still degraded 15s after OpenSearch came back")
		}
	}
}

// A merchandiser's client that hangs up during PUT /v1/products/{id}, after
// the graph took the write and while the index is slow, leaves both stores
// holding the new product: the write runs to its end without its caller.
func TestProductWriteOutlivesItsCaller(t *testing.T) {
	cfg := testenv.Config(t)
	ou, err := url.Parse(cfg.OpenSearchURL)
	if err != nil {
		t.Fatal(err)
	}
	ost := testenv.StartProxy(t, ou.Host)
	defaults, err := config.LoadFrom(func(string) (string, bool) { return "", false })
	if err != nil {
		t.Fatal(err)
	}
	base, d := startServerWith(t, func(c *config.Config) {
		isolate(t)(c)
		c.OpenSearchURL = ou.Scheme + "://" + ost.Addr()
		c.Reliability = defaults.Reliability
	})
	ctx := context.Background()
	id := testenv.IDBase(t) + 1
	t.Cleanup(func() { _, _ = d.Graph.Catalog.DeleteProduct(context.Background(), id) })
	as := map[string]string{"Authorization": "Bearer " + e2e.Token(t, d.Cfg.JWTSecret, id, stylegraph.RoleMerchandiser)}
	path := fmt.Sprintf("%s/v1/products/%d", base, id)
	if a := timed(t, "PUT", path, as, `{"title":"before","price":10,"currency":"EUR"}`); a.code != 200 {
		t.Fatalf("first PUT = %d %s", a.code, a.body)
	}

	// The index hangs for a while; the client gives up long before.
	ost.Pause()
	hctx, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	req, _ := http.NewRequestWithContext(hctx, "PUT", path, strings.NewReader(`{"title":"after the hang-up","price":11,"currency":"EUR"}`))
	req.Header.Set("Authorization", as["Authorization"])
	req.Header.Set("Content-Type", "application/json")
	if resp, err := http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
		t.Fatalf("PUT answered %d before the client hung up; the test needs the index to hang", resp.StatusCode)
	}
	cancel()
	time.Sleep(500 * time.Millisecond) // the server still holds the write
	ost.Resume()

	for deadline := time.Now().Add(defaults.Reliability.WriteBudget + 5*time.Second); ; time.Sleep(200 * time.Millisecond) {
		p, err := d.Graph.Catalog.Product(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		docs, err := d.Search.Products(ctx, []int64{id})
		if err != nil {
			t.Fatal(err)
		}
		if p.Title == "after the hang-up" && docs[id].Title == "after the hang-up" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after the hang-up: graph %+v, index %+v; want both to hold the new title", p, docs[id])
		}
	}
	rep, err := reconcile.SearchIndex(ctx, d.Graph.Catalog, d.Search, reconcile.Options{Scope: graph.Scope{From: id, To: id}, DryRun: true})
	if err != nil || rep.Drift() != 0 || rep.Products != 1 {
		t.Errorf("reconcile --dry-run over the product = %v, %v; want it checked and in step", rep, err)
	}
}
