package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/stylegraph/stylegraph/feeds"
	"github.com/stylegraph/stylegraph/graph"
	"github.com/stylegraph/stylegraph/internal/wiring"
	"github.com/stylegraph/stylegraph/reconcile"
)

// errDrift makes `reconcile --dry-run` exit non-zero when it finds drift, so
// a cron job or a runbook step can tell.
var errDrift = errors.New("drift found")

func runReconcile(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flags("reconcile", stderr)
	dry := fs.Bool("dry-run", false, "report drift without repairing it (exit status 1 when there is some)")
	batch := fs.Int("batch", 500, "products or feed objects compared per round trip")
	from := fs.Int64("from", 0, "lowest product ID to look at (with --to; default all)")
	to := fs.Int64("to", 0, "highest product ID to look at")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *batch < 1 || *batch > 10_000 {
		return fmt.Errorf("--batch %d: must be between 1 and 10000", *batch)
	}
	if *from < 0 || *to < *from {
		return fmt.Errorf("--from %d --to %d: want 0 <= from <= to", *from, *to)
	}
	d, err := open(ctx, stderr, noSchemas)
	if err != nil {
		return err
	}
	defer d.Close()
	rep, err := reconcile.SearchIndex(ctx, d.Graph.Catalog, d.Search, reconcile.Options{
		Scope: graph.Scope{From: *from, To: *to}, Batch: *batch, DryRun: *dry,
		Progress: func(r reconcile.Report) {
			if (r.Products+r.Documents)%(20*(*batch)) == 0 {
				d.Log.Info("reconcile progress", "products", r.Products, "documents", r.Documents, "drift", r.Drift())
			}
		},
	})
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, rep)
	if len(rep.Examples) > 0 {
		fmt.Fprintf(stdout, "drifted product IDs (first %d): %v\n", len(rep.Examples), rep.Examples)
	}
	// Reading and repairing objects creates nothing: no ID generator, no
	// activity.
	fd := feeds.New(wiring.FeedGraph(d.Graph), d.Redis, nil, nil, d.FeedConfig(), d.Log)
	defer fd.Close()
	frep, err := reconcile.FeedObjects(ctx, fd, reconcile.Options{Batch: *batch, DryRun: *dry})
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, frep)
	if len(frep.Examples) > 0 {
		fmt.Fprintf(stdout, "drifted feed IDs (first %d): %v\n", len(frep.Examples), frep.Examples)
	}
	if *dry && rep.Drift()+frep.Drift() > 0 {
		return errDrift
	}
	return nil
}
