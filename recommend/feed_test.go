package recommend

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/graph"
	"github.com/stylegraph/stylegraph/internal/testenv"
)

// pageOf is a feed reader serving posts with IDs n, n-1, …; each post
// features product featured (0: none).
type pageOf struct {
	posts    int
	featured int64
	asked    []int
}

func (p *pageOf) Read(_ context.Context, _ int64, _ string, limit int) (stylegraph.FeedPage, error) {
	p.asked = append(p.asked, limit)
	var items []stylegraph.Feed
	for i := 0; i < min(limit, p.posts); i++ {
		it := stylegraph.Feed{ID: int64(1000 - i), Reason: stylegraph.ReasonFollowing}
		if p.featured != 0 {
			it.Post.Products = []stylegraph.ProductSummary{{ID: p.featured}}
		}
		items = append(items, it)
	}
	return stylegraph.FeedPage{Items: items}, nil
}

// jsonOf encodes a feed reader's pages as the API does.
type jsonOf struct{ FeedReader }

func (j jsonOf) ReadJSON(ctx context.Context, uid int64, cursor string, limit int) ([]byte, error) {
	page, err := j.Read(ctx, uid, cursor, limit)
	if err != nil {
		return nil, err
	}
	if page.Items == nil {
		page.Items = []stylegraph.Feed{}
	}
	return json.Marshal(page)
}

func TestEveryKthFeedItemIsRecommended(t *testing.T) {
	w := newWorld(t, 6)
	// A clock JSON can encode (the world's may be past year 9999); the
	// social source reads only this test's shoppers, so isolation holds.
	w.Now = time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC)
	ctx := context.Background()
	w.products(map[int][2]string{1: {}, 2: {}, 3: {}, 4: {}})
	for f := 2; f <= 5; f++ {
		w.Follow(1, f)
	}
	// Followed shoppers liked 1-4, 1 by the most.
	for p := 1; p <= 4; p++ {
		for f := 2; f <= 6-p; f++ {
			w.Engage(f, p, graph.EngageLike, time.Hour)
		}
	}
	svc := w.service(config(map[string]float64{"social": 1}), nil)

	// kinds renders a page as post IDs and "rec:<product>" entries.
	kinds := func(items []stylegraph.Feed) []string {
		var out []string
		for _, it := range items {
			if it.Product != nil {
				if it.Reason != "recommended" || it.Product.Reasons[0].Kind != "recommended" || it.Product.Reasons[1].Kind != "social" {
					t.Fatalf("recommended item = %+v", it)
				}
				out = append(out, "rec:"+string(rune('0'+it.Product.Product.ID-w.Base-100)))
				continue
			}
			out = append(out, "post")
		}
		return out
	}
	for _, tc := range []struct {
		name     string
		every    int
		posts    int
		featured int64
		limit    int
		want     []string
		asked    int
	}{
		{"every third", 3, 100, 0, 9, []string{"post", "post", "rec:1", "post", "post", "rec:2", "post", "post", "rec:3"}, 6},
		{"featured products are not repeated", 3, 100, w.Product(1), 6, []string{"post", "post", "rec:2", "post", "post", "rec:3"}, 4},
		{"short feed", 3, 3, 0, 9, []string{"post", "post", "rec:1", "post"}, 6},
		{"empty feed gets one", 3, 0, 0, 9, []string{"rec:1"}, 6},
		{"off", 0, 4, 0, 9, []string{"post", "post", "post", "post"}, 9},
	} {
		t.Run(tc.name, func(t *testing.T) {
			feed := &pageOf{posts: tc.posts, featured: tc.featured}
			in := &InFeed{Feed: feed, Recs: svc, Every: tc.every, Budget: time.Minute}
			page, err := in.Read(ctx, w.User(1), "", tc.limit)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, kinds(page.Items)); diff != "" {
				t.Fatalf("page (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff([]int{tc.asked}, feed.asked); diff != "" {
				t.Fatalf("posts asked for (-want +got):\n%s", diff)
			}
			// The encoded page splices the same items into the feed's JSON.
			b, err := in.ReadJSON(ctx, jsonOf{feed}, w.User(1), "", tc.limit)
			if err != nil {
				t.Fatal(err)
			}
			var got stylegraph.FeedPage
			if err := json.Unmarshal(b, &got); err != nil {
				t.Fatalf("%v: %s", err, b)
			}
			for i := range got.Items {
				got.Items[i].Reason = page.Items[i].Reason
				if got.Items[i].Product != nil {
					got.Items[i].Reason = "recommended"
				}
			}
			if diff := cmp.Diff(tc.want, kinds(got.Items)); diff != "" {
				t.Fatalf("encoded page (-want +got):\n%s", diff)
			}
			// The spliced items are what encoding the page's items writes.
			for i, it := range got.Items {
				if it.Product == nil {
					continue
				}
				want, _ := json.Marshal(page.Items[i])
				var wantItem stylegraph.Feed
				if err := json.Unmarshal(want, &wantItem); err != nil {
					t.Fatal(err)
				}
				wantItem.Reason, wantItem.CreatedAt = it.Reason, it.CreatedAt
				if diff := cmp.Diff(wantItem, it); diff != "" {
					t.Fatalf("encoded item %d (-want +got):\n%s", i, diff)
				}
			}
		})
	}
}

// A returning shopper's mix is served from memory; a changed stored list
// reaches it through the background re-read, without a page waiting.
func TestFeedMixIsKeptAndRefreshed(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t, 1)
	w.Now = time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC) // a clock JSON can encode
	w.products(map[int][2]string{1: {}, 2: {}})
	cache := NewCache(testenv.Redis(t), testenv.Namespace(t), time.Minute)
	svc := w.service(config(map[string]float64{"social": 1}), cache)
	store := func(p int) {
		t.Helper()
		if err := cache.Put(ctx, w.User(1), []Ranked{{ProductID: w.Product(p), Score: 1, Reasons: []stylegraph.Reason{{Kind: "social", Text: "friends like it"}}}}, w.Now); err != nil {
			t.Fatal(err)
		}
	}
	recOf := func(in *InFeed) int64 {
		t.Helper()
		page, err := in.Read(ctx, w.User(1), "", 3)
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range page.Items {
			if it.Product != nil {
				return it.Product.Product.ID - w.Base - 100
			}
		}
		return 0
	}
	// The mix reads cards from the cache only (as after a recompute).
	cards, err := w.G.Recs.Cards(ctx, 0, []int64{w.Product(1), w.Product(2)})
	if err != nil {
		t.Fatal(err)
	}
	if err := cache.PutCards(ctx, cards); err != nil {
		t.Fatal(err)
	}
	store(1)
	in := &InFeed{Feed: &pageOf{posts: 10}, Recs: svc, Every: 3, Budget: time.Minute, Fresh: time.Hour}
	if got := recOf(in); got != 1 {
		t.Fatalf("first page recommends product %d, want 1", got)
	}
	store(2)
	if got := recOf(in); got != 1 {
		t.Fatalf("a fresh mix was read again: product %d, want 1 from memory", got)
	}
	in.Fresh = time.Millisecond
	time.Sleep(2 * time.Millisecond)
	deadline := time.Now().Add(10 * time.Second)
	for recOf(in) != 2 {
		if time.Now().After(deadline) {
			t.Fatal("the mix never picked up the new stored list")
		}
		time.Sleep(time.Millisecond)
	}
	// Served memory counts what pages showed, not what the mix read ahead.
	cache.waitSeen()
	seen, err := cache.Seen(ctx, w.User(1))
	if err != nil {
		t.Fatal(err)
	}
	if seen[w.Product(1)] < 2 || seen[w.Product(2)] < 1 {
		t.Fatalf("served counts = %v", seen)
	}
}

func TestSplitItemsKeepsStringsWhole(t *testing.T) {
	page := `{"items":[{"a":"x}]\"{","b":[1,{"c":2}]},{"post":{"products":[{"id":7,"title":"[new]"}]}}],"nextCursor":"abc"}`
	items, tail, err := splitItems([]byte(page))
	if err != nil {
		t.Fatal(err)
	}
	got := []string{string(items[0]), string(items[1]), string(tail)}
	want := []string{`{"a":"x}]\"{","b":[1,{"c":2}]}`, `{"post":{"products":[{"id":7,"title":"[new]"}]}}`, `],"nextCursor":"abc"}`}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("split (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]int64{7}, featured(items[1])); diff != "" {
		t.Fatalf("featured (-want +got):\n%s", diff)
	}
	if _, _, err := splitItems([]byte(`{"items":[{"a":1}`)); err == nil {
		t.Fatal("a truncated page was split")
	}
}

// The feed mix of a shopper who engaged since their list was ranked shows
// the live delta: the new like's neighbour comes first.
func TestFeedMixAddsTheLiveDelta(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t, 1)
	w.Now = time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(w.Base%1000) * time.Hour) // a clock JSON can encode
	w.products(map[int][2]string{1: {}, 2: {}, 3: {}})
	err := w.G.Batch.WriteSimilar(ctx, SimilaritySource, []graph.SimilarList{
		{ProductID: w.Product(2), Neighbours: []graph.Neighbour{{ProductID: w.Product(3), Score: 0.9}}},
	}, w.Now)
	if err != nil {
		t.Fatal(err)
	}
	cache := NewCache(testenv.Redis(t), testenv.Namespace(t), time.Minute)
	cfg := config(map[string]float64{"collaborative": 1})
	cfg.ColdBlend = false
	svc := w.service(cfg, cache)
	svc.deltaWait = 10 * time.Second // a busy shared graph takes longer than the mix's 25 ms
	cards, err := w.G.Recs.Cards(ctx, 0, []int64{w.Product(1), w.Product(2), w.Product(3)})
	if err != nil {
		t.Fatal(err)
	}
	if err := cache.PutCards(ctx, cards); err != nil {
		t.Fatal(err)
	}
	// A list ranked an hour ago, then a like of 2 and the worker's mark.
	list := []Ranked{{ProductID: w.Product(1), Score: 1, Reasons: []stylegraph.Reason{{Kind: "trending", Text: "trending now"}}}}
	if err := cache.Put(ctx, w.User(1), list, w.Now.Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	w.Engage(1, 2, graph.EngageLike, time.Minute)
	if err := cache.Changed(ctx, w.Now, w.User(1)); err != nil {
		t.Fatal(err)
	}
	in := &InFeed{Feed: &pageOf{posts: 10}, Recs: svc, Every: 3, Budget: time.Minute, Fresh: time.Millisecond}
	deadline := time.Now().Add(10 * time.Second)
	for {
		page, err := in.Read(ctx, w.User(1), "", 3)
		if err != nil {
			t.Fatal(err)
		}
		var got int64
		for _, it := range page.Items {
			if it.Product != nil {
				got = it.Product.Product.ID - w.Base - 100
				break
			}
		}
		if got == 3 {
			break
		}
		if got != 1 || time.Now().After(deadline) {
			t.Fatalf("the mix recommends product %d, want 3 (the new like's neighbour)", got)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
