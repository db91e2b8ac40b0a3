package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"github.com/stylegraph/stylegraph/learn"
	"github.com/stylegraph/stylegraph/receval"
)

// runEvalRecs is `stylegraph eval recs`: the offline models, their learned
// blend and the baselines on MovieLens-100K and FilmTrust, in memory; with
// --live also the graph recommenders on MovieLens in the same folds.
func runEvalRecs(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f, err := parseEvalRecs(args, stderr)
	if err != nil {
		return err
	}
	lc := learn.DefaultConfig()
	lc.Workers, lc.ValidationUsers, lc.Seed = f.workers, f.valUsers, 1
	cfg := receval.OfflineConfig{Users: f.users, Learn: lc, Progress: stdout}
	if f.sets["movielens"] {
		if err := evalMovieLens(ctx, f, cfg, stdout, stderr); err != nil {
			return err
		}
	}
	if f.sets["filmtrust"] {
		ds, err := receval.LoadFilmTrust(f.ftData, f.ftFolds)
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

// evalRecsFlags are the flags of `stylegraph eval recs`.
type evalRecsFlags struct {
	data, ftData                      string
	sets                              map[string]bool
	folds                             []string
	ftFolds, users, workers, valUsers int
	live                              bool
	topK, neighbours                  int
	halfLife                          time.Duration
	damping                           float64
}

// parseEvalRecs reads and checks the flags of `stylegraph eval recs`.
func parseEvalRecs(args []string, stderr io.Writer) (evalRecsFlags, error) {
	var f evalRecsFlags
	fs := flags("eval recs", stderr)
	fs.StringVar(&f.data, "data", filepath.Join(datasetsDir(), "movielens-100k"), "MovieLens-100K folder")
	fs.StringVar(&f.ftData, "filmtrust", filepath.Join(datasetsDir(), "filmtrust"), "FilmTrust folder")
	sets := fs.String("datasets", "movielens,filmtrust", "data sets to evaluate")
	folds := fs.String("folds", "u1,u2,u3,u4,u5", "official MovieLens splits to run")
	fs.IntVar(&f.ftFolds, "filmtrust-folds", 5, "random train/test folds of FilmTrust (seed fixed)")
	fs.IntVar(&f.users, "users", 0, "test users per fold (0: all)")
	fs.IntVar(&f.workers, "workers", 2, "parallel workers")
	fs.IntVar(&f.valUsers, "validation-users", 0, "users scored on the validation split (0: all)")
	fs.BoolVar(&f.live, "live", false, "also evaluate the graph recommenders (Neo4j) on MovieLens, in the same folds")
	fs.IntVar(&f.topK, "top-k", 50, "similar movies kept per movie (--live)")
	fs.DurationVar(&f.halfLife, "half-life", 0, "recency half-life of engagement (--live; default RECS_HALF_LIFE)")
	fs.IntVar(&f.neighbours, "neighbours", 0, "similar users live collaborative reads (--live; default 50)")
	fs.Float64Var(&f.damping, "damping", 0, "live collaborative's popularity exponent (--live; default 0.2)")
	if err := fs.Parse(args); err != nil {
		return f, err
	}
	var err error
	if f.folds, err = parseFolds(*folds); err != nil {
		return f, err
	}
	if f.sets, err = parseDatasets(*sets); err != nil {
		return f, err
	}
	if f.users < 0 || f.workers < 1 || f.workers > 16 || f.topK < 1 || f.ftFolds < 2 || f.ftFolds > 10 || f.valUsers < 0 {
		return f, fmt.Errorf("--users >= 0, --workers 1..16, --top-k >= 1, --filmtrust-folds 2..10 and --validation-users >= 0")
	}
	return f, nil
}

// parseFolds reads --folds: MovieLens's official splits, u1 to u5.
func parseFolds(s string) ([]string, error) {
	var names []string
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		switch f {
		case "u1", "u2", "u3", "u4", "u5":
			names = append(names, f)
		default:
			return nil, fmt.Errorf("--folds: %q is not one of u1..u5", f)
		}
	}
	return names, nil
}

// parseDatasets reads --datasets: movielens, filmtrust or both.
func parseDatasets(s string) (map[string]bool, error) {
	want := map[string]bool{}
	for _, d := range strings.Split(s, ",") {
		d = strings.TrimSpace(d)
		if d != "movielens" && d != "filmtrust" {
			return nil, fmt.Errorf("--datasets: %q is not movielens or filmtrust", d)
		}
		want[d] = true
	}
	return want, nil
}

// evalMovieLens evaluates on MovieLens-100K's folds, with --live the graph
// recommenders next to the offline models.
func evalMovieLens(ctx context.Context, f evalRecsFlags, cfg receval.OfflineConfig, stdout, stderr io.Writer) error {
	ds, err := receval.Load(f.data, f.folds)
	if err != nil {
		return fmt.Errorf("%w (set STYLEGRAPH_DATASETS or --data)", err)
	}
	res, err := receval.Offline(ds, cfg)
	if err != nil {
		return err
	}
	if f.live {
		lr, err := evalLive(ctx, ds, receval.Config{
			Users: f.users, Workers: f.workers, TopK: f.topK, Damping: f.damping, Neighbours: f.neighbours, Progress: stdout,
		}, f.halfLife, stdout, stderr)
		if err != nil {
			return err
		}
		res.Merge(lr)
	}
	res.Write(stdout, 10)
	return nil
}

// evalLive runs the graph recommenders on MovieLens through Neo4j.
func evalLive(ctx context.Context, ds receval.Dataset, cfg receval.Config, halfLife time.Duration, stdout, stderr io.Writer) (receval.Result, error) {
	d, err := open(ctx, stderr, graphSchema)
	if err != nil {
		return receval.Result{}, err
	}
	defer d.Close()
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
