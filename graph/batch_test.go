package graph_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/graph"
	"github.com/stylegraph/stylegraph/internal/testenv"
)

// A second write keeps the edges to neighbours that stay (new score and
// stamp, no duplicate), drops the others, adds the new ones, and leaves
// another source's edges alone.
func TestWriteSimilarReplacesEachProductsEdges(t *testing.T) {
	g := testenv.Graph(t)
	ctx := context.Background()
	base := testenv.IDBase(t)
	p := func(i int64) int64 { return base + i }
	var ps []stylegraph.Product
	for i := int64(1); i <= 4; i++ {
		ps = append(ps, stylegraph.Product{ID: p(i), Title: "similar test product"})
	}
	if err := g.Catalog.UpsertProducts(ctx, ps); err != nil {
		t.Fatal(err)
	}
	const src = "co-engagement-test"
	t1 := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	t2 := t1.Add(time.Hour)
	write := func(source string, at time.Time, lists ...graph.SimilarList) {
		t.Helper()
		if err := g.Batch.WriteSimilar(ctx, source, lists, at); err != nil {
			t.Fatal(err)
		}
	}
	write(src, t1,
		graph.SimilarList{ProductID: p(1), Neighbours: []graph.Neighbour{{ProductID: p(2), Score: 0.9}, {ProductID: p(3), Score: 0.5}}},
		graph.SimilarList{ProductID: p(2), Neighbours: []graph.Neighbour{{ProductID: p(1), Score: 0.9}}})
	write("other", t1, graph.SimilarList{ProductID: p(1), Neighbours: []graph.Neighbour{{ProductID: p(4), Score: 0.3}}})
	// Twice: the result does not depend on how often it runs.
	for range 2 {
		write(src, t2,
			graph.SimilarList{ProductID: p(1), Neighbours: []graph.Neighbour{{ProductID: p(3), Score: 0.7}, {ProductID: p(4), Score: 0.6}}},
			graph.SimilarList{ProductID: p(2)})
	}
	edges := func(id int64, source string) []graph.Neighbour {
		t.Helper()
		ns, err := g.Batch.SimilarEdges(ctx, id, source)
		if err != nil {
			t.Fatal(err)
		}
		return ns
	}
	for _, c := range []struct {
		id     int64
		source string
		want   []graph.Neighbour
	}{
		{p(1), src, []graph.Neighbour{{ProductID: p(3), Score: 0.7}, {ProductID: p(4), Score: 0.6}}},
		{p(2), src, []graph.Neighbour{}},
		{p(1), "other", []graph.Neighbour{{ProductID: p(4), Score: 0.3}}},
	} {
		if diff := cmp.Diff(c.want, edges(c.id, c.source)); diff != "" {
			t.Errorf("product %d, source %s (-want +got):\n%s", c.id-base, c.source, diff)
		}
	}
	// The kept edge carries the second write's stamp: nothing is stale.
	dropped, err := g.Batch.DropStaleSimilar(ctx, graph.Scope{From: p(1), To: p(4)}, src, t2)
	if err != nil {
		t.Fatal(err)
	}
	if dropped != 0 {
		t.Fatalf("dropped %d edges stamped before the second write, want 0", dropped)
	}
}
