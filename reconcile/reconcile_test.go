package reconcile_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/graph"
	"github.com/stylegraph/stylegraph/internal/testenv"
	"github.com/stylegraph/stylegraph/reconcile"
)

// Drift as an outage leaves it (a product written to the graph only, a
// document left behind by a delete, a rewrite the index missed) is found,
// repaired, and gone on the next run; products in step are left alone.
func TestSearchIndexDrift(t *testing.T) {
	ctx := context.Background()
	g := testenv.Graph(t)
	ix := testenv.Search(t)
	if err := ix.Migrate(ctx, slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
		t.Fatal(err)
	}
	idb := testenv.IDBase(t)
	scope := graph.Scope{From: idb, To: idb + 999_999}
	at := time.Date(2026, 3, 1, 10, 0, 0, 123456789, time.UTC)
	product := func(i int64, title string) stylegraph.Product {
		return stylegraph.Product{
			ID: idb + i, Title: title, Brand: "Reconcile Brand", CategoryPath: []string{"Apparel", "Topwear", "Shirts"},
			Color: "White", Sizes: []string{"S", "M"}, Price: 20, Currency: "EUR", Tags: []string{"linen", "cotton"},
			Images: []string{"https://img.example/1.jpg"}, CreatedAt: at,
		}
	}
	var ps []stylegraph.Product
	for i := int64(1); i <= 6; i++ {
		ps = append(ps, product(i, "shirt"))
	}
	ps[5].Tags, ps[5].Sizes, ps[5].Images, ps[5].Brand = nil, nil, nil, "" // empty fields are not drift
	if err := g.Catalog.UpsertProducts(ctx, ps); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		for _, p := range ps {
			_, _ = g.Catalog.DeleteProduct(context.Background(), p.ID)
		}
	})
	stale := product(5, "an older title")
	orphan := product(100, "deleted from the graph")
	indexed := []stylegraph.Product{ps[0], ps[1], ps[2], stale, ps[5], orphan} // product 4 is missing
	if rep, err := ix.IndexProducts(ctx, indexed); err != nil || len(rep.Failed) > 0 {
		t.Fatalf("index: %v %+v", err, rep)
	}
	if err := ix.Refresh(ctx); err != nil {
		t.Fatal(err)
	}

	run := func(dry bool) reconcile.Report {
		t.Helper()
		rep, err := reconcile.SearchIndex(ctx, g.Catalog, ix, reconcile.Options{Scope: scope, Batch: 4, DryRun: dry})
		if err != nil {
			t.Fatal(err)
		}
		if err := ix.Refresh(ctx); err != nil {
			t.Fatal(err)
		}
		t.Log(rep)
		return rep
	}
	ignore := cmpopts.IgnoreFields(reconcile.Report{}, "Took")
	want := reconcile.Report{Products: 6, Documents: 6, Missing: 1, Stale: 1, Orphaned: 1, Examples: []int64{idb + 4, idb + 5, idb + 100}}
	if diff := cmp.Diff(want, run(true), ignore); diff != "" {
		t.Errorf("dry run (-want +got):\n%s", diff)
	}
	want.Repaired = 3
	if diff := cmp.Diff(want, run(false), ignore); diff != "" {
		t.Errorf("repair (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(reconcile.Report{Products: 6, Documents: 6}, run(false), ignore); diff != "" {
		t.Errorf("after the repair (-want +got):\n%s", diff)
	}
	docs, err := ix.Products(ctx, []int64{idb + 4, idb + 5, idb + 100})
	if err != nil {
		t.Fatal(err)
	}
	got := map[int64]string{}
	for id, p := range docs {
		got[id] = p.Title
	}
	if diff := cmp.Diff(map[int64]string{idb + 4: "shirt", idb + 5: "shirt"}, got); diff != "" {
		t.Errorf("index titles after the repair (-want +got):\n%s", diff)
	}
}
