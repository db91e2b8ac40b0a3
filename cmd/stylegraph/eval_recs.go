package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"github.com/stylegraph/stylegraph/internal/wiring"
	"github.com/stylegraph/stylegraph/learn"
	"github.com/stylegraph/stylegraph/receval"
)

// runEvalRecs is `stylegraph eval recs`: the offline models, their learned
// blend and the baselines on MovieLens-100K and FilmTrust, in memory; with
// --live also the graph recommenders on MovieLens in the same folds.
func runEvalRecs(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("eval recs", flag.ContinueOnError)
	fs.SetOutput(stderr)
	data := fs.String("data", filepath.Join(datasetsDir(), "movielens-100k"), "MovieLens-100K folder")
	ftData := fs.String("filmtrust", filepath.Join(datasetsDir(), "filmtrust"), "FilmTrust folder")
	sets := fs.String("datasets", "movielens,filmtrust", "data sets to evaluate")
	folds := fs.String("folds", "u1,u2,u3,u4,u5", "official MovieLens splits to run")
	ftFolds := fs.Int("filmtrust-folds", 5, "random train/test folds of FilmTrust (seed fixed)")
	users := fs.Int("users", 0, "test users per fold (0: all)")
	workers := fs.Int("workers", 2, "parallel workers")
	valUsers := fs.Int("validation-users", 0, "users scored on the validation split (0: all)")
	live := fs.Bool("live", false, "also evaluate the graph recommenders (Neo4j) on MovieLens, in the same folds")
	topK := fs.Int("top-k", 50, "similar movies kept per movie (--live)")
	halfLife := fs.Duration("half-life", 0, "recency half-life of engagement (--live; default RECS_HALF_LIFE)")
	neighbours := fs.Int("neighbours", 0, "similar users live collaborative reads (--live; default 50)")
	damping := fs.Float64("damping", 0, "live collaborative's popularity exponent (--live; default 0.2)")
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
	want := map[string]bool{}
	for _, s := range strings.Split(*sets, ",") {
		s = strings.TrimSpace(s)
		if s != "movielens" && s != "filmtrust" {
			return fmt.Errorf("--datasets: %q is not movielens or filmtrust", s)
		}
		want[s] = true
	}
	if *users < 0 || *workers < 1 || *workers > 16 || *topK < 1 || *ftFolds < 2 || *ftFolds > 10 || *valUsers < 0 {
		return fmt.Errorf("--users >= 0, --workers 1..16, --top-k >= 1, --filmtrust-folds 2..10 and --validation-users >= 0")
	}
	lc := learn.DefaultConfig()
	lc.Workers, lc.ValidationUsers, lc.Seed = *workers, *valUsers, 1
	cfg := receval.OfflineConfig{Users: *users, Learn: lc, Progress: stdout}
	if want["movielens"] {
		ds, err := receval.Load(*data, names)
		if err != nil {
			return fmt.Errorf("%w (set STYLEGRAPH_DATASETS or --data)", err)
		}
		res, err := receval.Offline(ds, cfg)
		if err != nil {
			return err
		}
		if *live {
			lr, err := evalLive(ctx, ds, receval.Config{
				Users: *users, Workers: *workers, TopK: *topK, Damping: *damping, Neighbours: *neighbours, Progress: stdout,
			}, *halfLife, stdout, stderr)
			if err != nil {
				return err
			}
			res.Merge(lr)
		}
		res.Write(stdout, 10)
	}
	if want["filmtrust"] {
		ds, err := receval.LoadFilmTrust(*ftData, *ftFolds)
		if err != nil {
			return fmt.Errorf("%w (set STYLEGRAPH_DATASETS or --filmtrust)", err)
		}
		res, err := receval.Offline(ds, cfg)
		if err != nil {
			return err
		}
		res.Write(stdout, 10)
	}
	return nil
}

// evalLive runs the graph recommenders on MovieLens through Neo4j.
func evalLive(ctx context.Context, ds receval.Dataset, cfg receval.Config, halfLife time.Duration, stdout, stderr io.Writer) (receval.Result, error) {
	d, err := wiring.Load(ctx, stderr)
	if err != nil {
		return receval.Result{}, err
	}
	defer d.Close()
	if err := d.Graph.Migrate(ctx, d.Log); err != nil {
		return receval.Result{}, err
	}
	blend := d.RecsConfig()
	if halfLife > 0 {
		blend.HalfLife = halfLife
	}
	cfg.Blend = blend
	res, err := receval.Run(ctx, d.Graph, ds, cfg)
	if err != nil {
		return res, err
	}
	fmt.Fprintf(stdout, "live blend weights: %v\n", d.Cfg.Recs.Weights)
	// Popularity is already reported by the offline run (the same ranking).
	for _, row := range receval.Order {
		if row != receval.Popularity {
			res.Rows = append(res.Rows, row)
		}
	}
	return res, nil
}
