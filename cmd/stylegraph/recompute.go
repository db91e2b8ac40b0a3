package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/stylegraph/stylegraph/graph"
	"github.com/stylegraph/stylegraph/internal/wiring"
	"github.com/stylegraph/stylegraph/recommend"
)

// runRecompute is the offline recommendation job; safe to run from cron: a
// run that finds another one running exits 0 after saying so.
func runRecompute(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("recompute", flag.ContinueOnError)
	fs.SetOutput(stderr)
	topK := fs.Int("top-k", 50, "similar products kept per product")
	minCommon := fs.Int("min-common", 2, "shoppers two products must share to be similar")
	active := fs.Duration("active", 30*24*time.Hour, "shoppers who engaged within this get a precomputed list")
	skipLists := fs.Bool("skip-lists", false, "only recompute item similarity")
	from := fs.Int64("from-id", 0, "first user/product ID in scope (0 with --to-id 0: everything)")
	to := fs.Int64("to-id", 0, "last user/product ID in scope")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *topK < 1 || *topK > 500 {
		return fmt.Errorf("--top-k must be between 1 and 500")
	}
	if *minCommon < 1 {
		return fmt.Errorf("--min-common must be at least 1")
	}
	if *from < 0 || *to < *from {
		return fmt.Errorf("--from-id and --to-id must satisfy 0 <= from <= to")
	}
	d, err := wiring.Load(ctx, stderr)
	if err != nil {
		return err
	}
	defer d.Close()
	job := &recommend.Job{
		Graph: d.Graph, Cache: d.RecsCache(), Scope: graph.Scope{From: *from, To: *to},
		TopK: *topK, MinCommon: *minCommon, ActiveWindow: *active, Progress: stdout,
	}
	if !*skipLists {
		job.Service = d.Recommender()
	}
	rep, err := job.Run(ctx)
	if errors.Is(err, recommend.ErrLocked) {
		fmt.Fprintln(stdout, "recompute: another run holds the lock; nothing to do")
		return nil
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "recompute: %d shoppers read, %d products, %d SIMILAR edges (%d stale dropped), %d lists stored in %s\n",
		rep.Users, rep.Products, rep.Edges, rep.Dropped, rep.Lists, rep.Took.Round(time.Millisecond))
	return nil
}
