package api

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/auth"
	"github.com/stylegraph/stylegraph/graph"
	"github.com/stylegraph/stylegraph/internal/testenv"
	"github.com/stylegraph/stylegraph/recommend"
)

func TestRecommendationEndpoints(t *testing.T) {
	g := testenv.Graph(t)
	ctx := context.Background()
	base := testenv.IDBase(t)
	me, friend, p1, p2 := base+1, base+2, base+101, base+102
	now := time.Now().UTC()
	if err := g.Catalog.UpsertUsers(ctx, []stylegraph.User{{ID: me, Name: "Me"}, {ID: friend, Name: "Friend"}}); err != nil {
		t.Fatal(err)
	}
	cat := []string{fmt.Sprint("Top-", base), "Tees"}
	if err := g.Catalog.UpsertProducts(ctx, []stylegraph.Product{
		{ID: p1, Title: "Tee one", Brand: fmt.Sprint("B-", base), CategoryPath: cat, CreatedAt: now.AddDate(-1, 0, 0)},
		{ID: p2, Title: "Tee two", Brand: fmt.Sprint("B-", base), CategoryPath: cat, CreatedAt: now.AddDate(-1, 0, 0)},
	}); err != nil {
		t.Fatal(err)
	}
	if err := g.Seed.FollowUsers(ctx, []graph.Follow{{From: me, To: friend, At: now}}); err != nil {
		t.Fatal(err)
	}
	if err := g.Seed.LoadEngagements(ctx, []graph.Engagement{
		{UserID: friend, ProductID: p1, Kind: graph.EngageLike, At: now.Add(-time.Hour)},
		{UserID: friend, ProductID: p2, Kind: graph.EngageLike, At: now.Add(-2 * time.Hour)},
	}); err != nil {
		t.Fatal(err)
	}
	cfg := recommend.DefaultConfig()
	cfg.Weights = map[string]float64{"social": 1}
	s := New(Options{
		Logger:      slog.New(slog.NewJSONHandler(io.Discard, nil)),
		Auth:        auth.New(secret, map[string]string{"svc-key-0123456": "orders"}),
		Recommender: recommend.New(g.Recs, nil, cfg),
	})
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(ts.Close)

	shopper := map[string]string{"Authorization": token(t, me, stylegraph.RoleShopper)}
	service := map[string]string{"X-API-Key": "svc-key-0123456"}
	get := func(path string, hdr map[string]string) (int, RecommendationList, ErrorBody) {
		t.Helper()
		req, _ := http.NewRequest("GET", ts.URL+path, nil)
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		var l RecommendationList
		var e ErrorBody
		_ = json.Unmarshal(b, &l)
		_ = json.Unmarshal(b, &e)
		return resp.StatusCode, l, e
	}
	ids := func(l RecommendationList) []int64 {
		out := []int64{}
		for _, it := range l.Items {
			out = append(out, it.Product.ID)
		}
		return out
	}

	code, list, _ := get("/v1/recommendations?limit=5", shopper)
	if code != 200 {
		t.Fatalf("recommendations: %d", code)
	}
	if diff := cmp.Diff([]int64{p1, p2}, ids(list)); diff != "" {
		t.Fatalf("recommendations (-want +got):\n%s", diff)
	}
	wantReason := stylegraph.Reason{Kind: "social", Text: "liked by Friend", Via: []stylegraph.User{{ID: friend, Name: "Friend"}}}
	if diff := cmp.Diff([]stylegraph.Reason{wantReason}, list.Items[0].Reasons); diff != "" {
		t.Fatalf("reasons (-want +got):\n%s", diff)
	}
	if list.Items[0].Product.Title != "Tee one" || list.Items[0].Product.Brand != fmt.Sprint("B-", base) {
		t.Fatalf("product card = %+v", list.Items[0].Product)
	}
	// Service keys reach only ingest and catalog endpoints.
	if code, _, _ = get(fmt.Sprintf("/v1/recommendations?userId=%d", me), service); code != 403 {
		t.Fatalf("service on behalf of the shopper: %d, want 403", code)
	}

	for _, tc := range []struct {
		name, method, path string
		hdr                map[string]string
		status             int
		field              string
	}{
		{"limit zero", "GET", "/v1/recommendations?limit=0", shopper, 400, "limit"},
		{"limit text", "GET", "/v1/recommendations?limit=ten", shopper, 400, "limit"},
		{"limit 101", "GET", "/v1/recommendations?limit=101", shopper, 400, "limit"},
		{"unknown category", "GET", "/v1/recommendations?category=Nowhere%20%3E%20" + fmt.Sprint(base), shopper, 400, "category"},
		{"long category", "GET", "/v1/recommendations?category=" + strings.Repeat("a", 201), shopper, 400, "category"},
		{"cursor not base64", "GET", "/v1/recommendations?cursor=%21%21", shopper, 400, "cursor"},
		{"cursor not ours", "GET", "/v1/recommendations?cursor=eHl6", shopper, 400, "cursor"},
		{"cursor negative", "GET", "/v1/recommendations?cursor=" + base64.RawURLEncoding.EncodeToString([]byte("o-5")), shopper, 400, "cursor"},
		{"limit too big", "GET", "/v1/trending?limit=101", shopper, 400, "limit"},
		{"someone else's", "GET", fmt.Sprintf("/v1/recommendations?userId=%d", friend), shopper, 403, ""},
		{"service", "GET", "/v1/recommendations", service, 403, ""},
		{"bad userId", "GET", "/v1/recommendations?userId=-3", shopper, 400, "userId"},
		{"no credentials", "GET", "/v1/recommendations", nil, 401, ""},
		{"similar bad id", "GET", "/v1/products/x/similar", shopper, 400, "id"},
		{"similar unknown", "GET", fmt.Sprintf("/v1/products/%d/similar", base+999), shopper, 404, ""},
		{"hide bad id", "PUT", "/v1/me/hidden/0", shopper, 400, "productId"},
		{"hide unknown", "PUT", fmt.Sprintf("/v1/me/hidden/%d", base+999), shopper, 404, ""},
		{"hide as service", "PUT", fmt.Sprintf("/v1/me/hidden/%d", p1), service, 403, ""},
		{"trending long category", "GET", "/v1/trending?category=" + strings.Repeat("a", 201), shopper, 400, "category"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, e, _ := do(t, tc.method, ts.URL+tc.path, tc.hdr, "")
			if status != tc.status || e.Error.Field != tc.field {
				t.Fatalf("%s %s = %d field %q, want %d field %q (%+v)", tc.method, tc.path, status, e.Error.Field, tc.status, tc.field, e)
			}
		})
	}

	if status, _, _ := do(t, "PUT", fmt.Sprintf("%s/v1/me/hidden/%d", ts.URL, p1), shopper, ""); status != 204 {
		t.Fatalf("hide: %d", status)
	}
	_, list, _ = get("/v1/recommendations", shopper)
	if diff := cmp.Diff([]int64{p2}, ids(list)); diff != "" {
		t.Fatalf("after hiding (-want +got):\n%s", diff)
	}
	if status, _, _ := do(t, "DELETE", fmt.Sprintf("%s/v1/me/hidden/%d", ts.URL, p1), shopper, ""); status != 204 {
		t.Fatalf("unhide: %d", status)
	}
	_, list, _ = get("/v1/recommendations", shopper)
	if diff := cmp.Diff([]int64{p1, p2}, ids(list)); diff != "" {
		t.Fatalf("after unhiding (-want +got):\n%s", diff)
	}

	// Paging: one item a page, the cursor leads to the next, the last page
	// has none.
	code, list, _ = get("/v1/recommendations?limit=1", shopper)
	if code != 200 || list.Next == "" {
		t.Fatalf("first page: %d %+v", code, list)
	}
	first := ids(list)
	code, list, _ = get("/v1/recommendations?limit=1&cursor="+list.Next, shopper)
	if code != 200 || list.Next != "" {
		t.Fatalf("second page: %d %+v", code, list)
	}
	if diff := cmp.Diff([]int64{p1, p2}, append(first, ids(list)...)); diff != "" {
		t.Fatalf("two pages (-want +got):\n%s", diff)
	}
	// A category keeps products in it or below it.
	code, list, _ = get("/v1/recommendations?category="+url.QueryEscape(cat[0]), shopper)
	if code != 200 {
		t.Fatalf("in category: %d", code)
	}
	if diff := cmp.Diff([]int64{p1, p2}, ids(list)); diff != "" {
		t.Fatalf("in the top category (-want +got):\n%s", diff)
	}

	code, list, _ = get(fmt.Sprintf("/v1/products/%d/similar?limit=3", p1), shopper)
	if code != 200 || len(list.Items) != 1 || list.Items[0].Product.ID != p2 || list.Items[0].Reasons[0].Kind != "similar" {
		t.Fatalf("similar: %d %+v", code, list)
	}
	code, list, _ = get("/v1/trending?category="+strings.ReplaceAll(strings.Join(cat, " > "), " ", "%20"), shopper)
	if code != 200 {
		t.Fatalf("trending: %d", code)
	}
	if diff := cmp.Diff([]int64{p1, p2}, ids(list)); diff != "" {
		t.Fatalf("trending in the category (-want +got):\n%s", diff)
	}
}
