package main

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/api"
	"github.com/stylegraph/stylegraph/config"
	"github.com/stylegraph/stylegraph/internal/e2e"
	"github.com/stylegraph/stylegraph/internal/testenv"
)

// TestSearchEndToEnd runs /v1/search through the real wiring: a product a
// followed shopper liked moves up for the follower (and says why), turning
// personalisation off restores the plain order, every search lands on the
// activity stream, and product events reach the index as popularity.
func TestSearchEndToEnd(t *testing.T) {
	iso := isolate(t)
	ns := testenv.Namespace(t)
	base, d := startServerWith(t, func(c *config.Config) {
		iso(c)
		c.Search.KeyPrefix = ns + "search:"
		c.Search.SignalsGroup = "search-signals"
		// A cold graph under a parallel test run may be slow; this test is
		// about what personalisation does, not how fast.
		c.Search.ProfileTimeout = 10 * time.Second
	})
	ctx := context.Background()
	ids := testenv.IDBase(t)
	shopper, friend := ids+1, ids+2
	tee := func(id int64, title string) stylegraph.Product {
		return stylegraph.Product{ID: id, Title: title, Brand: "Plain", CategoryPath: []string{"Apparel", "Topwear", "Tshirts"}, Color: "White", Gender: "Men", Price: 10, CreatedAt: time.Now()}
	}
	// The liked tee has the longest title, so BM25 alone ranks it last.
	liked := ids + 13
	products := []stylegraph.Product{
		tee(ids+11, "White Tee"), tee(ids+12, "White Cotton Tee"),
		tee(liked, "White Cotton Crew Neck Tee With Pocket"),
	}
	e2e.Products(t, d, products)
	if err := d.Graph.Catalog.UpsertUsers(ctx, []stylegraph.User{{ID: shopper, Name: "S"}, {ID: friend, Name: "F"}}); err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	if err := d.Graph.Activity.ApplyActivity(ctx, stylegraph.Activity{
		Follows: []stylegraph.Toggle{{EventID: "f", UserID: shopper, Kind: "user", ID: friend, At: now}},
		Likes:   []stylegraph.Toggle{{EventID: "l", UserID: friend, Kind: "product", ID: liked, At: now}},
	}); err != nil {
		t.Fatal(err)
	}
	asShopper := e2e.Bearer(t, d.Cfg.JWTSecret, shopper, stylegraph.RoleShopper)

	search := func(query string) stylegraph.SearchResult {
		t.Helper()
		var res stylegraph.SearchResult
		if code := get(t, base+"/v1/search?"+query, asShopper, &res); code != http.StatusOK {
			t.Fatalf("GET /v1/search?%s = %d", query, code)
		}
		return res
	}
	order := func(res stylegraph.SearchResult) []int64 {
		var out []int64
		for _, h := range res.Hits {
			out = append(out, h.Product.ID)
		}
		return out
	}
	plain := search("q=tee&personalize=false")
	if diff := cmp.Diff([]int64{ids + 11, ids + 12, liked}, order(plain)); diff != "" {
		t.Errorf("unpersonalised order (-want +got):\n%s", diff)
	}
	if p := plain.Personalization; p == nil || p.Enabled || len(p.Applied) != 0 {
		t.Errorf("personalize=false: %+v", p)
	}
	mine := search("q=tee")
	if diff := cmp.Diff([]int64{liked, ids + 11, ids + 12}, order(mine)); diff != "" {
		t.Errorf("personalised order (-want +got):\n%s", diff)
	}
	wantApplied := []stylegraph.Boost{{Kind: "liked_by_followed", Value: "1 products", Weight: 8}}
	if p := mine.Personalization; p == nil || !p.Enabled || !cmp.Equal(wantApplied, p.Applied) {
		t.Errorf("personalization %+v, want enabled with %+v", p, wantApplied)
	}
	if got := mine.Hits[0].Boosts; !cmp.Equal([]string{"liked_by_followed"}, got) {
		t.Errorf("boosts of the liked tee %q", got)
	}

	// A misspelt first letter finds nothing as typed: the page falls back to
	// the suggestion, and the activity records the zero.
	typo := search("q=rhite&personalize=false")
	if !typo.Relaxed || len(typo.Hits) != 3 || len(typo.Suggestions) == 0 || typo.Suggestions[0] != "white" {
		t.Errorf("q=rhite: relaxed=%v hits=%v suggestions=%q", typo.Relaxed, order(typo), typo.Suggestions)
	}

	// Every search was recorded as activity, with its result count.
	rdb := testenv.Redis(t)
	deadline := time.Now().Add(5 * time.Second)
	var found []stylegraph.Event
	for len(found) < 3 && time.Now().Before(deadline) {
		found = found[:0]
		msgs, err := rdb.XRange(ctx, d.Cfg.Activity.Stream, "-", "+").Result()
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range msgs {
			for _, v := range m.Values {
				if e, err := stylegraph.DecodeEvent([]byte(fmt.Sprint(v))); err == nil && e.Type == stylegraph.EventSearch {
					found = append(found, e)
				}
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	if len(found) != 3 {
		t.Fatalf("search events on the stream: %d, want 3", len(found))
	}
	counts := map[string][]int{}
	for _, e := range found {
		if e.UserID != shopper || e.Data.ResultCount == nil {
			t.Errorf("search event %+v", e)
			continue
		}
		counts[e.Data.Query] = append(counts[e.Data.Query], *e.Data.ResultCount)
	}
	if diff := cmp.Diff(map[string][]int{"tee": {3, 3}, "rhite": {0}}, counts); diff != "" {
		t.Errorf("recorded result counts (-want +got):\n%s", diff)
	}

	// Bad input names the parameter.
	for query, field := range map[string]string{
		"q=tee&colour=red": "colour", "sort=cheapest": "sort", "limit=500": "limit", "price_min=abc": "price_min",
		"cursor=nope": "cursor", "personalize=maybe": "personalize", "q=a&q=b": "q",
		"q=" + url.QueryEscape(string(make([]byte, 300))): "q",
	} {
		var e api.ErrorBody
		if code := get(t, base+"/v1/search?"+query, asShopper, &e); code != http.StatusBadRequest || e.Error.Field != field {
			t.Errorf("%s: %d %+v, want 400 naming %s", query, code, e.Error, field)
		}
	}

	var sug struct {
		Suggestions []stylegraph.Suggestion `json:"suggestions"`
	}
	if code := get(t, base+"/v1/search/suggest?q=white+cot", asShopper, &sug); code != http.StatusOK || len(sug.Suggestions) != 2 {
		t.Errorf("suggest: %d %+v", code, sug)
	}

	// Popularity: a purchase event (the shop's backend reports it) reaches the index through the worker.
	startWorker(t, d)
	if code := e2e.Do(t, http.MethodPost, base+"/v1/events", serviceKey(t, d), fmt.Sprintf(`{"type":"purchase","userId":%d,"target":{"kind":"product","id":%d}}`, shopper, ids+12), nil); code != http.StatusAccepted {
		t.Fatalf("purchase event: %d", code)
	}
	deadline = time.Now().Add(10 * time.Second)
	for {
		_ = d.Search.Refresh(ctx)
		res := search("sort=popular&limit=1&personalize=false&brand=Plain")
		if len(res.Hits) == 1 && res.Hits[0].Product.ID == ids+12 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("purchase did not make product %d the most popular: %v", ids+12, order(res))
		}
		time.Sleep(100 * time.Millisecond)
	}
}
