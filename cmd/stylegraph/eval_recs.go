package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/stylegraph/stylegraph/internal/wiring"
	"github.com/stylegraph/stylegraph/receval"
)

// runEvalRecs is `stylegraph eval recs`.
func runEvalRecs(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("eval recs", flag.ContinueOnError)
	fs.SetOutput(stderr)
	data := fs.String("data", filepath.Join(datasetsDir(), "movielens-100k"), "MovieLens-100K folder")
	folds := fs.String("folds", "u1,u2,u3,u4,u5", "official splits to run")
	users := fs.Int("users", 0, "test users per fold (0: all)")
	workers := fs.Int("workers", 2, "users ranked in parallel")
	topK := fs.Int("top-k", 50, "similar movies kept per movie")
	minCommon := fs.Int("min-common", 2, "users two movies must share to be similar")
	halfLife := fs.Duration("half-life", 0, "recency half-life of engagement (default RECS_HALF_LIFE)")
	neighbours := fs.Int("neighbours", 0, "similar users live collaborative reads (default 50)")
	damping := fs.Float64("damping", 0, "live collaborative's popularity exponent (default 0.2)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var names []string
	for _, f := range strings.Split(*folds, ",") {
		f = strings.TrimSpace(f)
		switch f {
		case "u1", "u2", "u3", "u4", "u5":
			names = append(names, f)
		default:
			return fmt.Errorf("--folds: %q is not one of u1..u5", f)
		}
	}
	if *users < 0 || *workers < 1 || *workers > 16 || *topK < 1 || *minCommon < 1 {
		return fmt.Errorf("--users >= 0, --workers 1..16, --top-k >= 1 and --min-common >= 1")
	}
	ds, err := receval.Load(*data, names)
	if err != nil {
		return fmt.Errorf("%w (set STYLEGRAPH_DATASETS or --data)", err)
	}
	d, err := wiring.Load(ctx, stderr)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Graph.Migrate(ctx, d.Log); err != nil {
		return err
	}
	blend := d.RecsConfig()
	if *halfLife > 0 {
		blend.HalfLife = *halfLife
	}
	res, err := receval.Run(ctx, d.Graph, ds, receval.Config{
		Users: *users, Workers: *workers, TopK: *topK, MinCommon: *minCommon, Damping: *damping, Neighbours: *neighbours,
		Blend: blend, Progress: stdout,
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "blend weights: %v\n", d.Cfg.Recs.Weights)
	res.Write(stdout, 10)
	return nil
}
