package search_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/internal/testenv"
	"github.com/stylegraph/stylegraph/search"
)

func manyProducts(n int) []stylegraph.Product {
	ps := make([]stylegraph.Product, n)
	colors := []string{"Black", "White", "Blue"}
	for i := range ps {
		ps[i] = prod(int64(i+1), fmt.Sprintf("Basic Cotton T-shirt No %d", i+1), "Plain", "Tshirts", colors[i%3], "Men", float64(10+i%7))
	}
	return ps
}

// TestCursorPagesPastTheResultWindow walks every hit with cursors on an
// index whose from/size window is far smaller than the result set: the
// same wall a 10,000-result window is for a real catalog.
func TestCursorPagesPastTheResultWindow(t *testing.T) {
	const n, window = 240, 50
	c := shop(t, manyProducts(n))
	ctx := context.Background()
	if err := c.Do(ctx, http.MethodPut, "/"+c.Alias("products")+"/_settings", map[string]any{"index": map[string]any{"max_result_window": window}}, nil); err != nil {
		t.Fatal(err)
	}
	// from/size cannot go there.
	err := c.Do(ctx, http.MethodPost, "/"+c.Alias("products")+"/_search", map[string]any{"from": window, "size": 10}, nil)
	if !search.IsStatus(err, http.StatusBadRequest) && !search.IsStatus(err, http.StatusInternalServerError) {
		t.Fatalf("from=%d: err %v, want the result window error", window, err)
	}
	e := search.NewEngine(c, nil, quiet())
	for _, sort := range []string{stylegraph.SortRelevance, stylegraph.SortPriceAsc} {
		seen := map[int64]bool{}
		req := stylegraph.SearchRequest{Query: "t-shirt", Sort: sort, Limit: 35}
		pages := 0
		var lastPrice float64
		for {
			res, err := e.Search(ctx, req)
			if err != nil {
				t.Fatalf("%s page %d: %v", sort, pages, err)
			}
			pages++
			if res.Total != n {
				t.Fatalf("total %d, want %d", res.Total, n)
			}
			for _, h := range res.Hits {
				if seen[h.Product.ID] {
					t.Fatalf("%s: product %d twice", sort, h.Product.ID)
				}
				seen[h.Product.ID] = true
				if sort == stylegraph.SortPriceAsc && h.Product.Price < lastPrice {
					t.Fatalf("price order broken at %d", h.Product.ID)
				}
				lastPrice = h.Product.Price
			}
			if res.NextCursor == "" {
				break
			}
			if pages > n {
				t.Fatal("cursor never ends")
			}
			req.Cursor = res.NextCursor
		}
		if len(seen) != n || pages != (n+34)/35 {
			t.Errorf("%s: saw %d products in %d pages, want %d in %d", sort, len(seen), pages, n, (n+34)/35)
		}
	}
}

// TestReindexSwapsAliasWhileSearching keeps searching while the alias moves
// to a new index: no search may fail or see a partial catalog, and writes
// during the copy survive.
func TestReindexSwapsAliasWhileSearching(t *testing.T) {
	const n = 300
	c := shop(t, manyProducts(n))
	ctx := context.Background()
	e := search.NewEngine(c, nil, quiet())
	pop := search.NewPopularity(c, testenv.Redis(t), testenv.Namespace(t)+"seen:", time.Hour)
	if _, err := pop.Apply(ctx, []search.Signal{{EventID: "e1", ProductID: 7, Action: "purchase"}}); err != nil {
		t.Fatal(err)
	}
	before, _ := c.AliasTarget(ctx, c.Alias("products"))

	stop := make(chan struct{})
	var wg sync.WaitGroup
	var searches, bad atomic.Int64
	var firstErr atomic.Value
	for w := 0; w < 2; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				res, err := e.Search(ctx, stylegraph.SearchRequest{Query: "cotton", Limit: 5})
				searches.Add(1)
				if err != nil || res.Total != n {
					bad.Add(1)
					firstErr.CompareAndSwap(nil, fmt.Sprintf("total %d err %v", res.Total, err))
				}
			}
		}()
	}
	time.Sleep(100 * time.Millisecond)
	rep, err := c.Reindex(ctx, "products", false, quiet())
	time.Sleep(100 * time.Millisecond)
	close(stop)
	wg.Wait()
	if err != nil {
		t.Fatal(err)
	}
	if bad.Load() > 0 {
		t.Fatalf("%d of %d searches failed during reindex; first: %v", bad.Load(), searches.Load(), firstErr.Load())
	}
	after, _ := c.AliasTarget(ctx, c.Alias("products"))
	if after == before || after != rep.New || rep.Old != before || rep.Copied != n {
		t.Errorf("alias %s → %s, report %+v", before, after, rep)
	}
	var exists struct{}
	if err := c.Do(ctx, http.MethodGet, "/"+before, nil, &exists); !search.IsStatus(err, http.StatusNotFound) {
		t.Errorf("old index %s still there: %v", before, err)
	}
	// Popularity came along.
	res, err := e.Search(ctx, stylegraph.SearchRequest{Sort: stylegraph.SortPopular, Limit: 1})
	if err != nil || len(res.Hits) != 1 || res.Hits[0].Product.ID != 7 {
		t.Errorf("most popular after reindex: %v %v, want product 7", ids(res), err)
	}
	if searches.Load() < 5 {
		t.Errorf("only %d searches ran during the reindex", searches.Load())
	}
}

func TestPopularitySignalsApplyOnceAndReorder(t *testing.T) {
	// 101 and 102 are twins: only popularity can order them.
	c := shop(t, append(smallShop(),
		prod(101, "Plain Oversized Tee", "Basics", "Tshirts", "White", "Unisex", 9),
		prod(102, "Plain Oversized Tee", "Basics", "Tshirts", "White", "Unisex", 9)))
	ctx := context.Background()
	pop := search.NewPopularity(c, testenv.Redis(t), testenv.Namespace(t)+"seen:", time.Hour)
	batch := []search.Signal{
		{EventID: "a", ProductID: 5, Action: "view"},
		{EventID: "b", ProductID: 5, Action: "purchase"},
		{EventID: "c", ProductID: 4, Action: "like"},
		{EventID: "d", ProductID: 4, Action: "view"},
		{EventID: "e", ProductID: 999, Action: "like"}, // not in the index
		{EventID: "f", ProductID: 4, Action: "comment"},
		{EventID: "g", ProductID: 102, Action: "add_to_cart"},
	}
	for i := 0; i < 2; i++ { // the second delivery changes nothing
		if _, err := pop.Apply(ctx, batch); err != nil {
			t.Fatalf("apply #%d: %v", i+1, err)
		}
	}
	if err := c.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	var got struct {
		Source struct {
			PopularityScore float64 `json:"popularityScore"`
			Popularity      float64 `json:"popularity"`
		} `json:"_source"`
	}
	for id, want := range map[int64]float64{5: 7, 4: 4} {
		if err := c.Do(ctx, http.MethodGet, fmt.Sprintf("/%s/_doc/%d", c.Alias("products"), id), nil, &got); err != nil {
			t.Fatal(err)
		}
		if got.Source.PopularityScore != want || got.Source.Popularity != want+1 {
			t.Errorf("product %d: popularity %+v, want score %v", id, got.Source, want)
		}
	}
	e := search.NewEngine(c, nil, quiet())
	res, err := e.Search(ctx, stylegraph.SearchRequest{Query: "plain oversized tee"})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]int64{102, 101}, ids(res)[:2]); diff != "" {
		t.Errorf("the popular twin first (-want +got):\n%s", diff)
	}
	res, err = e.Search(ctx, stylegraph.SearchRequest{Sort: stylegraph.SortPopular, Limit: 3})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]int64{5, 4, 102}, ids(res)); diff != "" {
		t.Errorf("sort=popular (-want +got):\n%s", diff)
	}
	// Re-indexing a product keeps its popularity.
	if _, err := c.IndexProducts(ctx, smallShop()[4:5]); err != nil {
		t.Fatal(err)
	}
	if err := c.Do(ctx, http.MethodGet, fmt.Sprintf("/%s/_doc/5", c.Alias("products")), nil, &got); err != nil || got.Source.PopularityScore != 7 {
		t.Errorf("after re-index: %+v %v, want score 7 kept", got.Source, err)
	}
}

// TestBulkReportsPerItemErrors indexes a batch with one product the mapping
// refuses: the rest land, and the report names the refused one and why.
func TestBulkReportsPerItemErrors(t *testing.T) {
	c := shop(t, nil)
	ctx := context.Background()
	// A keyword longer than Lucene's 32,766-byte term limit.
	bad := prod(3, "Odd", strings.Repeat("x", 40000), "Tshirts", "Black", "Men", 5)
	rep, err := c.IndexProducts(ctx, []stylegraph.Product{smallShop()[0], bad, smallShop()[1]})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Indexed != 2 || len(rep.Failed) != 1 || rep.Failed[0].ID != 3 || rep.Failed[0].Status != http.StatusBadRequest ||
		rep.Failed[0].Reason == "" {
		t.Errorf("report %+v, want 2 indexed and product 3 refused with a reason", rep)
	}
	rep, err = c.DeleteProducts(ctx, []int64{1, 3, 2})
	if err != nil || rep.Indexed != 3 || len(rep.Failed) != 0 {
		t.Errorf("delete (3 was never indexed): %+v %v", rep, err)
	}
}
