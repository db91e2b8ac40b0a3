package search_test

import (
	"context"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/catalog"
	"github.com/stylegraph/stylegraph/internal/testenv"
	"github.com/stylegraph/stylegraph/search"
)

func TestParseJudgementsAndGrade(t *testing.T) {
	src := "# comment\n\nmen navy shirt\tplain\tShirts\tgender=Men\tcolour=Navy Blue\n청바지\tkorean\tJeans\n"
	js, err := search.ParseJudgements(strings.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	want := []search.Judgement{
		{Query: "men navy shirt", Kind: "plain", ArticleType: "Shirts", Gender: "Men", Colour: "Navy Blue"},
		{Query: "청바지", Kind: "korean", ArticleType: "Jeans"},
	}
	if diff := cmp.Diff(want, js); diff != "" {
		t.Fatalf("(-want +got):\n%s", diff)
	}
	shirt := func(gender, colour string) stylegraph.Product {
		return stylegraph.Product{Gender: gender, Color: colour, CategoryPath: []string{"Apparel", "Topwear", "Shirts"}}
	}
	for _, tt := range []struct {
		p    stylegraph.Product
		want int
	}{
		{shirt("Men", "Navy Blue"), 2},
		{shirt("Women", "Navy Blue"), 1},
		{shirt("Men", "Black"), 1},
		{stylegraph.Product{Gender: "Men", Color: "Navy Blue", CategoryPath: []string{"Apparel", "Topwear", "Tshirts"}}, 0},
	} {
		if got := js[0].Grade(tt.p); got != tt.want {
			t.Errorf("grade of %+v = %d, want %d", tt.p, got, tt.want)
		}
	}
	for _, bad := range []string{"only a query\n", "q\tkind\tShirts\tcolor=Red\n", "q\tkind\tShirts\tgender\n"} {
		if _, err := search.ParseJudgements(strings.NewReader(bad)); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
}

func TestNDCGAndAveragePrecision(t *testing.T) {
	ideal := map[int]int{2: 2, 1: 3}
	tests := []struct {
		name     string
		grades   []int
		ndcg, ap float64
		relevant int
		k        int
	}{
		{"perfect", []int{2, 2, 1, 1, 1}, 1, 1, 2, 5},
		{"nothing", []int{0, 0, 0}, 0, 0, 2, 3},
		// DCG = 3/log2(3) + 1/log2(4) ; IDCG = 3 + 3/log2(3) + 1/2 + 1/log2(5) + 1/log2(6)
		{"mixed", []int{0, 2, 1}, (3/math.Log2(3) + 0.5) / (3 + 3/math.Log2(3) + 0.5 + 1/math.Log2(5) + 1/math.Log2(6)), 0.25, 2, 5},
		{"cut off at k", []int{0, 0, 2}, 0, 0, 2, 2},
	}
	for _, tt := range tests {
		if got := search.NDCG(tt.grades, ideal, tt.k); math.Abs(got-tt.ndcg) > 1e-9 {
			t.Errorf("%s: nDCG %v, want %v", tt.name, got, tt.ndcg)
		}
		if got := search.AveragePrecision(tt.grades, tt.relevant, tt.k); math.Abs(got-tt.ap) > 1e-9 {
			t.Errorf("%s: AP %v, want %v", tt.name, got, tt.ap)
		}
	}
}

// TestRelevanceBeatsStockBaselineOnASample runs the evaluation on a
// twentieth of styles.csv with a third of each split of judged queries: a
// quick guard that the ranking keeps beating the stock baseline (multi_match
// with the english analyzer and fuzziness AUTO) on the held-out queries,
// which nothing was tuned on, and on the tuning queries. The full run is
// `stylegraph eval search`.
func TestRelevanceBeatsStockBaselineOnASample(t *testing.T) {
	path := testenv.Dataset(t, "fashion-product-images-styles/styles.csv")
	r, closer, err := catalog.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer closer.Close()
	all, _, err := catalog.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	var sample []stylegraph.Product
	for _, p := range all {
		if p.ID%20 == 0 {
			sample = append(sample, p)
		}
	}
	c := shop(t, sample)
	if err := c.IndexStock(context.Background(), sample); err != nil {
		t.Fatal(err)
	}
	engine := search.NewEngine(c, nil, quiet())
	for _, split := range []struct {
		file string
		min  int
	}{{"testdata/relevance_heldout.tsv", 150}, {"testdata/relevance_queries.tsv", 150}} {
		t.Run(split.file, func(t *testing.T) {
			js := judgements(t, split.file)
			if len(js) < split.min {
				t.Fatalf("%d judged queries, want at least %d", len(js), split.min)
			}
			var some []search.Judgement
			for i, j := range js {
				if i%3 == 0 {
					some = append(some, j)
				}
			}
			rep, err := engine.Evaluate(context.Background(), sample, some, 10)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("sample of %d products, %d queries: nDCG@10 ours %.3f, stock %.3f, title floor %.3f; MAP@10 %.3f, %.3f, %.3f",
				len(sample), len(some), rep.Ours.NDCG, rep.Stock.NDCG, rep.Baseline.NDCG, rep.Ours.MAP, rep.Stock.MAP, rep.Baseline.MAP)
			if rep.Ours.NDCG < rep.Stock.NDCG+stockMargin || rep.Ours.MAP < rep.Stock.MAP+stockMargin {
				t.Errorf("ours nDCG %.3f MAP %.3f, want both at least %.2f above the stock baseline's %.3f and %.3f",
					rep.Ours.NDCG, rep.Ours.MAP, stockMargin, rep.Stock.NDCG, rep.Stock.MAP)
			}
			for kind, s := range rep.ByKind {
				t.Logf("  %-8s ours %.3f stock %.3f floor %.3f (%d queries)", kind, s[0].NDCG, s[1].NDCG, s[2].NDCG, s[0].Queries)
			}
		})
	}
}

// stockMargin is how far above the stock baseline the sample must stay; on
// 2026-12-03 the held-out sample was 0.24 (nDCG) and 0.25 (MAP) above it.
const stockMargin = 0.1

// TestHeldOutSplit keeps the two splits apart: the held-out queries share no
// query with the tuning set and cover every kind.
func TestHeldOutSplit(t *testing.T) {
	tuning := map[string]bool{}
	for _, j := range judgements(t, "testdata/relevance_queries.tsv") {
		tuning[j.Query] = true
	}
	kinds := map[string]int{}
	for _, j := range judgements(t, "testdata/relevance_heldout.tsv") {
		if tuning[j.Query] {
			t.Errorf("held-out query %q is also in the tuning set", j.Query)
		}
		kinds[j.Kind]++
	}
	for _, k := range []string{"plain", "brand", "colour", "gender", "typo", "synonym", "korean"} {
		if kinds[k] < 10 {
			t.Errorf("%d held-out %s queries, want at least 10", kinds[k], k)
		}
	}
}

func judgements(t *testing.T, path string) []search.Judgement {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	js, err := search.ParseJudgements(f)
	if err != nil {
		t.Fatal(err)
	}
	return js
}
