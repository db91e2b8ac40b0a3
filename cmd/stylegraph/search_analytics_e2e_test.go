package main

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/api/client"
	"github.com/stylegraph/stylegraph/internal/e2e"
	"github.com/stylegraph/stylegraph/internal/testenv"
)

// TestSearchAnalyticsThroughGeneratedClient: a search answers a queryID
// that every page of it keeps; a click (the view of a hit) and an add to
// cart sent with it count for the query, and the merchandisers' report
// shows click-through, conversion and the zero-result query.
func TestSearchAnalyticsThroughGeneratedClient(t *testing.T) {
	base, d := startServerWith(t, isolate(t))
	ctx := context.Background()
	ids := testenv.IDBase(t)
	shopper := ids + 1
	// Search statistics live under one shared prefix: the query words are
	// unique to this run so other tests' searches do not mix in.
	word := fmt.Sprintf("qz%dx", ids)
	products := []stylegraph.Product{
		{ID: ids + 11, Title: "Linen Tee " + word, Brand: "Plain", Price: 10, CreatedAt: time.Now()},
		{ID: ids + 12, Title: "Linen Shirt " + word, Brand: "Plain", Price: 20, CreatedAt: time.Now()},
	}
	e2e.Products(t, d, products)
	t.Cleanup(func() {
		for _, p := range products {
			_, _ = d.Graph.Catalog.DeleteProduct(context.Background(), p.ID)
		}
	})
	e2e.Users(t, d, ids, []stylegraph.User{{ID: shopper, Name: "S"}})
	startWorker(t, d) // the search-stats consumer counts searches, clicks and carts
	cl := newAPIClients(t, base, d)
	sc := cl.as(shopper, stylegraph.RoleShopper)

	first, err := sc.SearchProductsWithResponse(ctx, &client.SearchProductsParams{Q: ptr(word), Limit: ptr(int32(1)), Personalize: ptr(false)})
	if err != nil {
		t.Fatal(err)
	}
	status(t, "search", first.StatusCode(), 200, first.Body)
	qid := first.JSON200.QueryID
	if len(qid) != 32 || first.JSON200.NextCursor == nil || len(first.JSON200.Hits) != 1 {
		t.Fatalf("first page: queryID %q, nextCursor %v, %d hits", qid, first.JSON200.NextCursor, len(first.JSON200.Hits))
	}
	second, err := sc.SearchProductsWithResponse(ctx, &client.SearchProductsParams{Q: ptr(word), Limit: ptr(int32(1)), Personalize: ptr(false), Cursor: first.JSON200.NextCursor})
	if err != nil {
		t.Fatal(err)
	}
	status(t, "search page 2", second.StatusCode(), 200, second.Body)
	if second.JSON200.QueryID != qid || len(second.JSON200.Hits) != 1 {
		t.Errorf("page 2: queryID %q (want %q), %d hits", second.JSON200.QueryID, qid, len(second.JSON200.Hits))
	}
	other, err := sc.SearchProductsWithResponse(ctx, &client.SearchProductsParams{Q: ptr(word)})
	if err != nil {
		t.Fatal(err)
	}
	if other.JSON200 == nil || other.JSON200.QueryID == qid {
		t.Errorf("a new search kept the old queryID")
	}
	nothing := fmt.Sprintf("vvw%dkk", ids)
	none, err := sc.SearchProductsWithResponse(ctx, &client.SearchProductsParams{Q: ptr(nothing)})
	if err != nil {
		t.Fatal(err)
	}
	status(t, "zero-result search", none.StatusCode(), 200, none.Body)

	// The searches are counted by the worker; a click names a search it
	// knows, so wait until the stats have them.
	admin := cl.as(ids+9, stylegraph.RoleMerchandiser)
	report := func(list client.GetInsightSearchAnalyticsParamsList) map[string]map[string]any {
		t.Helper()
		r, err := admin.GetInsightSearchAnalyticsWithResponse(ctx, &client.GetInsightSearchAnalyticsParams{Window: ptr(client.Window("1d")), Limit: ptr(client.Limit(500)), List: &list})
		if err != nil {
			t.Fatal(err)
		}
		status(t, "search analytics", r.StatusCode(), 200, r.Body)
		out := map[string]map[string]any{}
		for _, row := range r.JSON200.Rows {
			if q, _ := row["query"].(string); q == word || q == nothing {
				out[q] = row
			}
		}
		return out
	}
	waitFor := func(what string, cond func(map[string]map[string]any) bool, list client.GetInsightSearchAnalyticsParamsList) map[string]map[string]any {
		t.Helper()
		var got map[string]map[string]any
		for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(300 * time.Millisecond) {
			if got = report(list); cond(got) {
				return got
			}
		}
		t.Fatalf("%s: %v", what, got)
		return nil
	}
	waitFor("searches counted", func(m map[string]map[string]any) bool {
		return m[word]["searches"] == 2.0 && m[nothing]["searches"] == 1.0
	}, "top")

	// A click on the second hit of the first search, and an add to cart of
	// it reported by the shop's backend.
	hit := *second.JSON200.Hits[0].Product.Id
	if hit != ids+11 && hit != ids+12 {
		t.Fatalf("page 2 hit %d is not one of this test's products", hit)
	}
	ev, err := sc.PostEventsWithBodyWithResponse(ctx, "application/json", strings.NewReader(
		fmt.Sprintf(`{"type":"view","target":{"kind":"product","id":%d},"data":{"queryID":%q,"position":2}}`, hit, qid)))
	if err != nil {
		t.Fatal(err)
	}
	status(t, "click event", ev.StatusCode(), 202, ev.Body)
	cart, err := cl.service.PostEventsWithBodyWithResponse(ctx, "application/json", strings.NewReader(
		fmt.Sprintf(`{"type":"add_to_cart","userId":%d,"target":{"kind":"product","id":%d},"data":{"queryID":%q,"position":2,"price":20,"currency":"USD"}}`, shopper, hit, qid)))
	if err != nil {
		t.Fatal(err)
	}
	status(t, "add to cart event", cart.StatusCode(), 202, cart.Body)

	got := waitFor("click and cart counted", func(m map[string]map[string]any) bool {
		return m[word]["clicks"] == 1.0 && m[word]["carts"] == 1.0
	}, "top")
	want := map[string]any{
		"query": word, "searches": 2.0, "zeroResults": 0.0, "clicks": 1.0, "clickedSearches": 1.0, "clickThroughRate": 0.5,
		"carts": 1.0, "cartedSearches": 1.0, "conversionRate": 0.5, "averageClickPosition": 2.0,
	}
	if diff := cmp.Diff(want, got[word]); diff != "" {
		t.Errorf("analytics of %q (-want +got):\n%s", word, diff)
	}
	zero := report("zero_results")
	if _, ok := zero[word]; ok || zero[nothing]["zeroResults"] != 1.0 {
		t.Errorf("zero_results list: %v, want only %q with 1", zero, nothing)
	}

	// Bad attribution is refused, naming the field.
	for _, tc := range []struct{ body, field string }{
		{fmt.Sprintf(`{"type":"view","target":{"kind":"product","id":%d},"data":{"queryID":"nope","position":1}}`, hit), "data.queryID"},
		{fmt.Sprintf(`{"type":"view","target":{"kind":"product","id":%d},"data":{"queryID":%q}}`, hit, qid), "data.position"},
		{fmt.Sprintf(`{"type":"view","target":{"kind":"product","id":%d},"data":{"queryID":%q,"position":1001}}`, hit, qid), "data.position"},
		{fmt.Sprintf(`{"type":"like","target":{"kind":"product","id":%d},"data":{"queryID":%q,"position":1}}`, hit, qid), "data.queryID"},
	} {
		r, err := sc.PostEventsWithBodyWithResponse(ctx, "application/json", strings.NewReader(tc.body))
		if err != nil {
			t.Fatal(err)
		}
		if r.StatusCode() != 400 || !strings.Contains(string(r.Body), `"field":"`+tc.field+`"`) {
			t.Errorf("%s = %d %s, want 400 naming %s", tc.body, r.StatusCode(), r.Body, tc.field)
		}
	}
	bad, err := admin.GetInsightSearchAnalyticsWithResponse(ctx, &client.GetInsightSearchAnalyticsParams{List: ptr(client.GetInsightSearchAnalyticsParamsList("best"))})
	if err != nil {
		t.Fatal(err)
	}
	if bad.StatusCode() != 400 || bad.JSON400.Error.Field == nil || *bad.JSON400.Error.Field != "list" {
		t.Errorf("list=best = %d %s, want 400 naming list", bad.StatusCode(), bad.Body)
	}
	badCursor, err := sc.SearchProductsWithResponse(ctx, &client.SearchProductsParams{Q: ptr(word), Cursor: ptr("abc")})
	if err != nil {
		t.Fatal(err)
	}
	if badCursor.StatusCode() != 400 || !strings.Contains(string(badCursor.Body), `"field":"cursor"`) {
		t.Errorf("cursor=abc = %d %s, want 400 naming cursor", badCursor.StatusCode(), badCursor.Body)
	}
}
