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

// TestRelevanceBeatsBaselineOnASample runs the evaluation on a twentieth of
// styles.csv and a quarter of the judged queries: a quick guard that ranking
// changes keep clearly beating single-field BM25. The full run is
// `stylegraph eval search`.
func TestRelevanceBeatsBaselineOnASample(t *testing.T) {
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
	f, err := os.Open("testdata/relevance_queries.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	js, err := search.ParseJudgements(f)
	if err != nil {
		t.Fatal(err)
	}
	if len(js) < 150 {
		t.Fatalf("%d judged queries, want at least 150", len(js))
	}
	var some []search.Judgement
	for i, j := range js {
		if i%4 == 0 {
			some = append(some, j)
		}
	}
	c := shop(t, sample)
	rep, err := search.NewEngine(c, nil, quiet()).Evaluate(context.Background(), sample, some, 10)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("sample of %d products, %d queries: nDCG@10 %.3f vs %.3f, MAP@10 %.3f vs %.3f",
		len(sample), len(some), rep.Ours.NDCG, rep.Baseline.NDCG, rep.Ours.MAP, rep.Baseline.MAP)
	if rep.Ours.NDCG < rep.Baseline.NDCG+0.2 || rep.Ours.MAP < rep.Baseline.MAP+0.2 {
		t.Errorf("ours nDCG %.3f MAP %.3f, want both at least 0.2 above the baseline's %.3f and %.3f",
			rep.Ours.NDCG, rep.Ours.MAP, rep.Baseline.NDCG, rep.Baseline.MAP)
	}
	for kind, s := range rep.ByKind {
		if s[0].NDCG < s[1].NDCG {
			t.Errorf("%s queries: ours %.3f below the baseline %.3f", kind, s[0].NDCG, s[1].NDCG)
		}
	}
}
