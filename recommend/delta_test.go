package recommend

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/graph"
	"github.com/stylegraph/stylegraph/internal/testenv"
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

// A shopper without a stored list is ranked by one query that brings both
// the neighbours of their likes and what the people they follow liked or
// bought, named in the reason, without what they engaged with themselves.
func TestColdShopperGetsFolloweesActionsFromOneQuery(t *testing.T) {
	w := newWorld(t, 2)
	ctx := context.Background()
	w.products(map[int][2]string{1: {}, 2: {}, 3: {}, 4: {}})
	err := w.G.Batch.WriteSimilar(ctx, SimilaritySource, []graph.SimilarList{
		{ProductID: w.Product(3), Neighbours: []graph.Neighbour{{ProductID: w.Product(4), Score: 0.9}}},
	}, w.Now)
	if err != nil {
		t.Fatal(err)
	}
	w.Follow(1, 2)
	w.Engage(2, 1, graph.EngageLike, time.Hour)
	w.Engage(2, 2, graph.EngagePurchase, time.Hour)
	w.Engage(2, 3, graph.EngageLike, time.Hour) // the shopper likes it too: left out
	w.Engage(1, 3, graph.EngageLike, time.Hour)
	cfg := config(map[string]float64{"collaborative": 1, "social": 1})
	cfg.ColdBlend = false
	s := w.service(cfg, NewCache(testenv.Redis(t), testenv.Namespace(t), time.Minute))
	recs, err := s.RecommendFor(ctx, Request{UserID: w.User(1), Limit: 5, Unserved: true})
	if err != nil {
		t.Fatal(err)
	}
	// Bought weighs twice a like; the best of each source scores 1, ties
	// go by product ID.
	if diff := cmp.Diff([]item{{2, "social"}, {4, "collaborative"}, {1, "social"}}, w.items(recs)); diff != "" {
		t.Fatalf("cold shopper (-want +got):\n%s", diff)
	}
	want := stylegraph.Reason{Kind: "social", Text: "liked by Shopper 2", Via: []stylegraph.User{{ID: w.User(2), Name: "Shopper 2"}}}
	if diff := cmp.Diff(want, recs[2].Reasons[0]); diff != "" {
		t.Errorf("social reason (-want +got):\n%s", diff)
	}
}
