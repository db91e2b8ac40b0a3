package recommend

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stylegraph/stylegraph"
)

func TestRecomputeWarmsTheCardsOfStoredLists(t *testing.T) {
	w, cache := batchWorld(t)
	ctx := context.Background()
	// Dates JSON can hold (the world's clock runs far ahead): the cards
	// must encode to be cached.
	var ps []stylegraph.Product
	for p := 1; p <= 8; p++ {
		ps = append(ps, stylegraph.Product{ID: w.product(p), Title: fmt.Sprintf("Product %d", p), Price: 10, Brand: w.name(fmt.Sprint("brand", p)),
			CategoryPath: []string{w.name("Top"), fmt.Sprint("cat", p)}, CreatedAt: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)})
	}
	if err := w.g.UpsertProducts(ctx, ps); err != nil {
		t.Fatal(err)
	}
	var progress strings.Builder
	if _, err := w.job(cache, &progress).Run(ctx); err != nil {
		t.Fatal(err)
	}
	// A process that kept nothing in memory finds every listed product's
	// card in Redis, kept as long as the list.
	fresh := NewCache(cache.rdb, cache.prefix, cache.ttl)
	var ids []int64
	for u := 1; u <= 6; u++ {
		rs, ok, err := fresh.Get(ctx, w.user(u))
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
