package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/internal/testenv"
	"github.com/stylegraph/stylegraph/search"
)

// `stylegraph reconcile` as an operator runs it after an outage: the dry run
// reports the product the index missed and exits non-zero, the run repairs
// it, and the next dry run finds nothing.
func TestReconcileCommand(t *testing.T) {
	ctx := context.Background()
	cfg := testenv.Config(t)
	prefix := fmt.Sprintf("reconcile-cmd-%d", time.Now().UnixNano()%1e9)
	t.Setenv("SEARCH_INDEX_PREFIX", prefix)
	ix, err := search.Open(cfg.OpenSearchURL, cfg.OpenSearchUser, cfg.OpenSearchPassword, prefix)
	if err != nil {
		t.Fatal(err)
	}
	if err := ix.Migrate(ctx, slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ix.DropPrefix(context.Background()) })
	g := testenv.Graph(t)
	id := testenv.IDBase(t) + 1
	if err := g.Catalog.UpsertProducts(ctx, []stylegraph.Product{{ID: id, Title: "graph only", Price: 1, Currency: "EUR"}}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _, _ = g.Catalog.DeleteProduct(context.Background(), id) })

	// A feed object of the test's own whose post is not in the graph (its
	// delete never buried it), under a feed prefix of the test's own.
	feedPrefix := testenv.Namespace(t) + "feed:"
	t.Setenv("FEED_KEY_PREFIX", feedPrefix)
	rdb := testenv.Redis(t)
	t.Cleanup(func() { testenv.DropKeys(rdb, feedPrefix) })
	if err := rdb.Set(ctx, fmt.Sprintf("%sitem:%d", feedPrefix, id), fmt.Sprintf(`{"ID":%d,"user":{"ID":%d}}`, id, id), time.Hour).Err(); err != nil {
		t.Fatal(err)
	}

	scope := []string{"--from", fmt.Sprint(id), "--to", fmt.Sprint(id + 10)}
	reconcileCmd := func(extra ...string) (string, error) {
		var out bytes.Buffer
		err := run(ctx, append(append([]string{"reconcile"}, extra...), scope...), &out, io.Discard)
		return out.String(), err
	}
	if out, err := reconcileCmd("--dry-run"); !errors.Is(err, errDrift) || !strings.Contains(out, "1 missing") || !strings.Contains(out, "1 of deleted posts still shown") {
		t.Fatalf("dry run = %v\n%s; want drift with 1 missing product and 1 deleted post's feed object", err, out)
	}
	if out, err := reconcileCmd(); err != nil || strings.Count(out, "1 repaired") != 2 {
		t.Fatalf("run = %v\n%s; want 1 repaired in the index and 1 in the feed objects", err, out)
	}
	if err := ix.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	if out, err := reconcileCmd("--dry-run"); err != nil || !strings.Contains(out, "0 missing, 0 stale, 0 orphaned") || !strings.Contains(out, "0 stale (counts, likes, comments or text), 0 of deleted") {
		t.Fatalf("dry run after the repair = %v\n%s; want no drift", err, out)
	}
	if _, err := reconcileCmd("--batch", "0"); err == nil || !strings.Contains(err.Error(), "--batch") {
		t.Errorf("--batch 0 = %v, want an error naming --batch", err)
	}
}
