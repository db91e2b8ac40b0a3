package main

import (
	"context"
	"errors"
	"flag"
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
	fs := flag.NewFlagSet("recompute", flag.ContinueOnError)
	fs.SetOutput(stderr)
	topK := fs.Int("top-k", 50, "similar products kept per product")
	active := fs.Duration("active", 30*24*time.Hour, "shoppers who engaged within this get a precomputed list")
	every := fs.Duration("every", time.Hour, "how often cron runs the job: lists live twice this plus the run's duration")
	validation := fs.Int("validation-users", 5000, "shoppers scored on the validation split when tuning (0: all)")
	workers := fs.Int("workers", 2, "parallel workers for training and ranking")
	batch := fs.Int("batch", 1000, "shoppers whose lists are ranked and stored (with a checkpoint) at a time")
	skipLists := fs.Bool("skip-lists", false, "only recompute the neighbours (no lists, no lock)")
	from := fs.Int64("from-id", 0, "first user/product ID in scope (0 with --to-id 0: everything)")
	to := fs.Int64("to-id", 0, "last user/product ID in scope")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the run to this file (go tool pprof)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *topK < 1 || *topK > 500 {
		return fmt.Errorf("--top-k must be between 1 and 500")
	}
	if *every < time.Minute || *active <= 0 {
		return fmt.Errorf("--every must be at least 1m and --active positive")
	}
	if *validation < 0 || *workers < 1 || *workers > 64 || *batch < 1 {
		return fmt.Errorf("--validation-users must be >= 0, --workers 1..64 and --batch >= 1")
	}
	if *from < 0 || *to < *from {
		return fmt.Errorf("--from-id and --to-id must satisfy 0 <= from <= to")
	}
	d, err := wiring.Load(ctx, stderr)
	if err != nil {
		return err
	}
	defer d.Close()
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return fmt.Errorf("cpu profile: %w", err)
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return fmt.Errorf("cpu profile: %w", err)
		}
		defer pprof.StopCPUProfile()
	}
	job := &recommend.Job{
		Graph: d.Graph, Scope: graph.Scope{From: *from, To: *to},
		TopK: *topK, ActiveWindow: *active, Every: *every, Workers: *workers,
		Online: d.Cfg.Recs.Weights, Progress: stdout, Batch: *batch,
	}
	job.Learn = recommend.DefaultLearnConfig()
	job.Learn.ValidationUsers = *validation
	var rep recommend.Report
	if *skipLists {
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
	resumed := ""
	if rep.Resumed {
		resumed = fmt.Sprintf(" (resumed: %d lists were already stored)", rep.Skipped)
	}
	fmt.Fprintf(stdout, "recompute: %d shoppers, %d products, %d engagements read in %s; trained in %s (%s); %d SIMILAR edges (%d stale dropped), %d lists stored in %s%s\n",
		rep.Users, rep.Products, rep.Interactions, rep.Read.Round(time.Millisecond), rep.Train.Round(time.Millisecond), rep.Tuning.Model,
		rep.Edges, rep.Dropped, rep.Lists, rep.Took.Round(time.Millisecond), resumed)
	return nil
}
