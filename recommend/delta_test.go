package recommend

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/graph"
)

// The delta leaves out what the shopper engaged with, puts the best new
// neighbour just above the list's best item and leads an existing item's
// reasons with the new one.
func TestApplyDelta(t *testing.T) {
	trending := []stylegraph.Reason{{Kind: stylegraph.ReasonTrending, Text: "trending now"}}
	list := []Ranked{
		{ProductID: 1, Score: 2, Reasons: trending},
		{ProductID: 2, Score: 1, rawReasons: []byte(`[{"kind":"trending","text":"trending now"}]`)},
		{ProductID: 3, Score: 0.5, Reasons: trending},
	}
	d := graph.TasteDelta{
		Engaged: []int64{1, 9},
		Candidates: []stylegraph.Candidate{
			{ProductID: 4, Score: 0.8, Because: &stylegraph.ProductRef{ID: 9, Title: "Boots"}},
			{ProductID: 3, Score: 0.4, Because: &stylegraph.ProductRef{ID: 9, Title: "Boots"}},
			{ProductID: 1, Score: 0.3},
		},
	}
	got := applyDelta(list, d)
	because := stylegraph.Reason{Kind: stylegraph.ReasonCollaborative, Text: "because you liked Boots"}
	// The list's best left (product 1, liked): its best is now 2 (score 1).
	want := []Ranked{
		{ProductID: 4, Score: freshBoost * 1, Reasons: []stylegraph.Reason{because}},
		{ProductID: 3, Score: 0.5 + freshBoost*0.5, Reasons: append([]stylegraph.Reason{because}, trending...)},
		{ProductID: 2, Score: 1, Reasons: trending},
	}
	if diff := cmp.Diff(want, got, cmp.Comparer(func(a, b Ranked) bool {
		return a.ProductID == b.ProductID && a.Score == b.Score && cmp.Equal(a.reasons(), b.reasons())
	})); diff != "" {
		t.Fatalf("applyDelta (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]int64{2, 3}, ids(applyDelta(list[1:], graph.TasteDelta{}))); diff != "" {
		t.Errorf("an empty delta changes nothing (-want +got):\n%s", diff)
	}
}

func ids(rs []Ranked) []int64 {
	out := make([]int64, len(rs))
	for i, r := range rs {
		out[i] = r.ProductID
	}
	return out
}
