package recommend

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/graph"
)

// pagedGraph is a BatchGraph in memory that hands out at most two products
// or users a page, so the job's paging is exercised on a handful of each.
type pagedGraph struct {
	products []stylegraph.ProductRef
	users    []graph.BatchUser
	written  []graph.SimilarList
	dropped  time.Time
}

func (g *pagedGraph) CountUsers(context.Context, graph.Scope) (int, error) { return len(g.users), nil }

func (g *pagedGraph) BatchProducts(_ context.Context, _ graph.Scope, after int64, n int) ([]stylegraph.ProductRef, error) {
	return page(g.products, after, min(n, 2), func(p stylegraph.ProductRef) int64 { return p.ID }), nil
}

func (g *pagedGraph) BatchUsers(_ context.Context, _ graph.Scope, after int64, n int) ([]graph.BatchUser, error) {
	return page(g.users, after, min(n, 2), func(u graph.BatchUser) int64 { return u.ID }), nil
}

func page[T any](all []T, after int64, n int, id func(T) int64) []T {
	var out []T
	for _, v := range all {
		if id(v) > after && len(out) < n {
			out = append(out, v)
		}
	}
	return out
}

func (g *pagedGraph) WriteSimilar(_ context.Context, _ string, lists []graph.SimilarList, _ time.Time) error {
	g.written = append(g.written, lists...)
	return nil
}

func (g *pagedGraph) DropStaleSimilar(_ context.Context, _ graph.Scope, _ string, before time.Time) (int, error) {
	g.dropped = before
	return 7, nil
}

func (g *pagedGraph) RefreshTopProducts(context.Context, graph.TopScope, time.Time) (int, error) {
	return 0, nil
}

func (g *pagedGraph) Cards(context.Context, int64, []int64) (map[int64]graph.Card, error) {
	return nil, nil
}

// TestReadBuildsTheSnapshotPageByPage checks, without services, what the
// job makes of the graph's pages: products and users in dense order,
// engagements weighted by kind (unknown kinds and products outside the
// read dropped), hides kept apart, each shopper's latest engagement, and
// follows of users who were read.
func TestReadBuildsTheSnapshotPageByPage(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2026, 1, d, 0, 0, 0, 0, time.UTC) }
	g := &pagedGraph{
		products: []stylegraph.ProductRef{{ID: 10, Title: "a"}, {ID: 20, Title: "b"}, {ID: 30, Title: "c"}},
		users: []graph.BatchUser{
			{ID: 1, Name: "one", Follows: []int64{2, 99}, Engaged: []graph.Engaged{
				{ProductID: 10, Kind: "LIKED", At: day(3)}, {ProductID: 20, Kind: "VIEWED", At: day(5)},
				{ProductID: 30, Kind: "HID", At: day(9)}, {ProductID: 40, Kind: "LIKED", At: day(9)},
			}},
			{ID: 2, Name: "two", Engaged: []graph.Engaged{{ProductID: 30, Kind: "CARTED", At: day(2)}, {ProductID: 10, Kind: "POSTED", At: day(8)}}},
			{ID: 5, Name: "five", Follows: []int64{1, 2}},
		},
	}
	j := &Job{Graph: g}
	j.defaults()
	var rep Report
	s, err := j.read(context.Background(), &rep)
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		Items   []int32
		Weights []float32
	}
	rows := make([]row, len(s.users))
	for u := range s.users {
		items, ws, _ := s.m.Row(u)
		rows[u] = row{items, ws}
	}
	got := map[string]any{
		"users": s.users, "names": s.names, "item": s.item, "rows": rows,
		"hidden": s.hidden, "last": s.last, "follows": s.follows,
		"report": [3]int{rep.Users, rep.Products, rep.Interactions},
	}
	want := map[string]any{
		"users": []int64{1, 2, 5}, "names": []string{"one", "two", "five"},
		"item":   map[int64]int32{10: 0, 20: 1, 30: 2},
		"rows":   []row{{[]int32{0, 1}, []float32{1, 0.3}}, {[]int32{2}, []float32{0.7}}, {[]int32{}, []float32{}}},
		"hidden": [][]int32{{2}, nil, nil}, "last": []int64{day(5).Unix(), day(2).Unix(), 0},
		"follows": [][]int32{{1}, nil, {0, 1}},
		"report":  [3]int{3, 3, 3},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("snapshot (-want +got):\n%s", diff)
	}
}

// TestSimilarityWritesTopKOfEveryProduct checks the neighbour step against
// the in-memory graph: every product gets a list of at most TopK real
// products, the edges are counted, and the stale ones dropped before the
// run's stamp.
func TestSimilarityWritesTopKOfEveryProduct(t *testing.T) {
	g := &pagedGraph{products: []stylegraph.ProductRef{{ID: 10}, {ID: 20}, {ID: 30}, {ID: 40}}}
	for u := int64(1); u <= 4; u++ {
		var es []graph.Engaged
		for _, p := range []int64{10, 20, 30, 40} {
			if p != 10*u {
				es = append(es, graph.Engaged{ProductID: p, Kind: "LIKED", At: time.Unix(1, 0)})
			}
		}
		g.users = append(g.users, graph.BatchUser{ID: u, Engaged: es})
	}
	at := time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC)
	j := &Job{Graph: g, TopK: 2}
	rep, err := j.Similarity(context.Background(), at)
	if err != nil {
		t.Fatal(err)
	}
	edges := 0
	var ids []int64
	for _, l := range g.written {
		ids = append(ids, l.ProductID)
		if len(l.Neighbours) != 2 {
			t.Errorf("product %d: %d neighbours, want TopK 2", l.ProductID, len(l.Neighbours))
		}
		for _, n := range l.Neighbours {
			if n.ProductID == l.ProductID || n.ProductID%10 != 0 || n.ProductID > 40 {
				t.Errorf("product %d: neighbour %d is not another product", l.ProductID, n.ProductID)
			}
		}
		edges += len(l.Neighbours)
	}
	if diff := cmp.Diff([]int64{10, 20, 30, 40}, ids); diff != "" {
		t.Errorf("products written (-want +got):\n%s", diff)
	}
	if rep.Edges != edges || rep.Dropped != 7 || !g.dropped.Equal(at) {
		t.Errorf("report: %d edges (wrote %d), %d dropped (want 7) before %v (want %v)", rep.Edges, edges, rep.Dropped, g.dropped, at)
	}
}
