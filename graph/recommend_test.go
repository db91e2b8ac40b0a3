package graph_test

import (
	"context"
	"sort"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/graph"
	"github.com/stylegraph/stylegraph/internal/fixture"
)

// world is the hand-built recommendation graph (internal/fixture) with the
// names these tests assert on.
type world struct{ *fixture.World }

func newWorld(t *testing.T, users int) world {
	t.Helper()
	return world{fixture.NewWorld(t, users, fixture.Names{User: "user %d", Product: "product %d"})}
}

func (w world) ids(cs []stylegraph.Candidate) []int {
	var out []int
	for _, c := range cs {
		if c.ProductID > w.Base && c.ProductID < w.Base+1_000_000 {
			out = append(out, int(c.ProductID-w.Base-100))
		}
	}
	return out
}

func TestCollaborativeRanksByOverlapRecencyAndPopularity(t *testing.T) {
	w := newWorld(t, 6)
	w.Products(map[int]fixture.Product{1: {}, 2: {}, 3: {}, 4: {}, 5: {}, 6: {}})
	day := 24 * time.Hour
	// Shopper 1 liked 1 and 2. Shopper 2 shares both and liked 3; shopper 3
	// shares one and bought 4; shopper 4 shares nothing and liked 5.
	w.Engage(1, 1, graph.EngageLike, day)
	w.Engage(1, 2, graph.EngagePurchase, day)
	w.Engage(2, 1, graph.EngageLike, day)
	w.Engage(2, 2, graph.EngageLike, day)
	w.Engage(2, 3, graph.EngageLike, day)
	w.Engage(3, 1, graph.EngageLike, day)
	w.Engage(3, 4, graph.EngagePurchase, day)
	w.Engage(4, 5, graph.EngageLike, day)
	// Shopper 5 shares one like too but liked 6 long ago: it ranks below 4.
	w.Engage(5, 2, graph.EngageLike, day)
	w.Engage(5, 6, graph.EngageLike, 90*day)

	got, err := w.G.Recs.Collaborative(context.Background(), w.User(1), stylegraph.RecParams{Now: w.Now})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]int{3, 4, 6}, w.ids(got)); diff != "" {
		t.Fatalf("collaborative (-want +got):\n%s", diff)
	}
	if got[0].Count != 1 {
		t.Fatalf("product 3 supported by %d neighbours, want 1", got[0].Count)
	}

	// Popularity damping: once product 3 is liked by many who share nothing
	// with shopper 1, it falls below product 4.
	for u := 6; u <= 6; u++ {
		w.Engage(u, 3, graph.EngageLike, day)
	}
	w.Engage(1, 3, graph.EngageView, day) // views do not count as engagement here
	got, err = w.G.Recs.Collaborative(context.Background(), w.User(1), stylegraph.RecParams{Now: w.Now, Damping: 2})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]int{4, 3, 6}, w.ids(got)); diff != "" {
		t.Fatalf("collaborative with strong damping (-want +got):\n%s", diff)
	}
}

func TestSocialSaysWhoDidWhat(t *testing.T) {
	w := newWorld(t, 6)
	hour := time.Hour
	w.Products(map[int]fixture.Product{
		1: {}, 2: {}, 3: {}, 5: {}, 6: {},
		4: {Brand: "Followed", Created: w.Now.Add(-2 * hour)},
	})
	ctx := context.Background()
	w.Follow(1, 2)
	w.Follow(1, 3)
	w.Follow(1, 4)
	if err := w.G.Seed.FollowBrands(ctx, []graph.Follow{{From: w.User(1), To: stylegraph.BrandID(w.Name("Followed")), At: w.Now}}); err != nil {
		t.Fatal(err)
	}
	w.Engage(2, 1, graph.EngageLike, hour)
	w.Engage(3, 1, graph.EngageLike, hour)
	w.Engage(4, 2, graph.EngagePurchase, 48*hour)
	w.Engage(4, 5, graph.EngageLike, 60*24*hour) // outside the window
	w.Engage(5, 6, graph.EngageLike, hour)       // not followed
	w.Engage(2, 3, graph.EngageLike, hour)
	w.Engage(1, 3, graph.EngageLike, hour) // already liked by the shopper

	got, err := w.G.Recs.Social(ctx, w.User(1), stylegraph.RecParams{Now: w.Now})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]int{1, 2, 4}, w.ids(got)); diff != "" {
		t.Fatalf("social (-want +got):\n%s", diff)
	}
	via := func(c stylegraph.Candidate) []int64 {
		var ids []int64
		for _, a := range c.Actions {
			for _, u := range a.Via {
				ids = append(ids, u.ID)
			}
		}
		sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
		return ids
	}
	if a := got[0].Actions; len(a) != 1 || a[0].Action != "liked" || a[0].Count != 2 {
		t.Fatalf("product 1 actions = %+v", a)
	}
	if diff := cmp.Diff([]int64{w.User(2), w.User(3)}, via(got[0])); diff != "" {
		t.Fatalf("product 1 via (-want +got):\n%s", diff)
	}
	if a := got[1].Actions; len(a) != 1 || a[0].Action != "bought" || a[0].Via[0].Name != "user 4" {
		t.Fatalf("product 2 actions = %+v", a)
	}
	if a := got[2].Actions; len(a) != 1 || a[0].Action != "new" || a[0].Brand != w.Name("Followed") {
		t.Fatalf("product 4 actions = %+v", a)
	}
}

func TestInterestFollowsStrongestDecayedWeights(t *testing.T) {
	w := newWorld(t, 3)
	ctx := context.Background()
	w.Products(map[int]fixture.Product{
		1: {Tags: []string{"denim"}},
		2: {Tags: []string{"denim"}, Brand: "Loved"},
		3: {Brand: "Loved"},
		4: {Category: "Boots"},
		5: {Tags: []string{"other"}},
		6: {Tags: []string{"denim"}},
	})
	w.Engage(2, 6, graph.EngageLike, time.Hour) // popular within the interest
	w.Engage(1, 1, graph.EngageLike, time.Hour) // already liked: left out
	day := 24 * time.Hour
	err := w.G.Seed.LoadInterests(ctx, []graph.InterestWeight{
		{UserID: w.User(1), Kind: "tag", Key: w.Name("denim"), Weight: 10, At: w.Now},
		{UserID: w.User(1), Kind: "brand", Key: stylegraph.BrandID(w.Name("Loved")), Weight: 6, At: w.Now},
		// Heavier once, but decayed over 120 days it is the weakest.
		{UserID: w.User(1), Kind: "category", Key: w.Name("Top"), Weight: 40, At: w.Now.Add(-120 * day)},
	})
	if err != nil {
		t.Fatal(err)
	}
	scope := graph.TopScope{Tags: []string{w.Name("denim"), w.Name("other")}, Brands: []int64{stylegraph.BrandID(w.Name("Loved"))}, Categories: []string{w.Name("Top")}}
	if _, err := w.G.Recs.RefreshTopProducts(ctx, scope, w.Now); err != nil {
		t.Fatal(err)
	}
	got, err := w.G.Recs.Interest(ctx, w.User(1), stylegraph.RecParams{Now: w.Now})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]int{2, 6, 3, 4}, w.ids(got)); diff != "" {
		t.Fatalf("interest (-want +got):\n%s", diff)
	}
	want := []stylegraph.InterestMatch{{Kind: "tag", Name: w.Name("denim")}, {Kind: "brand", Name: w.Name("Loved")}}
	if diff := cmp.Diff(want, got[0].Matched); diff != "" {
		t.Fatalf("product 2 matched (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]stylegraph.InterestMatch{{Kind: "category", Name: w.Name("Top")}}, got[3].Matched); diff != "" {
		t.Fatalf("product 4 matched (-want +got):\n%s", diff)
	}
}

func TestSimilarFromAttributesAndCoEngagement(t *testing.T) {
	w := newWorld(t, 3)
	ctx := context.Background()
	w.Products(map[int]fixture.Product{
		1: {Brand: "B", Category: "Tees", Tags: []string{"cotton", "basics"}},
		2: {Brand: "B", Category: "Tees", Tags: []string{"cotton"}},
		3: {Category: "Tees"},
		4: {Tags: []string{"basics"}},
		5: {},
		6: {},
	})
	// Product 5 shares no attribute, but one of the two shoppers who liked 1
	// liked it too (cosine 1/2).
	w.Engage(1, 1, graph.EngageLike, time.Hour)
	w.Engage(2, 1, graph.EngageLike, time.Hour)
	w.Engage(1, 5, graph.EngagePurchase, time.Hour)
	w.Engage(3, 5, graph.EngageLike, time.Hour)
	got, err := w.G.Recs.Similar(ctx, w.Product(1), 10)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]int{2, 5, 3, 4}, w.ids(got)); diff != "" {
		t.Fatalf("similar (-want +got):\n%s", diff)
	}
	wantTop := &stylegraph.SimilarEvidence{SameBrand: true, SameCategory: true, Tags: []string{w.Name("cotton")}}
	if diff := cmp.Diff(wantTop, got[0].Similar); diff != "" {
		t.Fatalf("evidence of 2 (-want +got):\n%s", diff)
	}
	if got[1].Similar.Together != 1 {
		t.Fatalf("evidence of 5 = %+v, want together 1", got[1].Similar)
	}
	// A new product with no engagement gets neighbours from its attributes.
	w.Products(map[int]fixture.Product{7: {Brand: "B", Tags: []string{"basics"}}})
	got, err = w.G.Recs.Similar(ctx, w.Product(7), 10)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]int{1, 2, 4}, w.ids(got)); diff != "" {
		t.Fatalf("similar for a new product (-want +got):\n%s", diff)
	}
}

func TestTrendingDecaysAndFiltersByCategory(t *testing.T) {
	w := newWorld(t, 4)
	ctx := context.Background()
	w.Products(map[int]fixture.Product{1: {Category: "Tees"}, 2: {Category: "Boots"}, 3: {Category: "Tees"}, 4: {Category: "Tees"}})
	hour := time.Hour
	w.Engage(1, 1, graph.EngageView, hour)     // 1
	w.Engage(2, 1, graph.EngageView, hour)     // 1
	w.Engage(1, 2, graph.EngagePurchase, hour) // 6
	w.Engage(1, 3, graph.EngageLike, hour)     // 3
	w.Engage(1, 4, graph.EngagePurchase, 20*24*hour)
	w.Engage(2, 4, graph.EngageLike, 60*24*hour) // outside the window

	got, err := w.G.Recs.TrendingProducts(ctx, "", stylegraph.RecParams{Now: w.Now})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]int{2, 3, 4, 1}, w.ids(got)); diff != "" {
		t.Fatalf("trending (-want +got):\n%s", diff)
	}
	got, err = w.G.Recs.TrendingProducts(ctx, w.Name("Top")+" > Tees", stylegraph.RecParams{Now: w.Now})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]int{3, 4, 1}, w.ids(got)); diff != "" {
		t.Fatalf("trending in Tees (-want +got):\n%s", diff)
	}
	if got[0].Category != w.Name("Top")+" > Tees" {
		t.Fatalf("category = %q", got[0].Category)
	}
	got, err = w.G.Recs.TrendingProducts(ctx, w.Name("Top"), stylegraph.RecParams{Now: w.Now})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]int{2, 3, 4, 1}, w.ids(got)); diff != "" {
		t.Fatalf("trending in the top category (-want +got):\n%s", diff)
	}
}

func TestCardsReportStockPurchasesAndHides(t *testing.T) {
	w := newWorld(t, 2)
	ctx := context.Background()
	w.Products(map[int]fixture.Product{1: {Brand: "B", Category: "Tees"}, 2: {}, 3: {}})
	w.Engage(1, 2, graph.EngagePurchase, time.Hour)
	if err := w.G.Recs.Hide(ctx, w.User(1), w.Product(3), w.Now); err != nil {
		t.Fatal(err)
	}
	if err := w.G.Recs.Hide(ctx, w.User(1), w.Product(3), w.Now); err != nil {
		t.Fatal("hiding twice:", err)
	}
	if err := w.G.Recs.Hide(ctx, w.User(1), w.Product(99), w.Now); stylegraph.ErrorCode(err) != stylegraph.ENOTFOUND {
		t.Fatalf("hiding a missing product: %v", err)
	}
	if err := w.G.Recs.SetStock(ctx, []graph.Stock{{ProductID: w.Product(1), InStock: false}}); err != nil {
		t.Fatal(err)
	}
	cards, err := w.G.Recs.Cards(ctx, w.User(1), []int64{w.Product(1), w.Product(2), w.Product(3), w.Product(99)})
	if err != nil {
		t.Fatal(err)
	}
	type flags struct{ InStock, Purchased, Hidden bool }
	got := map[int]flags{}
	for id, c := range cards {
		got[int(id-w.Base-100)] = flags{c.InStock, c.Purchased, c.Hidden}
	}
	want := map[int]flags{1: {false, false, false}, 2: {true, true, false}, 3: {true, false, true}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("cards (-want +got):\n%s", diff)
	}
	if c := cards[w.Product(1)].Product; c.Brand != w.Name("B") || c.Category() != w.Name("Top")+" > Tees" {
		t.Fatalf("card 1 = %+v", c)
	}
	if err := w.G.Recs.Unhide(ctx, w.User(1), w.Product(3)); err != nil {
		t.Fatal(err)
	}
	cards, err = w.G.Recs.Cards(ctx, w.User(1), []int64{w.Product(3)})
	if err != nil {
		t.Fatal(err)
	}
	if cards[w.Product(3)].Hidden {
		t.Fatal("product 3 still hidden after unhide")
	}
}
