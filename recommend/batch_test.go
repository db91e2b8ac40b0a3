package recommend

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/stylegraph/stylegraph/graph"
	"github.com/stylegraph/stylegraph/internal/testenv"
)

func TestSimilarityCosineTopK(t *testing.T) {
	s := NewSimilarity()
	for _, b := range [][]int64{{1, 2}, {1, 2, 3}, {2, 3}, {4, 5}, {4}} {
		s.Add(b)
	}
	got := s.TopK(2, 1)
	want := []graph.SimilarList{
		{ProductID: 1, Neighbours: []graph.Neighbour{nb(2, 2/math.Sqrt(2*3)), nb(3, 1/math.Sqrt(2*2))}},
		{ProductID: 2, Neighbours: []graph.Neighbour{nb(1, 2/math.Sqrt(3*2)), nb(3, 2/math.Sqrt(3*2))}},
		{ProductID: 3, Neighbours: []graph.Neighbour{nb(2, 2/math.Sqrt(2*3)), nb(1, 1/math.Sqrt(2*2))}},
		{ProductID: 4, Neighbours: []graph.Neighbour{nb(5, 1/math.Sqrt(2*1))}},
		{ProductID: 5, Neighbours: []graph.Neighbour{nb(4, 1/math.Sqrt(1*2))}},
	}
	if diff := cmp.Diff(want, got, cmpopts.EquateApprox(0, 1e-12)); diff != "" {
		t.Fatalf("top-2 (-want +got):\n%s", diff)
	}
	// Requiring two shared users leaves 4 and 5 without neighbours.
	got = s.TopK(5, 2)
	if len(got[3].Neighbours) != 0 || len(got[0].Neighbours) != 1 {
		t.Fatalf("min common 2: %+v", got)
	}
}

func TestRecomputeIsIdempotentAndFeedsTheOnlinePath(t *testing.T) {
	w := newWorld(t, 4)
	ctx := context.Background()
	w.products(map[int][2]string{1: {}, 2: {}, 3: {}, 4: {}, 5: {}})
	day := 24 * time.Hour
	for _, e := range [][2]int{{1, 1}, {1, 2}, {2, 1}, {2, 2}, {2, 3}, {3, 2}, {3, 3}, {4, 4}, {4, 5}} {
		w.engage(e[0], e[1], graph.EngageLike, day)
	}
	cache := NewCache(testenv.Redis(t), testenv.Namespace(t), time.Hour)
	cfg := config(map[string]float64{"collaborative": 1})
	svc := w.service(cfg, cache)
	var progress strings.Builder
	job := &Job{
		Graph: w.g, Service: svc, Cache: cache, Scope: graph.Scope{From: w.base, To: w.base + 999_999},
		TopK: 2, MinCommon: 1, Progress: &progress, now: func() time.Time { return w.now },
	}
	rep, err := job.Run(ctx)
	if err != nil {
		t.Fatal(err)
	}
	wantRep := Report{Users: 4, Products: 5, Edges: 8, Lists: 4}
	if diff := cmp.Diff(wantRep, rep, cmpopts.IgnoreFields(Report{}, "Took")); diff != "" {
		t.Fatalf("first run (-want +got):\n%s", diff)
	}
	if !strings.Contains(progress.String(), "lists: 4/4 shoppers") {
		t.Fatalf("progress:\n%s", progress.String())
	}
	edges := func() [][]graph.Neighbour {
		t.Helper()
		var out [][]graph.Neighbour
		for p := 1; p <= 5; p++ {
			ns, err := w.g.SimilarEdges(ctx, w.product(p), SimilaritySource)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, ns)
		}
		return out
	}
	first := edges()
	wantP1 := []graph.Neighbour{nb(w.product(2), 2/math.Sqrt(2*3)), nb(w.product(3), 1/math.Sqrt(2*2))}
	if diff := cmp.Diff(wantP1, first[0], cmpopts.EquateApprox(0, 1e-9)); diff != "" {
		t.Fatalf("SIMILAR of product 1 (-want +got):\n%s", diff)
	}

	// The online path: shopper 1 gets product 3 from the item-based source,
	// with the liked product that led to it.
	live, err := svc.RecommendFor(ctx, Request{UserID: w.user(1), Limit: 5, Live: true})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]item{{3, "collaborative"}}, w.items(live)); diff != "" {
		t.Fatalf("live (-want +got):\n%s", diff)
	}
	if got := live[0].Reasons[0].Text; got != "because you liked Product 2" {
		t.Fatalf("reason = %q", got)
	}

	// A new like changes the live answer, but the stored list answers until
	// it expires or the job runs again.
	w.engage(3, 4, graph.EngageLike, day)
	w.engage(1, 3, graph.EngageLike, time.Hour)
	cached, err := svc.RecommendFor(ctx, Request{UserID: w.user(1), Limit: 5})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]item{{3, "collaborative"}}, w.items(cached)); diff != "" {
		t.Fatalf("from the stored list (-want +got):\n%s", diff)
	}

	// Running again picks the changes up; a further run over the same graph
	// writes the same edges.
	if err := w.g.Hide(ctx, w.user(1), w.product(3), w.now); err != nil { // hides apply to stored lists at once
		t.Fatal(err)
	}
	if _, err := job.Run(ctx); err != nil {
		t.Fatal(err)
	}
	rep, err = job.Run(ctx)
	if err != nil {
		t.Fatal(err)
	}
	second := edges()
	third := edges()
	if diff := cmp.Diff(second, third); diff != "" {
		t.Fatalf("edges changed between identical runs (-want +got):\n%s", diff)
	}
	if rep.Dropped != 0 || rep.Edges != countEdges(third) {
		t.Fatalf("second identical run: %+v, %d edges stored", rep, countEdges(third))
	}
	cached, err = svc.RecommendFor(ctx, Request{UserID: w.user(1), Limit: 5})
	if err != nil {
		t.Fatal(err)
	}
	// Shopper 3 now liked 2, 3 and 4, so 4 neighbours what shopper 1 liked;
	// 3 is hidden.
	if diff := cmp.Diff([]item{{4, "collaborative"}}, w.items(cached)); diff != "" {
		t.Fatalf("after the next run (-want +got):\n%s", diff)
	}

	// Two runs never overlap.
	unlock, err := cache.lock(ctx, job.Scope, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := job.Run(ctx); !errors.Is(err, ErrLocked) {
		t.Fatalf("run while locked: %v", err)
	}
	unlock()
}

func countEdges(ls [][]graph.Neighbour) int {
	n := 0
	for _, l := range ls {
		n += len(l)
	}
	return n
}

func nb(id int64, score float64) graph.Neighbour { return graph.Neighbour{ProductID: id, Score: score} }
