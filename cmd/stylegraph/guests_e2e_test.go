package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/api/client"
	"github.com/stylegraph/stylegraph/internal/e2e"
	"github.com/stylegraph/stylegraph/internal/testenv"
)

// TestGuestSession: a visitor who is not signed in gets a guest token,
// searches, clicks a result with the query ID and likes a product, gets
// recommendations, is refused the social endpoints; on sign-in the
// session's activity lands on the account.
func TestGuestSession(t *testing.T) {
	base, d := startServerWith(t, isolate(t))
	ctx := context.Background()
	ids := testenv.IDBase(t)
	account := ids + 1
	word := fmt.Sprintf("gz%dq", ids)
	products := []stylegraph.Product{
		{ID: ids + 11, Title: "Linen Tee " + word, Brand: "Plain", Price: 10, CreatedAt: time.Now()},
		{ID: ids + 12, Title: "Linen Shirt " + word, Brand: "Plain", Price: 20, CreatedAt: time.Now()},
	}
	e2e.Products(t, d, products)
	if err := d.Graph.Catalog.UpsertUsers(ctx, []stylegraph.User{{ID: account, Name: "Ana"}}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = d.Graph.Seed.PurgeUsers(context.Background(), ids, ids+10)
		for _, p := range products {
			_, _ = d.Graph.Catalog.DeleteProduct(context.Background(), p.ID)
		}
	})
	startWorker(t, d) // the graph writer records the guest's events

	anon, err := client.NewClientWithResponses(base)
	if err != nil {
		t.Fatal(err)
	}
	gs, err := anon.CreateGuestSessionWithResponse(ctx)
	if err != nil {
		t.Fatal(err)
	}
	status(t, "POST /v1/guests", gs.StatusCode(), 201, gs.Body)
	guestID, guestTok := gs.JSON201.GuestId, gs.JSON201.Token
	t.Cleanup(func() { _ = d.Graph.Seed.PurgeUsers(context.Background(), guestID-1, guestID+1) })
	if guestID < stylegraph.MinGuestID {
		t.Errorf("guest ID %d below %d", guestID, stylegraph.MinGuestID)
	}
	gc, err := client.NewClientWithResponses(base, client.WithRequestEditorFn(func(_ context.Context, r *http.Request) error {
		r.Header.Set("Authorization", "Bearer "+guestTok)
		return nil
	}))
	if err != nil {
		t.Fatal(err)
	}

	// Browsing works.
	sr, err := gc.SearchProductsWithResponse(ctx, &client.SearchProductsParams{Q: ptr(word)})
	if err != nil {
		t.Fatal(err)
	}
	status(t, "guest search", sr.StatusCode(), 200, sr.Body)
	if len(sr.JSON200.Hits) != 2 {
		t.Fatalf("guest search found %d hits, want 2: %s", len(sr.JSON200.Hits), sr.Body)
	}
	clicked := *sr.JSON200.Hits[1].Product.Id
	for _, ev := range []string{
		fmt.Sprintf(`{"type":"view","target":{"kind":"product","id":%d},"data":{"queryID":%q,"position":1}}`, clicked, sr.JSON200.QueryID),
		fmt.Sprintf(`{"type":"like","target":{"kind":"product","id":%d}}`, ids+12),
	} {
		r, err := gc.PostEventsWithBodyWithResponse(ctx, "application/json", strings.NewReader(ev))
		if err != nil {
			t.Fatal(err)
		}
		status(t, "guest event "+ev, r.StatusCode(), 202, r.Body)
	}
	rec, err := gc.GetRecommendationsWithResponse(ctx, &client.GetRecommendationsParams{})
	if err != nil {
		t.Fatal(err)
	}
	status(t, "guest recommendations", rec.StatusCode(), 200, rec.Body)
	me, err := gc.GetMeWithResponse(ctx)
	if err != nil {
		t.Fatal(err)
	}
	status(t, "guest /v1/me", me.StatusCode(), 200, me.Body)
	if me.JSON200.Role != "guest" || me.JSON200.UserId != guestID {
		t.Errorf("guest /v1/me = %+v", me.JSON200)
	}

	// Social and staff endpoints, and social events, need a sign-in.
	hdr := map[string]string{"Authorization": "Bearer " + guestTok}
	for _, tc := range []struct{ method, path, body string }{
		{"GET", "/v1/feed", ""},
		{"POST", "/v1/posts", `{"title":"x"}`},
		{"GET", "/v1/me/notifications", ""},
		{"GET", "/v1/admin/insights/searches", ""},
		{"POST", "/v1/events", fmt.Sprintf(`{"type":"follow","target":{"kind":"user","id":%d}}`, account)},
		{"POST", "/v1/events", fmt.Sprintf(`{"type":"view","userId":%d,"target":{"kind":"product","id":%d}}`, account, clicked)},
	} {
		if code := e2e.Do(t, tc.method, base+tc.path, hdr, tc.body, nil); code != http.StatusForbidden {
			t.Errorf("guest %s %s %s = %d, want 403", tc.method, tc.path, tc.body, code)
		}
	}

	// The graph writer records the session's view and like on the guest.
	activity := func(c *client.ClientWithResponses) map[string]bool {
		t.Helper()
		r, err := c.ExportMeWithResponse(ctx)
		if err != nil {
			t.Fatal(err)
		}
		status(t, "export", r.StatusCode(), 200, r.Body)
		var x struct {
			Activity []struct {
				Type string `json:"type"`
				ID   int64  `json:"id"`
			} `json:"activity"`
		}
		if err := json.Unmarshal(r.Body, &x); err != nil {
			t.Fatal(err)
		}
		out := map[string]bool{}
		for _, a := range x.Activity {
			out[fmt.Sprintf("%s %d", a.Type, a.ID)] = true
		}
		return out
	}
	want := []string{fmt.Sprintf("viewed %d", clicked), fmt.Sprintf("liked %d", ids+12)}
	ac := newAPIClients(t, base, d).as(account, stylegraph.RoleShopper)
	var got map[string]bool
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(300 * time.Millisecond) {
		// The writer records the events asynchronously: a merge before it
		// caught up moves part, and the next call the rest.
		mr, err := ac.MergeGuestSessionWithResponse(ctx, client.MergeGuestSessionJSONRequestBody{GuestToken: guestTok})
		if err != nil {
			t.Fatal(err)
		}
		status(t, "merge", mr.StatusCode(), 200, mr.Body)
		if got = activity(ac); got[want[0]] && got[want[1]] {
			break
		}
	}
	for _, w := range want {
		if !got[w] {
			t.Errorf("account activity %v lacks %q", got, w)
		}
	}

	bad, err := ac.MergeGuestSessionWithResponse(ctx, client.MergeGuestSessionJSONRequestBody{GuestToken: e2e.Bearer(t, d.Cfg.JWTSecret, ids+5, stylegraph.RoleShopper)["Authorization"][len("Bearer "):]})
	if err != nil {
		t.Fatal(err)
	}
	if bad.StatusCode() != 400 || bad.JSON400.Error.Field == nil || *bad.JSON400.Error.Field != "guestToken" {
		t.Errorf("merging a shopper's token = %d %s, want 400 naming guestToken", bad.StatusCode(), bad.Body)
	}
}
