package graph_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/graph"
	"github.com/stylegraph/stylegraph/internal/testenv"
)

// maxDBHits is what one recommendation query may cost with the default
// budget, however large the nodes it starts from. Without the budget the
// super-node graph below costs hundreds of thousands (20,000 likers of one
// product, each with their own likes; 5,000 followees).
const maxDBHits = 25_000

// TestRecommendationQueriesStayWithinBudgetOnSuperNodes profiles every
// recommendation query for a shopper who liked a product 20,000 others liked,
// follows 5,000 shoppers and a brand of 2,000 products, and is interested in
// a tag on 2,000 products.
func TestRecommendationQueriesStayWithinBudgetOnSuperNodes(t *testing.T) {
	g := testenv.Graph(t)
	base := testenv.IDBase(t)
	now := time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, 31*int(base/1_000_000))
	ctx := context.Background()
	graph.LoadFixture(t, g.DB, "supernode.cypher", map[string]any{"base": base, "now": now})
	if _, err := g.Recs.RefreshTopProducts(ctx, graph.TopScope{Tags: []string{fmt.Sprint("super-", base)}, Brands: []int64{base + 7}}, now); err != nil {
		t.Fatal(err)
	}
	hits := map[string]int64{}
	pg := graph.NewRecStore(graph.Profiled(g.DB, hits))
	me, hub := base+1, base+500001
	p := stylegraph.RecParams{Now: now, Limit: 150}
	found := map[string]int{}
	run := func(name string, f func() ([]stylegraph.Candidate, error)) {
		t.Helper()
		cs, err := f()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		found[name] = len(cs)
	}
	run("rec_item_based", func() ([]stylegraph.Candidate, error) { return pg.ItemBased(ctx, me, p) })
	run("rec_collaborative", func() ([]stylegraph.Candidate, error) { return pg.Collaborative(ctx, me, p) })
	run("rec_social", func() ([]stylegraph.Candidate, error) { return pg.Social(ctx, me, p) })
	run("rec_interest", func() ([]stylegraph.Candidate, error) { return pg.Interest(ctx, me, p) })
	run("rec_similar", func() ([]stylegraph.Candidate, error) { return pg.Similar(ctx, hub, 150) })
	// The online delta over a stored list, at its widest: every recent
	// engagement a seed (a cold shopper).
	run("rec_delta", func() ([]stylegraph.Candidate, error) {
		d, err := pg.TasteSince(ctx, me, time.Time{}, p)
		if err == nil && len(d.Engaged) == 0 {
			err = fmt.Errorf("no engagements returned")
		}
		return d.Candidates, err
	})
	// A shopper without a stored list: the delta from the epoch plus the
	// followees' likes and purchases, in one query.
	run("rec_cold", func() ([]stylegraph.Candidate, error) {
		c, err := pg.ColdStart(ctx, me, p)
		if err == nil && (len(c.Engaged) == 0 || len(c.Candidates) == 0) {
			err = fmt.Errorf("engaged %d, neighbour candidates %d", len(c.Engaged), len(c.Candidates))
		}
		return c.Social, err
	})
	ids := make([]int64, 150)
	for i := range ids {
		ids[i] = hub + int64(i)
	}
	if _, err := pg.Cards(ctx, 0, ids); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"rec_item_based", "rec_collaborative", "rec_social", "rec_interest", "rec_similar", "rec_products", "rec_delta", "rec_cold"} {
		t.Logf("%-18s %6d db hits, %d candidates", name, hits[name], found[name])
		if hits[name] == 0 {
			t.Errorf("%s: no profile recorded", name)
		}
		if hits[name] > maxDBHits {
			t.Errorf("%s: %d db hits, budget %d", name, hits[name], maxDBHits)
		}
	}
	// The budget still finds candidates in every source.
	for _, name := range []string{"rec_item_based", "rec_collaborative", "rec_social", "rec_interest", "rec_similar", "rec_delta", "rec_cold"} {
		if found[name] == 0 {
			t.Errorf("%s found nothing", name)
		}
	}
}
