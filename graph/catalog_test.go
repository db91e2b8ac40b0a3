package graph_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/internal/testenv"
)

func TestUpsertProductRoundTripAndRelink(t *testing.T) {
	g := testenv.Graph(t)
	ctx := context.Background()
	id := testenv.IDBase(t) + 1
	created := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	p := stylegraph.Product{
		ID: id, Title: "Relaxed Cotton Tee", Description: "soft", Brand: "Test Brand A",
		CategoryPath: []string{"Apparel", "Topwear", "Tshirts"}, Color: "Black", Sizes: []string{"S", "M"},
		Price: 19.5, Currency: "USD", Images: []string{"https://img/1.jpg"}, Tags: []string{"basics", "cotton"},
		Gender: "Men", Season: "Summer", Usage: "Casual", CreatedAt: created,
	}
	// Twice: upserts are idempotent.
	for i := 0; i < 2; i++ {
		if err := g.Catalog.UpsertProducts(ctx, []stylegraph.Product{p}); err != nil {
			t.Fatal(err)
		}
	}
	got, err := g.Catalog.Product(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	want := p
	want.BrandID = stylegraph.BrandID("Test Brand A")
	if diff := cmp.Diff(want, got, cmpopts.SortSlices(func(a, b string) bool { return a < b })); diff != "" {
		t.Fatalf("product (-want +got):\n%s", diff)
	}

	// Changing brand, category and tags moves the links instead of adding more.
	p.Brand, p.CategoryPath, p.Tags = "Test Brand B", []string{"Apparel", "Topwear", "Shirts"}, []string{"formal"}
	if err := g.Catalog.UpsertProducts(ctx, []stylegraph.Product{p}); err != nil {
		t.Fatal(err)
	}
	got, err = g.Catalog.Product(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if got.Brand != "Test Brand B" || got.Category() != "Apparel > Topwear > Shirts" || !cmp.Equal(got.Tags, []string{"formal"}) {
		t.Fatalf("relinked product = %+v", got)
	}
	if _, err := g.Catalog.Product(ctx, id+1); stylegraph.ErrorCode(err) != stylegraph.ENOTFOUND {
		t.Fatalf("missing product: %v", err)
	}
}
