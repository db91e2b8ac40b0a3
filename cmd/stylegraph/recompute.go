package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/pprof"
	"time"

	"github.com/stylegraph/stylegraph/graph"
	"github.com/stylegraph/stylegraph/internal/wiring"
	"github.com/stylegraph/stylegraph/recommend"
)

// runRecompute is the offline recommendation job; safe to run from cron: a
// run that finds another one running exits 0 after saying so, and a run
// that finds a dead one's checkpoint resumes it.
func runRecompute(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f, err := parseRecompute(args, stderr)
	if err != nil {
		return err
	}
	d, err := open(ctx, stderr, noSchemas)
	if err != nil {
		return err
	}
	defer d.Close()
	if f.cpuProfile != "" {
		stop, err := startCPUProfile(f.cpuProfile)
		if err != nil {
			return err
		}
		defer stop()
	}
	job := &recommend.Job{
		Graph: wiring.BatchGraph(d.Graph), Scope: graph.Scope{From: f.from, To: f.to},
		TopK: f.topK, ActiveWindow: f.active, Every: f.every, Workers: f.workers,
		Online: d.Cfg.Recs.Weights, Progress: stdout, Batch: f.batch,
	}
	job.Learn = recommend.DefaultLearnConfig()
	job.Learn.ValidationUsers = f.validation
	var rep recommend.Report
	if f.skipLists {
		rep, err = job.Similarity(ctx, time.Now())
	} else {
		job.Cache = d.RecsCache()
		rep, err = job.Run(ctx)
	}
	if errors.Is(err, recommend.ErrLocked) {
		fmt.Fprintln(stdout, "recompute: another run holds the lock; nothing to do")
		return nil
	}
	if err != nil {
		return err
	}
	printRecompute(stdout, rep)
	return nil
}

// recomputeFlags are the flags of `stylegraph recompute`.
type recomputeFlags struct {
	topK, validation, workers, batch int
	active, every                    time.Duration
	skipLists                        bool
	from, to                         int64
	cpuProfile                       string
}

// parseRecompute reads and checks the flags of `stylegraph recompute`.
func parseRecompute(args []string, stderr io.Writer) (recomputeFlags, error) {
	var f recomputeFlags
	fs := flags("recompute", stderr)
	fs.IntVar(&f.topK, "top-k", 50, "similar products kept per product")
	fs.DurationVar(&f.active, "active", 30*24*time.Hour, "shoppers who engaged within this get a precomputed list")
	fs.DurationVar(&f.every, "every", time.Hour, "how often cron runs the job: lists live twice this plus the run's duration")
	fs.IntVar(&f.validation, "validation-users", 5000, "shoppers scored on the validation split when tuning (0: all)")
	fs.IntVar(&f.workers, "workers", 2, "parallel workers for training and ranking")
	fs.IntVar(&f.batch, "batch", 1000, "shoppers whose lists are ranked and stored (with a checkpoint) at a time")
	fs.BoolVar(&f.skipLists, "skip-lists", false, "only recompute the neighbours (no lists, no lock)")
	fs.Int64Var(&f.from, "from-id", 0, "first user/product ID in scope (0 with --to-id 0: everything)")
	fs.Int64Var(&f.to, "to-id", 0, "last user/product ID in scope")
	fs.StringVar(&f.cpuProfile, "cpuprofile", "", "write a CPU profile of the run to this file (go tool pprof)")
	if err := fs.Parse(args); err != nil {
		return f, err
	}
	switch {
	case f.topK < 1 || f.topK > 500:
		return f, fmt.Errorf("--top-k must be between 1 and 500")
	case f.every < time.Minute || f.active <= 0:
		return f, fmt.Errorf("--every must be at least 1m and --active positive")
	case f.validation < 0 || f.workers < 1 || f.workers > 64 || f.batch < 1:
		return f, fmt.Errorf("--validation-users must be >= 0, --workers 1..64 and --batch >= 1")
	case f.from < 0 || f.to < f.from:
		return f, fmt.Errorf("--from-id and --to-id must satisfy 0 <= from <= to")
	}
	return f, nil
}

// startCPUProfile profiles the process into path until stop is called.
func startCPUProfile(path string) (stop func(), err error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("cpu profile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("cpu profile: %w", err)
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}, nil
}

// printRecompute prints the one-line summary of a run.
func printRecompute(w io.Writer, rep recommend.Report) {
	resumed := ""
	if rep.Resumed {
		resumed = fmt.Sprintf(" (resumed: %d lists were already stored)", rep.Skipped)
	}
	fmt.Fprintf(w, "recompute: %d shoppers, %d products, %d engagements read in %s; trained in %s (%s); %d SIMILAR edges (%d stale dropped), %d lists stored in %s%s\n",
		rep.Users, rep.Products, rep.Interactions, rep.Read.Round(time.Millisecond), rep.Train.Round(time.Millisecond), rep.Tuning.Model,
		rep.Edges, rep.Dropped, rep.Lists, rep.Took.Round(time.Millisecond), resumed)
}
