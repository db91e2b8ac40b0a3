package search_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/internal/testenv"
	"github.com/stylegraph/stylegraph/search"
)

// Saved suggestions are found by the start of any of their words, brands
// and categories first, each text once; past its cap the set starts over.
func TestSavedSuggestions(t *testing.T) {
	ctx := context.Background()
	rdb := testenv.Redis(t)
	key := testenv.Namespace(t) + "suggest"
	t.Cleanup(func() { rdb.Del(ctx, key) })
	s := search.NewSavedSuggestions(rdb, key, 12, nil)
	shirt := stylegraph.Suggestion{Text: "Blue Linen-Shirt", Kind: "product", ID: 7}
	linen := stylegraph.Suggestion{Text: "Linen", Kind: "category"}
	lino := stylegraph.Suggestion{Text: "Lino & Co", Kind: "brand"}
	if err := s.Save(ctx, []stylegraph.Suggestion{shirt, linen, lino, {Text: "linen", Kind: "product", ID: 8}}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		q     string
		limit int
		want  []stylegraph.Suggestion
	}{
		{"lin", 8, []stylegraph.Suggestion{lino, linen, shirt}}, // "linen" the product repeats the category's text
		{"lin", 2, []stylegraph.Suggestion{lino, linen}},
		{"  LINEN  sh", 8, []stylegraph.Suggestion{shirt}},
		{"blue linen shirt", 8, []stylegraph.Suggestion{shirt}},
		{"shirt", 8, []stylegraph.Suggestion{shirt}},
		{"coat", 8, []stylegraph.Suggestion{}},
		{"!!", 8, []stylegraph.Suggestion{}},
	} {
		got, err := s.Suggest(ctx, tc.q, tc.limit)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("Suggest(%q, %d) (-want +got):\n%s", tc.q, tc.limit, diff)
		}
	}
	// 3 + 1 + 3 + 1 members now; 6 more pass the cap of 12.
	coat := stylegraph.Suggestion{Text: "one two three four five six seven", Kind: "product", ID: 9}
	if err := s.Save(ctx, []stylegraph.Suggestion{coat}); err != nil {
		t.Fatal(err)
	}
	if n := rdb.ZCard(ctx, key).Val(); n != 6 {
		t.Errorf("after passing the cap the set holds %d members, want the new entry's 6 (its first words)", n)
	}
	if got, _ := s.Suggest(ctx, "seven", 8); len(got) != 0 {
		t.Errorf("found by its 7th word: %v", got)
	}
	if got, _ := s.Suggest(ctx, "six", 8); !cmp.Equal(got, []stylegraph.Suggestion{coat}) {
		t.Errorf("Suggest(six) = %v, want the entry", got)
	}
}
