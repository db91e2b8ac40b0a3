package graph_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/internal/testenv"
)

func TestTasteProfileSumsEngagementFollowsAndFriendsLikes(t *testing.T) {
	g := testenv.Graph(t)
	ctx := context.Background()
	base := testenv.IDBase(t)
	shopper, friend, stranger := base+1, base+2, base+3
	suffix := time.Now().Format("150405.000000")
	brandA, brandB, tag := "Taste A "+suffix, "Taste B "+suffix, "taste-tag-"+suffix
	now := time.Now().UTC().Add(-time.Minute).Truncate(time.Millisecond)
	products := []stylegraph.Product{
		{ID: base + 10, Title: "Bought", Brand: brandA, Tags: []string{tag}, CreatedAt: now},
		{ID: base + 11, Title: "Viewed", Brand: brandB, CreatedAt: now},
		{ID: base + 12, Title: "Friend likes", Brand: brandB, CreatedAt: now},
		{ID: base + 13, Title: "Stranger likes", Brand: brandB, CreatedAt: now},
		{ID: base + 14, Title: "Both like", Brand: brandB, CreatedAt: now},
	}
	if err := g.Catalog.UpsertProducts(ctx, products); err != nil {
		t.Fatal(err)
	}
	if err := g.Catalog.UpsertUsers(ctx, []stylegraph.User{{ID: shopper, Name: "S"}, {ID: friend, Name: "F"}, {ID: stranger, Name: "X"}}); err != nil {
		t.Fatal(err)
	}
	brandBID := stylegraph.BrandID(brandB)
	err := g.Activity.ApplyActivity(ctx, stylegraph.Activity{
		Follows: []stylegraph.Toggle{
			{EventID: "f1", UserID: shopper, Kind: "user", ID: friend, At: now},
			{EventID: "f2", UserID: shopper, Kind: "brand", ID: brandBID, At: now},
		},
		Likes: []stylegraph.Toggle{
			{EventID: "l1", UserID: friend, Kind: "product", ID: base + 12, At: now},
			{EventID: "l2", UserID: stranger, Kind: "product", ID: base + 13, At: now},
			{EventID: "l3", UserID: friend, Kind: "product", ID: base + 14, At: now},
			{EventID: "l4", UserID: shopper, Kind: "product", ID: base + 14, At: now}, // already liked: no boost
		},
		Purchases: []stylegraph.Counted{{EventID: "p1", UserID: shopper, ID: base + 10, Quantity: 1, At: now}},
		Views:     []stylegraph.Counted{{EventID: "v1", UserID: shopper, Kind: "product", ID: base + 11, At: now}},
	})
	if err != nil {
		t.Fatal(err)
	}
	got, err := g.Taste.TasteProfile(ctx, shopper)
	if err != nil {
		t.Fatal(err)
	}
	want := stylegraph.TasteProfile{
		// A: purchase 6. B: view 1 + like 3 + follow 5.
		Brands:          map[string]float64{brandA: 6, brandB: 9},
		Tags:            map[string]float64{tag: 6},
		LikedByFollowed: map[int64]int{base + 12: 1},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("profile (-want +got):\n%s", diff)
	}
	empty, err := g.Taste.TasteProfile(ctx, base+999)
	if err != nil || !empty.Empty() {
		t.Errorf("unknown user: %+v %v, want an empty profile", empty, err)
	}
}
