package graph_test

import (
	"context"
	"fmt"
	"sort"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/graph"
	"github.com/stylegraph/stylegraph/internal/testenv"
)

// world is a small hand-built graph with IDs of the test's own: users
// base+1…, products base+101…, brands and categories named after base.
type world struct {
	t    *testing.T
	g    *graph.Store
	base int64
	now  time.Time
}

func newWorld(t *testing.T, users int) *world {
	t.Helper()
	w := &world{t: t, g: testenv.Graph(t), base: testenv.IDBase(t)}
	// A reference time of the test's own, at least a 30-day window away from
	// any other test's, so that time-windowed queries over the whole graph
	// see only this test's edges.
	w.now = time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, 31*int(w.base/1_000_000))
	var us []stylegraph.User
	for i := 1; i <= users; i++ {
		us = append(us, stylegraph.User{ID: w.user(i), Name: fmt.Sprintf("user %d", i)})
	}
	if err := w.g.UpsertUsers(context.Background(), us); err != nil {
		t.Fatal(err)
	}
	return w
}

func (w *world) user(i int) int64     { return w.base + int64(i) }
func (w *world) product(i int) int64  { return w.base + 100 + int64(i) }
func (w *world) name(s string) string { return fmt.Sprintf("%s-%d", s, w.base) }

// products upserts products i..j; spec gives each its brand, leaf category
// (under a top category of the test's own) and tags.
func (w *world) products(specs map[int]spec) {
	w.t.Helper()
	var ps []stylegraph.Product
	for i, s := range specs {
		p := stylegraph.Product{ID: w.product(i), Title: fmt.Sprintf("product %d", i), Price: 10, CreatedAt: w.now.Add(-365 * 24 * time.Hour)}
		if s.brand != "" {
			p.Brand = w.name(s.brand)
		}
		if s.cat != "" {
			p.CategoryPath = []string{w.name("Top"), s.cat}
		}
		for _, t := range s.tags {
			p.Tags = append(p.Tags, w.name(t))
		}
		if !s.created.IsZero() {
			p.CreatedAt = s.created
		}
		ps = append(ps, p)
	}
	if err := w.g.UpsertProducts(context.Background(), ps); err != nil {
		w.t.Fatal(err)
	}
}

type spec struct {
	brand, cat string
	tags       []string
	created    time.Time
}

func (w *world) engage(user, product int, kind string, ago time.Duration) {
	w.t.Helper()
	err := w.g.LoadEngagements(context.Background(), []graph.Engagement{{UserID: w.user(user), ProductID: w.product(product), Kind: kind, At: w.now.Add(-ago)}})
	if err != nil {
		w.t.Fatal(err)
	}
}

func (w *world) follow(from, to int) {
	w.t.Helper()
	if err := w.g.FollowUsers(context.Background(), []graph.Follow{{From: w.user(from), To: w.user(to), At: w.now}}); err != nil {
		w.t.Fatal(err)
	}
}

func (w *world) ids(cs []stylegraph.Candidate) []int {
	var out []int
	for _, c := range cs {
		if c.ProductID > w.base && c.ProductID < w.base+1_000_000 {
			out = append(out, int(c.ProductID-w.base-100))
		}
	}
	return out
}

func TestCollaborativeRanksByOverlapRecencyAndPopularity(t *testing.T) {
	w := newWorld(t, 6)
	w.products(map[int]spec{1: {}, 2: {}, 3: {}, 4: {}, 5: {}, 6: {}})
	day := 24 * time.Hour
	// Shopper 1 liked 1 and 2. Shopper 2 shares both and liked 3; shopper 3
	// shares one and bought 4; shopper 4 shares nothing and liked 5.
	w.engage(1, 1, graph.EngageLike, day)
	w.engage(1, 2, graph.EngagePurchase, day)
	w.engage(2, 1, graph.EngageLike, day)
	w.engage(2, 2, graph.EngageLike, day)
	w.engage(2, 3, graph.EngageLike, day)
	w.engage(3, 1, graph.EngageLike, day)
	w.engage(3, 4, graph.EngagePurchase, day)
	w.engage(4, 5, graph.EngageLike, day)
	// Shopper 5 shares one like too but liked 6 long ago: it ranks below 4.
	w.engage(5, 2, graph.EngageLike, day)
	w.engage(5, 6, graph.EngageLike, 90*day)

	got, err := w.g.Collaborative(context.Background(), w.user(1), stylegraph.RecParams{Now: w.now})
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
		w.engage(u, 3, graph.EngageLike, day)
	}
	w.engage(1, 3, graph.EngageView, day) // views do not count as engagement here
	got, err = w.g.Collaborative(context.Background(), w.user(1), stylegraph.RecParams{Now: w.now, Damping: 2})
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
	w.products(map[int]spec{
		1: {}, 2: {}, 3: {}, 5: {}, 6: {},
		4: {brand: "Followed", created: w.now.Add(-2 * hour)},
	})
	ctx := context.Background()
	w.follow(1, 2)
	w.follow(1, 3)
	w.follow(1, 4)
	if err := w.g.FollowBrands(ctx, []graph.Follow{{From: w.user(1), To: stylegraph.BrandID(w.name("Followed")), At: w.now}}); err != nil {
		t.Fatal(err)
	}
	w.engage(2, 1, graph.EngageLike, hour)
	w.engage(3, 1, graph.EngageLike, hour)
	w.engage(4, 2, graph.EngagePurchase, 48*hour)
	w.engage(4, 5, graph.EngageLike, 60*24*hour) // outside the window
	w.engage(5, 6, graph.EngageLike, hour)       // not followed
	w.engage(2, 3, graph.EngageLike, hour)
	w.engage(1, 3, graph.EngageLike, hour) // already liked by the shopper

	got, err := w.g.Social(ctx, w.user(1), stylegraph.RecParams{Now: w.now})
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
	if diff := cmp.Diff([]int64{w.user(2), w.user(3)}, via(got[0])); diff != "" {
		t.Fatalf("product 1 via (-want +got):\n%s", diff)
	}
	if a := got[1].Actions; len(a) != 1 || a[0].Action != "bought" || a[0].Via[0].Name != "user 4" {
		t.Fatalf("product 2 actions = %+v", a)
	}
	if a := got[2].Actions; len(a) != 1 || a[0].Action != "new" || a[0].Brand != w.name("Followed") {
		t.Fatalf("product 4 actions = %+v", a)
	}
}

func TestInterestFollowsStrongestDecayedWeights(t *testing.T) {
	w := newWorld(t, 3)
	ctx := context.Background()
	w.products(map[int]spec{
		1: {tags: []string{"denim"}},
		2: {tags: []string{"denim"}, brand: "Loved"},
		3: {brand: "Loved"},
		4: {cat: "Boots"},
		5: {tags: []string{"other"}},
		6: {tags: []string{"denim"}},
	})
	w.engage(2, 6, graph.EngageLike, time.Hour) // popular within the interest
	w.engage(1, 1, graph.EngageLike, time.Hour) // already liked: left out
	day := 24 * time.Hour
	err := w.g.LoadInterests(ctx, []graph.InterestWeight{
		{UserID: w.user(1), Kind: "tag", Key: w.name("denim"), Weight: 10, At: w.now},
		{UserID: w.user(1), Kind: "brand", Key: stylegraph.BrandID(w.name("Loved")), Weight: 6, At: w.now},
		// Heavier once, but decayed over 120 days it is the weakest.
		{UserID: w.user(1), Kind: "category", Key: w.name("Top"), Weight: 40, At: w.now.Add(-120 * day)},
	})
	if err != nil {
		t.Fatal(err)
	}
	scope := graph.TopScope{Tags: []string{w.name("denim"), w.name("other")}, Brands: []int64{stylegraph.BrandID(w.name("Loved"))}, Categories: []string{w.name("Top")}}
	if _, err := w.g.RefreshTopProducts(ctx, scope, w.now); err != nil {
		t.Fatal(err)
	}
	got, err := w.g.Interest(ctx, w.user(1), stylegraph.RecParams{Now: w.now})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]int{2, 6, 3, 4}, w.ids(got)); diff != "" {
		t.Fatalf("interest (-want +got):\n%s", diff)
	}
	want := []stylegraph.InterestMatch{{Kind: "tag", Name: w.name("denim")}, {Kind: "brand", Name: w.name("Loved")}}
	if diff := cmp.Diff(want, got[0].Matched); diff != "" {
		t.Fatalf("product 2 matched (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]stylegraph.InterestMatch{{Kind: "category", Name: w.name("Top")}}, got[3].Matched); diff != "" {
		t.Fatalf("product 4 matched (-want +got):\n%s", diff)
	}
}

func TestSimilarFromAttributesAndCoEngagement(t *testing.T) {
	w := newWorld(t, 3)
	ctx := context.Background()
	w.products(map[int]spec{
		1: {brand: "B", cat: "Tees", tags: []string{"cotton", "basics"}},
		2: {brand: "B", cat: "Tees", tags: []string{"cotton"}},
		3: {cat: "Tees"},
		4: {tags: []string{"basics"}},
		5: {},
		6: {},
	})
	// Product 5 shares no attribute, but one of the two shoppers who liked 1
	// liked it too (cosine 1/2).
	w.engage(1, 1, graph.EngageLike, time.Hour)
	w.engage(2, 1, graph.EngageLike, time.Hour)
	w.engage(1, 5, graph.EngagePurchase, time.Hour)
	w.engage(3, 5, graph.EngageLike, time.Hour)
	got, err := w.g.Similar(ctx, w.product(1), 10)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]int{2, 5, 3, 4}, w.ids(got)); diff != "" {
		t.Fatalf("similar (-want +got):\n%s", diff)
	}
	wantTop := &stylegraph.SimilarEvidence{SameBrand: true, SameCategory: true, Tags: []string{w.name("cotton")}}
	if diff := cmp.Diff(wantTop, got[0].Similar); diff != "" {
		t.Fatalf("evidence of 2 (-want +got):\n%s", diff)
	}
	if got[1].Similar.Together != 1 {
		t.Fatalf("evidence of 5 = %+v, want together 1", got[1].Similar)
	}
	// A new product with no engagement gets neighbours from its attributes.
	w.products(map[int]spec{7: {brand: "B", tags: []string{"basics"}}})
	got, err = w.g.Similar(ctx, w.product(7), 10)
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
	w.products(map[int]spec{1: {cat: "Tees"}, 2: {cat: "Boots"}, 3: {cat: "Tees"}, 4: {cat: "Tees"}})
	hour := time.Hour
	w.engage(1, 1, graph.EngageView, hour)     // 1
	w.engage(2, 1, graph.EngageView, hour)     // 1
	w.engage(1, 2, graph.EngagePurchase, hour) // 6
	w.engage(1, 3, graph.EngageLike, hour)     // 3
	w.engage(1, 4, graph.EngagePurchase, 20*24*hour)
	w.engage(2, 4, graph.EngageLike, 60*24*hour) // outside the window

	got, err := w.g.TrendingProducts(ctx, "", stylegraph.RecParams{Now: w.now})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]int{2, 3, 4, 1}, w.ids(got)); diff != "" {
		t.Fatalf("trending (-want +got):\n%s", diff)
	}
	got, err = w.g.TrendingProducts(ctx, w.name("Top")+" > Tees", stylegraph.RecParams{Now: w.now})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]int{3, 4, 1}, w.ids(got)); diff != "" {
		t.Fatalf("trending in Tees (-want +got):\n%s", diff)
	}
	if got[0].Category != w.name("Top")+" > Tees" {
		t.Fatalf("category = %q", got[0].Category)
	}
	got, err = w.g.TrendingProducts(ctx, w.name("Top"), stylegraph.RecParams{Now: w.now})
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
	w.products(map[int]spec{1: {brand: "B", cat: "Tees"}, 2: {}, 3: {}})
	w.engage(1, 2, graph.EngagePurchase, time.Hour)
	if err := w.g.Hide(ctx, w.user(1), w.product(3), w.now); err != nil {
		t.Fatal(err)
	}
	if err := w.g.Hide(ctx, w.user(1), w.product(3), w.now); err != nil {
		t.Fatal("hiding twice:", err)
	}
	if err := w.g.Hide(ctx, w.user(1), w.product(99), w.now); stylegraph.ErrorCode(err) != stylegraph.ENOTFOUND {
		t.Fatalf("hiding a missing product: %v", err)
	}
	if err := w.g.SetStock(ctx, []graph.Stock{{ProductID: w.product(1), InStock: false}}); err != nil {
		t.Fatal(err)
	}
	cards, err := w.g.Cards(ctx, w.user(1), []int64{w.product(1), w.product(2), w.product(3), w.product(99)})
	if err != nil {
		t.Fatal(err)
	}
	type flags struct{ InStock, Purchased, Hidden bool }
	got := map[int]flags{}
	for id, c := range cards {
		got[int(id-w.base-100)] = flags{c.InStock, c.Purchased, c.Hidden}
	}
	want := map[int]flags{1: {false, false, false}, 2: {true, true, false}, 3: {true, false, true}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("cards (-want +got):\n%s", diff)
	}
	if c := cards[w.product(1)].Product; c.Brand != w.name("B") || c.Category() != w.name("Top")+" > Tees" {
		t.Fatalf("card 1 = %+v", c)
	}
	if err := w.g.Unhide(ctx, w.user(1), w.product(3)); err != nil {
		t.Fatal(err)
	}
	cards, err = w.g.Cards(ctx, w.user(1), []int64{w.product(3)})
	if err != nil {
		t.Fatal(err)
	}
	if cards[w.product(3)].Hidden {
		t.Fatal("product 3 still hidden after unhide")
	}
}
