package recommend

import (
	"context"
	"fmt"
	"net/url"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/graph"
	"github.com/stylegraph/stylegraph/internal/fixture"
	"github.com/stylegraph/stylegraph/internal/testenv"
)

// world is the hand-built recommendation graph (internal/fixture) with the
// names these tests assert on.
type world struct{ *fixture.World }

func newWorld(t *testing.T, users int) world {
	t.Helper()
	return world{fixture.NewWorld(t, users, fixture.Names{User: "Shopper %d", Product: "Product %d"})}
}

// products upserts products; each has a brand and leaf category given by
// name (empty: a brand and category of its own) and one of two tags.
func (w world) products(specs map[int][2]string) {
	w.T.Helper()
	ps := map[int]fixture.Product{}
	for i, s := range specs {
		brand, cat := s[0], s[1]
		if brand == "" {
			brand = fmt.Sprint("brand", i)
		}
		if cat == "" {
			cat = fmt.Sprint("cat", i)
		}
		ps[i] = fixture.Product{Brand: brand, Category: cat, Tags: []string{"tag" + fmt.Sprint(i%2)}}
	}
	w.Products(ps)
}

func (w world) service(cfg Config, cache *Cache) *Service {
	s := New(w.G.Recs, cache, cfg)
	s.now = func() time.Time { return w.Now }
	return s
}

// got lists (product number, first reason kind) per item.
type item struct {
	N      int
	Reason string
}

func (w world) items(recs []stylegraph.Recommendation) []item {
	out := []item{}
	for _, r := range recs {
		it := item{N: int(r.Product.ID - w.Base - 100)}
		if len(r.Reasons) > 0 {
			it.Reason = r.Reasons[0].Kind
		}
		out = append(out, it)
	}
	return out
}

func config(weights map[string]float64) Config {
	c := DefaultConfig()
	c.Weights = weights
	c.MaxPerBrand, c.MaxPerCategory = 0, 0
	c.ColdBlend = true // these tests rank the blend; the one-query paths have tests of their own
	return c
}

func TestBlendRespectsWeights(t *testing.T) {
	w := newWorld(t, 3)
	w.products(map[int][2]string{1: {}, 2: {}})
	ctx := context.Background()
	// Social proposes 1 (a followed shopper liked it), interest proposes 2.
	w.Follow(1, 2)
	w.Engage(2, 1, graph.EngageLike, time.Hour)
	err := w.G.Seed.LoadInterests(ctx, []graph.InterestWeight{{UserID: w.User(1), Kind: "brand", Key: stylegraph.BrandID(w.Name("brand2")), Weight: 5, At: w.Now}})
	if err != nil {
		t.Fatal(err)
	}
	w.RefreshTop(graph.TopScope{Brands: []int64{stylegraph.BrandID(w.Name("brand2"))}})
	for _, tc := range []struct {
		name    string
		weights map[string]float64
		want    []item
	}{
		{"social heavier", map[string]float64{"social": 1, "interest": 0.5}, []item{{1, "social"}, {2, "interest"}}},
		{"interest heavier", map[string]float64{"social": 0.5, "interest": 1}, []item{{2, "interest"}, {1, "social"}}},
		{"interest off", map[string]float64{"social": 1}, []item{{1, "social"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			recs, err := w.service(config(tc.weights), nil).RecommendFor(ctx, Request{UserID: w.User(1), Limit: 10})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, w.items(recs)); diff != "" {
				t.Fatalf("blend (-want +got):\n%s", diff)
			}
		})
	}
	recs, err := w.service(config(map[string]float64{"social": 1, "interest": 1}), nil).RecommendFor(ctx, Request{UserID: w.User(1), Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	want := stylegraph.Reason{Kind: "social", Text: "liked by Shopper 2", Via: []stylegraph.User{{ID: w.User(2), Name: "Shopper 2"}}}
	if diff := cmp.Diff(want, recs[0].Reasons[0]); diff != "" {
		t.Fatalf("social reason (-want +got):\n%s", diff)
	}
	if got := recs[1].Reasons[0].Text; got != "from "+w.Name("brand2")+", a brand you like" {
		t.Fatalf("interest reason = %q", got)
	}
}

func TestExclusionsAndDiversityCaps(t *testing.T) {
	w := newWorld(t, 5)
	ctx := context.Background()
	// Products 1-4 share a brand, 5-7 a category; 8 is bought, 9 hidden, 10
	// out of stock. Three followed shoppers like everything.
	w.products(map[int][2]string{
		1: {"same", ""}, 2: {"same", ""}, 3: {"same", ""}, 4: {"same", ""},
		5: {"", "Tees"}, 6: {"", "Tees"}, 7: {"", "Tees"},
		8: {}, 9: {}, 10: {}, 11: {},
	})
	for f := 2; f <= 4; f++ {
		w.Follow(1, f)
		for p := 1; p <= 11; p++ {
			// Earlier products were liked more recently: they rank first.
			w.Engage(f, p, graph.EngageLike, time.Duration(p)*time.Hour)
		}
	}
	w.Engage(1, 8, graph.EngagePurchase, time.Hour)
	if err := w.G.Recs.Hide(ctx, w.User(1), w.Product(9), w.Now); err != nil {
		t.Fatal(err)
	}
	if err := w.G.Recs.SetStock(ctx, []graph.Stock{{ProductID: w.Product(10), InStock: false}}); err != nil {
		t.Fatal(err)
	}
	cfg := config(map[string]float64{"social": 1})
	cfg.MaxPerBrand, cfg.MaxPerCategory = 2, 2
	cfg.Budget.PerFollowee = 20
	s := w.service(cfg, nil)
	recs, err := s.RecommendFor(ctx, Request{UserID: w.User(1), Limit: 10, Exclude: map[int64]bool{w.Product(11): true}})
	if err != nil {
		t.Fatal(err)
	}
	// The caps re-rank: the third and fourth of a brand or category come
	// after everything within the caps, they are not dropped.
	want := []item{{1, "social"}, {2, "social"}, {5, "social"}, {6, "social"}, {3, "social"}, {4, "social"}, {7, "social"}}
	if diff := cmp.Diff(want, w.items(recs)); diff != "" {
		t.Fatalf("after exclusions and caps (-want +got):\n%s", diff)
	}
	if got := recs[0].Reasons[0].Text; got != "liked by 3 people you follow" || len(recs[0].Reasons[0].Via) != 3 {
		t.Fatalf("reason = %+v", recs[0].Reasons[0])
	}

	// Unhiding brings 9 back.
	if err := s.Unhide(ctx, w.User(1), w.Product(9)); err != nil {
		t.Fatal(err)
	}
	recs, err = s.RecommendFor(ctx, Request{UserID: w.User(1), Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	want = []item{{1, "social"}, {2, "social"}, {5, "social"}, {6, "social"}, {9, "social"}, {11, "social"}, {3, "social"}, {4, "social"}, {7, "social"}}
	if diff := cmp.Diff(want, w.items(recs)); diff != "" {
		t.Fatalf("after unhide (-want +got):\n%s", diff)
	}
}

func TestColdStart(t *testing.T) {
	w := newWorld(t, 4)
	ctx := context.Background()
	w.products(map[int][2]string{1: {"", "Tees"}, 2: {"", "Tees"}, 3: {"", "Tees"}, 4: {"", "Boots"}, 5: {}})
	// Shopper 2 is busy: their likes make products trend.
	for p := 1; p <= 4; p++ {
		w.Engage(2, p, graph.EngageLike, time.Duration(p)*time.Hour)
	}
	w.Engage(3, 5, graph.EngageLike, time.Hour)
	cfg := DefaultConfig()
	cfg.MaxPerCategory = 2
	s := w.service(cfg, nil)

	// A shopper who just followed someone gets social recommendations at once.
	w.Follow(1, 3)
	recs, err := s.RecommendFor(ctx, Request{UserID: w.User(1), Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]item{{5, "social"}}, w.items(recs)); diff != "" {
		t.Fatalf("new shopper with a follow (-want +got):\n%s", diff)
	}

	// A shopper with nothing at all gets trending, spread over categories.
	recs, err = s.RecommendFor(ctx, Request{UserID: w.User(4), Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	want := []item{{1, "trending"}, {5, "trending"}, {2, "trending"}, {4, "trending"}, {3, "trending"}}
	if diff := cmp.Diff(want, w.items(recs)); diff != "" {
		t.Fatalf("shopper with nothing (-want +got):\n%s", diff)
	}
	if got := recs[0].Reasons[0].Text; got != "trending in Tees" {
		t.Fatalf("cold-start reason = %q", got)
	}
}

func TestOnlinePathUsesFreshPrecomputedList(t *testing.T) {
	w := newWorld(t, 2)
	ctx := context.Background()
	w.products(map[int][2]string{1: {}, 2: {}, 3: {}})
	cache := NewCache(testenv.Redis(t), testenv.Namespace(t), time.Minute)
	s := w.service(config(map[string]float64{"social": 1}), cache)

	// Nothing stored and nothing known: the live path answers with trending,
	// which is empty on this test's clock.
	recs, err := s.RecommendFor(ctx, Request{UserID: w.User(1), Limit: 5})
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 0 {
		t.Fatalf("live answer = %+v, want none", w.items(recs))
	}
	stored := []Ranked{
		{ProductID: w.Product(2), Score: 2, Reasons: []stylegraph.Reason{{Kind: "collaborative", Text: "liked by 4 shoppers with similar taste"}}},
		{ProductID: w.Product(3), Score: 1, Reasons: []stylegraph.Reason{{Kind: "interest", Text: "because you like denim"}}},
		{ProductID: w.Product(1), Score: 0.5, Reasons: []stylegraph.Reason{{Kind: "trending", Text: "trending now"}}},
	}
	if err := cache.Put(ctx, w.User(1), stored, time.Now()); err != nil {
		t.Fatal(err)
	}
	// Stock still applies to a stored list.
	if err := w.G.Recs.SetStock(ctx, []graph.Stock{{ProductID: w.Product(3), InStock: false}}); err != nil {
		t.Fatal(err)
	}
	if err := cache.ProductsChanged(ctx, []int64{w.Product(3)}); err != nil {
		t.Fatal(err)
	}
	recs, err = s.RecommendFor(ctx, Request{UserID: w.User(1), Limit: 5})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]item{{2, "collaborative"}, {1, "trending"}}, w.items(recs)); diff != "" {
		t.Fatalf("from the stored list (-want +got):\n%s", diff)
	}
	if recs[0].Reasons[0].Text != "liked by 4 shoppers with similar taste" {
		t.Fatalf("stored reason lost: %+v", recs[0].Reasons)
	}
	recs, err = s.RecommendFor(ctx, Request{UserID: w.User(1), Limit: 5, Live: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 0 {
		t.Fatalf("live answer = %+v, want none", w.items(recs))
	}
	// Hiding keeps the stored list and marks it changed: the next answer
	// leaves the hidden product out.
	if err := cache.Put(ctx, w.User(1), stored, w.Now.Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := s.Hide(ctx, w.User(1), w.Product(2)); err != nil {
		t.Fatal(err)
	}
	if _, ok, err := cache.Get(ctx, w.User(1)); err != nil || !ok {
		t.Fatalf("stored list after a hide: ok=%v err=%v", ok, err)
	}
	recs, err = s.RecommendFor(ctx, Request{UserID: w.User(1), Limit: 5})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]item{{1, "trending"}}, w.items(recs)); diff != "" {
		t.Fatalf("after hiding 2 (-want +got):\n%s", diff)
	}
}

func TestSimilarAndTrendingEndpointsLogic(t *testing.T) {
	w := newWorld(t, 3)
	ctx := context.Background()
	w.products(map[int][2]string{1: {"b", "Tees"}, 2: {"b", "Tees"}, 3: {"", "Tees"}, 4: {"b", "Boots"}, 5: {}})
	if err := w.G.Recs.SetStock(ctx, []graph.Stock{{ProductID: w.Product(4), InStock: false}}); err != nil {
		t.Fatal(err)
	}
	s := w.service(DefaultConfig(), nil)
	recs, err := s.Similar(ctx, w.Product(1), 10)
	if err != nil {
		t.Fatal(err)
	}
	// 4 shares the brand but is out of stock.
	if diff := cmp.Diff([]item{{2, "similar"}, {3, "similar"}, {5, "similar"}}, w.items(recs)); diff != "" {
		t.Fatalf("similar (-want +got):\n%s", diff)
	}
	if got := recs[0].Reasons[0].Text; got != "same brand, same category" {
		t.Fatalf("similar reason = %q", got)
	}
	if got := recs[1].Reasons[0].Text; got != "same category, also "+w.Name("tag1") {
		t.Fatalf("similar reason = %q", got)
	}
	if _, err := s.Similar(ctx, w.Product(99), 10); stylegraph.ErrorCode(err) != stylegraph.ENOTFOUND {
		t.Fatalf("similar of a missing product: %v", err)
	}
	if _, err := s.Similar(ctx, w.Product(1), 0); stylegraph.ErrorField(err) != "limit" {
		t.Fatalf("limit 0: %v", err)
	}

	w.Engage(1, 3, graph.EngageLike, time.Hour)
	w.Engage(2, 1, graph.EngageView, time.Hour)
	w.Engage(2, 4, graph.EngagePurchase, time.Hour) // out of stock
	recs, err = s.Trending(ctx, w.Name("Top")+" > Tees", 10)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]item{{3, "trending"}, {1, "trending"}}, w.items(recs)); diff != "" {
		t.Fatalf("trending in Tees (-want +got):\n%s", diff)
	}

	// The list is reused for a minute; after that the old list is served
	// while a new one is computed in the background, never waited for.
	w.Engage(2, 2, graph.EngagePurchase, time.Minute)
	old, fresh := []item{{3, "trending"}, {1, "trending"}}, []item{{2, "trending"}, {3, "trending"}, {1, "trending"}}
	for _, tc := range []struct {
		after time.Duration
		want  []item
	}{
		{30 * time.Second, old},
		{2 * time.Minute, old},
	} {
		s.now = func() time.Time { return w.Now.Add(tc.after) }
		recs, err = s.Trending(ctx, w.Name("Top")+" > Tees", 10)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(tc.want, w.items(recs)); diff != "" {
			t.Fatalf("trending %s later (-want +got):\n%s", tc.after, diff)
		}
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		recs, err = s.Trending(ctx, w.Name("Top")+" > Tees", 10)
		if err != nil {
			t.Fatal(err)
		}
		if cmp.Equal(fresh, w.items(recs)) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("trending never refreshed: %+v", w.items(recs))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestSocialReasonText(t *testing.T) {
	mina, leo, ava := stylegraph.User{ID: 1, Name: "Mina"}, stylegraph.User{ID: 2, Name: "Leo"}, stylegraph.User{ID: 3, Name: "Ava"}
	for _, tc := range []struct {
		actions []stylegraph.SocialAction
		want    stylegraph.Reason
	}{
		{[]stylegraph.SocialAction{{Action: "liked", Count: 1, Via: []stylegraph.User{mina}}},
			stylegraph.Reason{Kind: "social", Text: "liked by Mina", Via: []stylegraph.User{mina}}},
		{[]stylegraph.SocialAction{{Action: "bought", Count: 2, Via: []stylegraph.User{mina, leo}}},
			stylegraph.Reason{Kind: "social", Text: "bought by Mina and Leo", Via: []stylegraph.User{mina, leo}}},
		{[]stylegraph.SocialAction{{Action: "liked", Count: 5, Via: []stylegraph.User{mina, leo, ava}}, {Action: "posted", Count: 1, Via: []stylegraph.User{mina}}},
			stylegraph.Reason{Kind: "social", Text: "liked by 5 people you follow; in a post by Mina", Via: []stylegraph.User{mina, leo, ava}}},
		{[]stylegraph.SocialAction{{Action: "new", Brand: "Sora"}},
			stylegraph.Reason{Kind: "social", Text: "new from Sora"}},
	} {
		got := reasonFor("social", stylegraph.Candidate{Actions: tc.actions})
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("reason (-want +got):\n%s", diff)
		}
	}
}

func TestMergeCollaborativeAddsNormalisedScores(t *testing.T) {
	because := &stylegraph.ProductRef{ID: 9, Title: "Nine"}
	items := []stylegraph.Candidate{{ProductID: 1, Score: 4, Because: because}, {ProductID: 2, Score: 2}}
	users := []stylegraph.Candidate{{ProductID: 2, Score: 10, Count: 3}, {ProductID: 3, Score: 5, Count: 1}}
	want := []stylegraph.Candidate{
		{ProductID: 2, Score: 1.5, Count: 3},
		{ProductID: 1, Score: 1, Because: because},
		{ProductID: 3, Score: 0.5, Count: 1},
	}
	if diff := cmp.Diff(want, mergeCollaborative(items, users)); diff != "" {
		t.Fatalf("merged (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(users, mergeCollaborative(nil, users)); diff != "" {
		t.Fatalf("without item-based (-want +got):\n%s", diff)
	}
}

func TestStockChangesTakeEffect(t *testing.T) {
	w := newWorld(t, 3)
	ctx := context.Background()
	w.products(map[int][2]string{1: {}, 2: {}, 3: {}})
	w.Follow(1, 2)
	for p := 1; p <= 3; p++ {
		w.Engage(2, p, graph.EngageLike, time.Duration(p)*time.Hour)
	}
	cache := NewCache(testenv.Redis(t), testenv.Namespace(t), time.Minute)
	s := w.service(config(map[string]float64{"social": 1}), cache)
	ask := func() []item {
		t.Helper()
		recs, err := s.RecommendFor(ctx, Request{UserID: w.User(1), Limit: 5})
		if err != nil {
			t.Fatal(err)
		}
		return w.items(recs)
	}
	if diff := cmp.Diff([]item{{1, "social"}, {2, "social"}, {3, "social"}}, ask()); diff != "" {
		t.Fatalf("before (-want +got):\n%s", diff)
	}
	// Stock set to 0 the way the catalog writes it: the product goes at once,
	// from the stored list too.
	zero, two := 0, 2
	p2 := stylegraph.Product{ID: w.Product(2), Title: "Product 2", Brand: w.Name("brand2"), CategoryPath: []string{w.Name("Top"), "cat2"}, Stock: &zero, CreatedAt: w.Now.Add(-time.Hour)}
	if err := w.G.Catalog.UpsertProducts(ctx, []stylegraph.Product{p2}); err != nil {
		t.Fatal(err)
	}
	if err := cache.ProductsChanged(ctx, []int64{p2.ID}); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]item{{1, "social"}, {3, "social"}}, ask()); diff != "" {
		t.Fatalf("out of stock (-want +got):\n%s", diff)
	}
	p2.Stock = &two
	if err := w.G.Catalog.UpsertProducts(ctx, []stylegraph.Product{p2}); err != nil {
		t.Fatal(err)
	}
	if err := cache.ProductsChanged(ctx, []int64{p2.ID}); err != nil {
		t.Fatal(err)
	}
	recs, err := s.RecommendFor(ctx, Request{UserID: w.User(1), Limit: 5})
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 3 || recs[1].Product.Stock == nil || *recs[1].Product.Stock != 2 {
		t.Fatalf("back in stock: %+v", recs)
	}
}

func TestIgnoredItemsSinkAndPagesFollowTheCursor(t *testing.T) {
	w := newWorld(t, 3)
	ctx := context.Background()
	w.products(map[int][2]string{1: {}, 2: {}, 3: {}, 4: {}})
	w.Follow(1, 2)
	for p := 1; p <= 4; p++ {
		w.Engage(2, p, graph.EngageLike, time.Duration(p)*time.Hour)
	}
	cache := NewCache(testenv.Redis(t), testenv.Namespace(t), time.Minute)
	cfg := config(map[string]float64{"social": 1})
	cfg.IgnoreAfter = 2
	s := w.service(cfg, cache)
	page := func(offset, limit int) []item {
		t.Helper()
		recs, err := s.RecommendFor(ctx, Request{UserID: w.User(1), Limit: limit, Offset: offset})
		if err != nil {
			t.Fatal(err)
		}
		cache.waitSeen() // served products are recorded in the background
		return w.items(recs)
	}
	if diff := cmp.Diff([]item{{1, "social"}, {2, "social"}}, page(0, 2)); diff != "" {
		t.Fatalf("first page (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]item{{3, "social"}, {4, "social"}}, page(2, 2)); diff != "" {
		t.Fatalf("second page (-want +got):\n%s", diff)
	}
	// Products 1 and 2 were served once; served a second time without the
	// shopper engaging, they sink below 3 and 4.
	page(0, 2)
	if diff := cmp.Diff([]item{{3, "social"}, {4, "social"}, {1, "social"}, {2, "social"}}, page(0, 4)); diff != "" {
		t.Fatalf("after ignoring 1 and 2 twice (-want +got):\n%s", diff)
	}
}

// The online path as served (one bounded query for a shopper without a
// list, the stored list plus the live delta after an engagement): a like
// changes the next request without a batch run, and the list stays stored.
func TestNewEngagementChangesTheNextRequest(t *testing.T) {
	w := newWorld(t, 2)
	ctx := context.Background()
	w.products(map[int][2]string{1: {}, 2: {}, 3: {}, 4: {}})
	// Precomputed neighbours: 1 → 2, 3 → 4.
	err := w.G.Batch.WriteSimilar(ctx, SimilaritySource, []graph.SimilarList{
		{ProductID: w.Product(1), Neighbours: []graph.Neighbour{{ProductID: w.Product(2), Score: 0.9}}},
		{ProductID: w.Product(3), Neighbours: []graph.Neighbour{{ProductID: w.Product(4), Score: 0.95}}},
	}, w.Now)
	if err != nil {
		t.Fatal(err)
	}
	cache := NewCache(testenv.Redis(t), testenv.Namespace(t), time.Minute)
	cfg := config(map[string]float64{"collaborative": 1})
	cfg.ColdBlend = false
	s := w.service(cfg, cache)
	w.Engage(1, 1, graph.EngageLike, time.Hour)
	recs, err := s.RecommendFor(ctx, Request{UserID: w.User(1), Limit: 5})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]item{{2, "collaborative"}}, w.items(recs)); diff != "" {
		t.Fatalf("before (-want +got):\n%s", diff)
	}
	if _, ok, _ := cache.Get(ctx, w.User(1)); !ok {
		t.Fatal("the live answer was not stored for the next request")
	}
	// A like arrives: the worker writes it and marks the list changed; the
	// next request ranks it in without a batch run.
	w.Engage(1, 3, graph.EngageLike, time.Minute)
	if err := cache.Changed(ctx, w.Now, w.User(1)); err != nil {
		t.Fatal(err)
	}
	recs, err = s.RecommendFor(ctx, Request{UserID: w.User(1), Limit: 5})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]item{{4, "collaborative"}, {2, "collaborative"}}, w.items(recs)); diff != "" {
		t.Fatalf("after a like (-want +got):\n%s", diff)
	}
	if got := recs[0].Reasons[0].Text; got != "because you liked Product 3" {
		t.Errorf("reason of the new neighbour = %q", got)
	}
	// The merged list is stored in place of the ranked one, so the next
	// requests read it without the delta's query.
	stored, ok, err := cache.Get(ctx, w.User(1))
	if err != nil || !ok {
		t.Fatalf("stored list after the like: found %v, %v", ok, err)
	}
	if diff := cmp.Diff([]int64{w.Product(4), w.Product(2)}, ids(stored)); diff != "" {
		t.Errorf("stored list after the like (-want +got):\n%s", diff)
	}
	if got := stored[0].Reasons[0].Text; got != "because you liked Product 3" {
		t.Errorf("stored reason of the new neighbour = %q", got)
	}
}

// What the shopper liked, bought or hid since their list was ranked is left
// out of the next request, and a like that nothing is similar to still
// changes it.
func TestDeltaLeavesOutWhatWasEngagedSince(t *testing.T) {
	w := newWorld(t, 2)
	ctx := context.Background()
	w.products(map[int][2]string{1: {}, 2: {}, 3: {}, 4: {}, 5: {}})
	err := w.G.Batch.WriteSimilar(ctx, SimilaritySource, []graph.SimilarList{
		{ProductID: w.Product(1), Neighbours: []graph.Neighbour{
			{ProductID: w.Product(2), Score: 0.9}, {ProductID: w.Product(3), Score: 0.8},
			{ProductID: w.Product(4), Score: 0.7}, {ProductID: w.Product(5), Score: 0.6}}},
	}, w.Now)
	if err != nil {
		t.Fatal(err)
	}
	cache := NewCache(testenv.Redis(t), testenv.Namespace(t), time.Minute)
	cfg := config(map[string]float64{"collaborative": 1})
	cfg.ColdBlend = false
	s := w.service(cfg, cache)
	w.Engage(1, 1, graph.EngageLike, time.Hour)
	get := func() []item {
		t.Helper()
		recs, err := s.RecommendFor(ctx, Request{UserID: w.User(1), Limit: 5, Unserved: true})
		if err != nil {
			t.Fatal(err)
		}
		return w.items(recs)
	}
	c := "collaborative"
	if diff := cmp.Diff([]item{{2, c}, {3, c}, {4, c}, {5, c}}, get()); diff != "" {
		t.Fatalf("before (-want +got):\n%s", diff)
	}
	w.Engage(1, 2, graph.EngageLike, time.Minute)
	w.Engage(1, 3, graph.EngagePurchase, time.Minute)
	if err := s.Hide(ctx, w.User(1), w.Product(4)); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]item{{5, c}}, get()); diff != "" {
		t.Fatalf("after liking 2, buying 3 and hiding 4 (-want +got):\n%s", diff)
	}
}

func TestTunedBlendIsApplied(t *testing.T) {
	w := newWorld(t, 3)
	ctx := context.Background()
	cache := NewCache(testenv.Redis(t), testenv.Namespace(t), time.Minute)
	s := w.service(config(map[string]float64{"social": 1}), cache)
	if err := cache.PutTuned(ctx, Tuned{Weights: map[string]float64{"interest": 2}, MaxPerBrand: 7, TunedOn: "validation split"}); err != nil {
		t.Fatal(err)
	}
	s.loadTuned()
	cfg := s.config()
	if diff := cmp.Diff(map[string]float64{"interest": 2}, cfg.Weights); diff != "" {
		t.Fatalf("weights (-want +got):\n%s", diff)
	}
	if cfg.MaxPerBrand != 7 || cfg.MaxPerCategory != 0 {
		t.Fatalf("caps = %d/%d, want 7 and the configured 0", cfg.MaxPerBrand, cfg.MaxPerCategory)
	}
}

// A shopper with neither a stored list nor a kept answer still gets an
// answer while Neo4j hangs: the trending list in memory with cached cards,
// marked degraded, instead of a 503.
func TestColdShopperWithTheGraphHungGetsTrendingFromMemory(t *testing.T) {
	w := newWorld(t, 3)
	// A clock JSON can encode, so that product cards can be cached; its own
	// day, so that other runs' edges rarely share the window.
	w.Now = time.Date(2300, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, int(w.Base/1_000_000%3000)*40)
	w.products(map[int][2]string{1: {}, 2: {}, 3: {}})
	for p := 1; p <= 3; p++ {
		w.Engage(2, p, graph.EngageLike, time.Duration(p)*time.Hour)
	}
	c := testenv.Config(t)
	u, err := url.Parse(c.Neo4jURI)
	if err != nil {
		t.Fatal(err)
	}
	proxy := testenv.StartProxy(t, u.Host)
	g, err := graph.Open(context.Background(), "bolt://"+proxy.Addr(), c.Neo4jUser, c.Neo4jPassword)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = g.Close(context.Background()) })
	s := New(graph.NewRecStore(g), NewCache(testenv.Redis(t), testenv.Namespace(t), time.Hour), DefaultConfig())
	s.now = func() time.Time { return w.Now }

	// Any feed read fills the trending list and its cards in the background.
	deadline := time.Now().Add(30 * time.Second)
	for {
		recs, err := s.RecommendFor(context.Background(), Request{UserID: w.User(3), Limit: 3, CachedOnly: true})
		if err == nil && len(recs) == 3 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("trending from memory never filled: %v %v", recs, err)
		}
		time.Sleep(100 * time.Millisecond)
	}

	proxy.Pause()
	defer proxy.Resume()
	ctx, cancel := context.WithTimeout(stylegraph.NewContextWithDegradation(context.Background()), time.Second)
	defer cancel()
	recs, err := s.RecommendFor(ctx, Request{UserID: w.User(1), Limit: 3})
	if err != nil {
		t.Fatalf("cold shopper, graph hung: %v", err)
	}
	if len(recs) == 0 {
		t.Fatal("cold shopper, graph hung: no recommendations")
	}
	for _, r := range recs {
		if len(r.Reasons) == 0 || r.Reasons[0].Kind != stylegraph.ReasonTrending {
			t.Errorf("cold shopper, graph hung: %d with reasons %v, want trending", r.Product.ID, r.Reasons)
		}
	}
	if diff := cmp.Diff([]string{"neo4j"}, stylegraph.Degraded(ctx)); diff != "" {
		t.Errorf("degraded (-want +got):\n%s", diff)
	}
}
