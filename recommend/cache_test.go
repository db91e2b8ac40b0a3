package recommend

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/graph"
	"github.com/stylegraph/stylegraph/internal/testenv"
)

// A card kept in one process's memory is forgotten as soon as another
// process reports the product changed and the first reads a stored list.
func TestCardsInMemoryFollowChangesElsewhere(t *testing.T) {
	ctx := context.Background()
	rdb, prefix := testenv.Redis(t), testenv.Namespace(t)
	api, importer := NewCache(rdb, prefix, time.Minute), NewCache(rdb, prefix, time.Minute)
	id := testenv.IDBase(t) + 1
	card := graph.Card{Product: stylegraph.Product{ID: id, Title: "linen shirt"}, InStock: true}
	if err := api.PutCards(ctx, map[int64]graph.Card{id: card}); err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := api.GetWithSeen(ctx, 1); err != nil {
		t.Fatal(err)
	}
	got, missing, err := api.Cards(ctx, []int64{id})
	if err != nil || len(missing) != 0 {
		t.Fatalf("cards = %v, missing %v, %v", got, missing, err)
	}
	if diff := cmp.Diff(card.Product.Title, got[id].Product.Title); diff != "" {
		t.Fatalf("card (-want +got):\n%s", diff)
	}
	// Served from memory: Redis losing the card does not show yet…
	if err := rdb.Del(ctx, api.cardKey(id)).Err(); err != nil {
		t.Fatal(err)
	}
	if _, missing, _ := api.Cards(ctx, []int64{id}); len(missing) != 0 {
		t.Fatalf("card missing from memory: %v", missing)
	}
	// …but a change reported elsewhere does, from the next list read on.
	if err := importer.ProductsChanged(ctx, []int64{id}); err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := api.GetWithSeen(ctx, 1); err != nil {
		t.Fatal(err)
	}
	if _, missing, _ := api.Cards(ctx, []int64{id}); len(missing) != 1 {
		t.Fatalf("changed card still served from memory")
	}
}
