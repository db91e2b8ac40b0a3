package recommend

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/internal/testenv"
)

func TestRecomputeWarmsTheCardsOfStoredLists(t *testing.T) {
	w, cache := batchWorld(t)
	ctx := context.Background()
	w.encodable(8, "Product")
	var progress strings.Builder
	if _, err := w.job(cache, &progress).Run(ctx); err != nil {
		t.Fatal(err)
	}
	// A process that kept nothing in memory finds every listed product's
	// card in Redis, kept as long as the list.
	fresh := NewCache(cache.rdb, cache.prefix, cache.ttl)
	var ids []int64
	for u := 1; u <= 6; u++ {
		rs, ok, err := fresh.Get(ctx, w.User(u))
		if err != nil || !ok {
			t.Fatalf("shopper %d's list: %v, %v", u, ok, err)
		}
		for _, r := range rs {
			ids = append(ids, r.ProductID)
		}
	}
	if len(ids) == 0 {
		t.Fatal("no listed products")
	}
	got, missing, err := fresh.Cards(ctx, ids)
	if err != nil {
		t.Fatal(err)
	}
	if len(missing) > 0 {
		t.Fatalf("cards missing from Redis after the run: %v", missing)
	}
	for _, id := range ids {
		if got[id].Product.ID != id || got[id].Product.Title == "" {
			t.Fatalf("card of %d: %+v", id, got[id])
		}
	}
	ttl, err := cache.rdb.TTL(ctx, cache.cardKey(ids[0])).Result()
	if err != nil {
		t.Fatal(err)
	}
	if ttl <= cardTTL {
		t.Fatalf("warmed card lives %v, want as long as the lists (> %v)", ttl, cardTTL)
	}
}

// encodable gives products 1…n dates JSON can hold (the world's clock runs
// far ahead, and a card must encode to be cached) and titles title+" N".
func (w world) encodable(n int, title string) {
	w.T.Helper()
	var ps []stylegraph.Product
	for p := 1; p <= n; p++ {
		ps = append(ps, stylegraph.Product{ID: w.Product(p), Title: fmt.Sprintf("%s %d", title, p), Price: 10, Brand: w.Name(fmt.Sprint("brand", p)),
			CategoryPath: []string{w.Name("Top"), fmt.Sprint("cat", p)}, CreatedAt: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)})
	}
	if err := w.G.Catalog.UpsertProducts(context.Background(), ps); err != nil {
		w.T.Fatal(err)
	}
}

// A stored list is answered with each item's JSON spliced from the kept
// card and the stored reasons, byte for byte what encoding/json writes, and
// a changed product shows its new card on the next request.
func TestStoredAnswersAreSplicedAndFollowProductChanges(t *testing.T) {
	w := newWorld(t, 1)
	ctx := context.Background()
	w.products(map[int][2]string{1: {}, 2: {}, 3: {}})
	w.encodable(3, "Product")
	cache := NewCache(testenv.Redis(t), testenv.Namespace(t), time.Minute)
	s := w.service(config(map[string]float64{"social": 1}), cache)
	stored := []Ranked{
		{ProductID: w.Product(2), Score: 2.5, Reasons: []stylegraph.Reason{{Kind: "collaborative", Text: "liked by <4> shoppers & co"}}},
		{ProductID: w.Product(3), Score: 1e-7, Reasons: []stylegraph.Reason{{Kind: "interest", Text: "because you like denim"}}},
		{ProductID: w.Product(1), Score: 0.5},
	}
	if err := cache.Put(ctx, w.User(1), stored, time.Now()); err != nil {
		t.Fatal(err)
	}
	answer := func() []stylegraph.Recommendation {
		t.Helper()
		recs, err := s.RecommendFor(ctx, Request{UserID: w.User(1), Limit: 5})
		if err != nil {
			t.Fatal(err)
		}
		if len(recs) != 3 {
			t.Fatalf("%d items, want 3", len(recs))
		}
		for _, r := range recs {
			if r.Encoded == nil {
				t.Fatalf("item %d not spliced", r.Product.ID)
			}
			plain := r
			plain.Encoded = nil
			want, err := json.Marshal(plain)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(string(want), string(r.Encoded)); diff != "" {
				t.Fatalf("spliced item %d (-encoding/json +spliced):\n%s", r.Product.ID, diff)
			}
		}
		return recs
	}
	answer()
	answer() // now from process memory
	w.encodable(3, "Renamed")
	if err := cache.ProductsChanged(ctx, []int64{w.Product(2)}); err != nil {
		t.Fatal(err)
	}
	recs := answer()
	if !strings.Contains(string(recs[0].Encoded), `"Renamed 2"`) {
		t.Fatalf("changed product's old card served: %s", recs[0].Encoded)
	}
}
