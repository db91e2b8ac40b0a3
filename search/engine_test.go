package search_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/search"
)

func TestSearchFindsWhatShoppersMean(t *testing.T) {
	e := search.NewEngine(shop(t, smallShop()), nil, quiet())
	tests := []struct {
		name, q string
		first   []int64 // the top hits, in any order
	}{
		{"exact words", "navy shirt", []int64{8}},
		{"synonym tee", "tee", []int64{4, 5}},
		{"synonym trainers", "trainers", []int64{6}},
		{"synonym sneakers", "sneakers", []int64{1, 12}},
		{"synonym hoodie", "hoodie", []int64{9}},
		{"synonym flip-flops", "flip-flops", []int64{7}},
		{"synonym pants", "pants", []int64{11}},
		{"korean 청바지 finds english jeans", "청바지", []int64{2, 3}},
		{"korean 운동화 finds sports shoes", "운동화", []int64{6}},
		{"korean 스니커즈 finds sneakers", "스니커즈", []int64{1, 12}},
		{"korean 티셔츠 finds t-shirts", "티셔츠", []int64{4, 5}},
		{"english jeans finds korean title", "jeans", []int64{2, 3}},
		{"typo sneekers", "sneekers", []int64{1, 12}},
		{"typo jakcet", "jakcet", []int64{10}},
		{"typo tshrit", "tshrit", []int64{4, 5}},
		{"brand and item", "puma tshirt", []int64{4, 5}},
		{"gender colour item", "men black sneakers", []int64{1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := e.Search(context.Background(), stylegraph.SearchRequest{Query: tt.q})
			if err != nil {
				t.Fatal(err)
			}
			got := ids(res)
			if len(got) < len(tt.first) {
				t.Fatalf("q=%q: hits %v, want %v first", tt.q, got, tt.first)
			}
			top := slices.Clone(got[:len(tt.first)])
			slices.Sort(top)
			if diff := cmp.Diff(tt.first, top); diff != "" {
				t.Errorf("q=%q top hits (-want +got):\n%s\nall hits %v", tt.q, diff, got)
			}
		})
	}
}

func TestSearchMultiSelectFacetsIgnoreTheirOwnFilter(t *testing.T) {
	e := search.NewEngine(shop(t, smallShop()), nil, quiet())
	res, err := e.Search(context.Background(), stylegraph.SearchRequest{Brands: []string{"Puma", "Nike"}, Genders: []string{"Men"}})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]int64{4, 6, 11}, sorted(ids(res))); diff != "" {
		t.Errorf("hits (-want +got):\n%s", diff)
	}
	if res.Total != 3 {
		t.Errorf("total %d, want 3", res.Total)
	}
	// Brand counts ignore the brand filter but honour gender: every men's
	// brand shows, so a shopper can add one.
	wantBrand := []stylegraph.FacetValue{{Value: "Puma", Count: 2}, {Value: "Roadster", Count: 2}, {Value: "Adidas", Count: 1}, {Value: "Nike", Count: 1}, {Value: "Nova", Count: 1}, {Value: "Peter England", Count: 1}}
	if diff := cmp.Diff(sortFacet(wantBrand), sortFacet(res.Facets.Brand)); diff != "" {
		t.Errorf("brand facet (-want +got):\n%s", diff)
	}
	// Gender counts ignore the gender filter but honour the brands.
	wantGender := []stylegraph.FacetValue{{Value: "Men", Count: 3}, {Value: "Women", Count: 2}}
	if diff := cmp.Diff(wantGender, res.Facets.Gender); diff != "" {
		t.Errorf("gender facet (-want +got):\n%s", diff)
	}
	// Colour is not filtered: it counts the hits themselves.
	wantColor := []stylegraph.FacetValue{{Value: "Black", Count: 1}, {Value: "Grey", Count: 1}, {Value: "Red", Count: 1}}
	if diff := cmp.Diff(wantColor, sortFacet(res.Facets.Color)); diff != "" {
		t.Errorf("color facet (-want +got):\n%s", diff)
	}
	var priced int64
	for _, r := range res.Facets.Price {
		priced += r.Count
	}
	if priced != 3 || len(res.Facets.Price) != 6 {
		t.Errorf("price ranges %+v: want 6 ranges counting 3 hits", res.Facets.Price)
	}
}

func TestSearchFiltersCategoryPriceAndSize(t *testing.T) {
	e := search.NewEngine(shop(t, smallShop()), nil, quiet())
	lo, hi := 40.0, 100.0
	tests := []struct {
		name string
		req  stylegraph.SearchRequest
		want []int64
	}{
		{"leaf category", stylegraph.SearchRequest{Categories: []string{"Jeans"}}, []int64{2, 3}},
		{"path prefix", stylegraph.SearchRequest{Categories: []string{"Footwear"}}, []int64{1, 6, 7, 12}},
		{"price range", stylegraph.SearchRequest{PriceMin: &lo, PriceMax: &hi}, []int64{1, 2, 3, 9, 11, 12}},
		{"size", stylegraph.SearchRequest{Sizes: []string{"XL", "38"}}, []int64{7, 8}},
		{"season", stylegraph.SearchRequest{Seasons: []string{"Winter"}}, []int64{9, 10}},
		{"price sort", stylegraph.SearchRequest{Categories: []string{"Footwear"}, Sort: stylegraph.SortPriceAsc}, []int64{7, 1, 12, 6}},
		{"newest", stylegraph.SearchRequest{Brands: []string{"Puma"}, Sort: stylegraph.SortNewest}, []int64{11, 5, 4}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := e.Search(context.Background(), tt.req)
			if err != nil {
				t.Fatal(err)
			}
			got := ids(res)
			if !strings.Contains(tt.name, "sort") && tt.name != "newest" {
				got = sorted(got)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestSearchHighlightsMatchedWords(t *testing.T) {
	e := search.NewEngine(shop(t, smallShop()), nil, quiet())
	res, err := e.Search(context.Background(), stylegraph.SearchRequest{Query: "leather"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Hits) == 0 || res.Hits[0].Product.ID != 1 {
		t.Fatalf("hits %v, want product 1 first", ids(res))
	}
	h := res.Hits[0].Highlight
	want := map[string][]string{
		"title":       {"Nova Men Black <em>Leather</em> Sneakers"},
		"description": {"Soft <em>leather</em> upper with a cushioned sole."},
	}
	if diff := cmp.Diff(want, h); diff != "" {
		t.Errorf("highlight (-want +got):\n%s", diff)
	}
}

func TestSearchSuggestsAndFallsBackWhenNothingMatches(t *testing.T) {
	e := search.NewEngine(shop(t, smallShop()), nil, quiet())
	// A wrong first letter defeats the strict query's fuzzy prefix.
	res, err := e.Search(context.Background(), stylegraph.SearchRequest{Query: "xeans"})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Relaxed {
		t.Errorf("relaxed = false, want the fallback to have run")
	}
	if len(res.Suggestions) == 0 || res.Suggestions[0] != "jeans" {
		t.Errorf("suggestions %q, want jeans first", res.Suggestions)
	}
	if diff := cmp.Diff([]int64{2, 3}, sorted(ids(res))); diff != "" {
		t.Errorf("fallback hits (-want +got):\n%s", diff)
	}

	// A query that matches gets no fallback.
	res, err = e.Search(context.Background(), stylegraph.SearchRequest{Query: "jeans"})
	if err != nil || res.Relaxed {
		t.Errorf("jeans: relaxed=%v err=%v", res.Relaxed, err)
	}
}

func TestSuggestCompletesTitlesBrandsAndCategories(t *testing.T) {
	e := search.NewEngine(shop(t, smallShop()), nil, quiet())
	tests := []struct {
		prefix string
		want   []stylegraph.Suggestion
	}{
		{"nik", []stylegraph.Suggestion{
			{Text: "Nike", Kind: "brand"},
			{Text: "Nike Men Red Running Shoes", Kind: "product", ID: 6},
			{Text: "Nike Women White Flip Flops", Kind: "product", ID: 7},
		}},
		{"puma men gr", []stylegraph.Suggestion{{Text: "Puma Men Grey T-shirt", Kind: "product", ID: 4}}},
		{"jea", []stylegraph.Suggestion{{Text: "Jeans", Kind: "category"}, {Text: "Peter England Men Party Blue Jeans", Kind: "product", ID: 3}}},
	}
	for _, tt := range tests {
		got, err := e.Suggest(context.Background(), tt.prefix, 5)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("suggest %q (-want +got):\n%s", tt.prefix, diff)
		}
	}
	if _, err := e.Suggest(context.Background(), "", 5); stylegraph.ErrorField(err) != "q" {
		t.Errorf("empty prefix: %v, want invalid q", err)
	}
}

func sorted(s []int64) []int64 { s = slices.Clone(s); slices.Sort(s); return s }

func sortFacet(f []stylegraph.FacetValue) []stylegraph.FacetValue {
	f = slices.Clone(f)
	slices.SortFunc(f, func(a, b stylegraph.FacetValue) int {
		if a.Count != b.Count {
			return int(b.Count - a.Count)
		}
		return strings.Compare(a.Value, b.Value)
	})
	return f
}

func TestSearchDoesNotRelaxWhenOnlyFiltersEmptyThePage(t *testing.T) {
	e := search.NewEngine(shop(t, smallShop()), nil, quiet())
	// Jeans exist, but none by Nike: the answer is empty, not other words.
	res, err := e.Search(context.Background(), stylegraph.SearchRequest{Query: "jeans", Brands: []string{"Nike"}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Relaxed || res.Total != 0 || len(res.Hits) != 0 {
		t.Errorf("relaxed=%v total=%d hits=%v, want an empty page", res.Relaxed, res.Total, ids(res))
	}
	// The brand facet still shows where the jeans are.
	if diff := cmp.Diff([]stylegraph.FacetValue{{Value: "Peter England", Count: 1}, {Value: "Seoulstreet", Count: 1}}, res.Facets.Brand); diff != "" {
		t.Errorf("brand facet (-want +got):\n%s", diff)
	}
}
