// Package harness is what every benchmark in bench/ shares: its flags,
// warm-up, repetitions interleaved with the same-work baselines, latency
// percentiles, the machine's load while it ran, and the report (median,
// spread and median interval of each figure, and the ratio to each baseline
// computed round by round).
//
// A benchmark describes each measured path as a Case whose Run does one
// repetition and returns a Sample; Compare runs the subject and its
// baselines round by round, rotating their order, so load from elsewhere
// on a shared machine hits both sides of a ratio alike. StartServer starts
// the API exactly as `stylegraph serve` does (internal/wiring), default
// features on.
//
// The rest is what every benchmark's main would otherwise repeat: Main
// (flags, errors, the profile), Env (a run's key prefix, scratch folder and
// servers, removed at the end), Shoppers and Call (requests signed by many
// shoppers, errors that say what the API answered), RedisBenchmark and
// CountTrips (the Redis baselines and round-trip counts).
package harness

import (
	"context"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"runtime"
	"runtime/pprof"
	"strings"
	"time"
)

// Options are the flags every benchmark takes.
type Options struct {
	// Runs is how many measured repetitions each case gets (median over
	// them); Warmup how many unmeasured rounds come first.
	Runs, Warmup int
	// Short is the smoke mode `make bench` and CI use: the benchmark
	// shrinks its workload and Runs drops to 2 unless -runs is given. Its
	// figures only show the benchmark still works.
	Short bool
	// CPUProfile, when set, receives a CPU profile of the whole run.
	CPUProfile string

	runsSet     bool
	name        string // the benchmark's, set by Main
	stopProfile func()
}

// Flags registers the shared flags on fs (flag.CommandLine when nil).
// Call Options.Parse after fs is parsed.
func Flags(fs *flag.FlagSet) *Options {
	if fs == nil {
		fs = flag.CommandLine
	}
	o := &Options{stopProfile: func() {}}
	fs.IntVar(&o.Runs, "runs", 5, "measured repetitions per case (the figure is their median)")
	fs.IntVar(&o.Warmup, "warmup", 1, "unmeasured warm-up rounds before the measured ones")
	fs.BoolVar(&o.Short, "short", false, "smoke mode: a small workload and 2 runs, to check the benchmark works")
	fs.StringVar(&o.CPUProfile, "cpuprofile", "", "write a CPU profile of the run to this file")
	return o
}

// Parse applies the short-mode defaults; call it after the flags are parsed.
func (o *Options) Parse(fs *flag.FlagSet) {
	if fs == nil {
		fs = flag.CommandLine
	}
	fs.Visit(func(f *flag.Flag) {
		if f.Name == "runs" {
			o.runsSet = true
		}
	})
	if o.Short && !o.runsSet {
		o.Runs = 2
	}
	o.Runs = max(o.Runs, 1)
}

// StartProfile starts the CPU profile if one was asked for; the returned
// function stops it.
func (o *Options) StartProfile() (stop func(), err error) {
	if o.CPUProfile == "" {
		return func() {}, nil
	}
	f, err := os.Create(o.CPUProfile)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}

// Pick returns short in smoke mode and full otherwise: the workload sizes.
func Pick[T any](o *Options, full, short T) T {
	if o.Short {
		return short
	}
	return full
}

// Sample is one repetition of one case.
type Sample struct {
	// Ops is the units of work done (events, deliveries, requests).
	Ops     int
	Elapsed time.Duration
	// Latencies are per-request times, when the case has requests.
	Latencies []time.Duration
}

// Rate is Ops per second.
func (s Sample) Rate() float64 { return float64(s.Ops) / s.Elapsed.Seconds() }

// Case is one measured path: Run performs one repetition.
type Case struct {
	Name string
	Run  func(ctx context.Context) (Sample, error)
}

// Result is every measured repetition of one case, in round order.
type Result struct {
	Name    string
	Samples []Sample
}

// Rates are the per-repetition rates.
func (r Result) Rates() []float64 {
	out := make([]float64, len(r.Samples))
	for i, s := range r.Samples {
		out[i] = s.Rate()
	}
	return out
}

// Latencies pools every repetition's latencies in milliseconds.
func (r Result) Latencies() []float64 {
	var out []float64
	for _, s := range r.Samples {
		for _, l := range s.Latencies {
			out = append(out, float64(l)/float64(time.Millisecond))
		}
	}
	return out
}

// roundPercentiles is the percentile p of each repetition's latencies (ms).
func (r Result) roundPercentiles(p float64) []float64 {
	out := make([]float64, len(r.Samples))
	for i, s := range r.Samples {
		ms := make([]float64, len(s.Latencies))
		for j, l := range s.Latencies {
			ms[j] = float64(l) / float64(time.Millisecond)
		}
		out[i] = Percentile(ms, p)
	}
	return out
}

// Report is the outcome of Compare.
type Report struct {
	Title, Unit string
	Runs        int
	Warmup      int
	// Subject is the measured path; Baselines the same work done the
	// plainest way, measured in the same rounds.
	Subject   Result
	Baselines []Result
	Load      Load
}

// Compare runs o.Warmup unmeasured rounds and then o.Runs measured rounds;
// each round runs every case once, starting one case later than the round
// before, so no case always runs first or right after another.
func Compare(ctx context.Context, o *Options, title, unit string, subject Case, baselines ...Case) (*Report, error) {
	cases := append([]Case{subject}, baselines...)
	results := make([]Result, len(cases))
	for i, c := range cases {
		results[i].Name = c.Name
	}
	for w := range o.Warmup {
		for i := range cases {
			c := cases[(i+w)%len(cases)]
			if _, err := c.Run(ctx); err != nil {
				return nil, fmt.Errorf("%s (warm-up): %w", c.Name, err)
			}
		}
	}
	meter := StartLoad()
	for r := range o.Runs {
		for i := range cases {
			j := (i + r) % len(cases)
			s, err := cases[j].Run(ctx)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", cases[j].Name, err)
			}
			results[j].Samples = append(results[j].Samples, s)
		}
	}
	return &Report{Title: title, Unit: unit, Runs: o.Runs, Warmup: o.Warmup,
		Subject: results[0], Baselines: results[1:], Load: meter.Stop()}, nil
}

// Ratios are subject/baseline per round, for throughput and, when both
// sides record latencies, p50 and p99 (lower is better for those).
type Ratios struct {
	Baseline       string
	Rate, P50, P99 Summary
}

// Ratios compares the subject with every baseline round by round.
func (r *Report) Ratios() []Ratios {
	var out []Ratios
	for _, b := range r.Baselines {
		x := Ratios{Baseline: b.Name, Rate: Summarize(div(r.Subject.Rates(), b.Rates()))}
		if len(b.Latencies()) > 0 && len(r.Subject.Latencies()) > 0 {
			x.P50 = Summarize(div(r.Subject.roundPercentiles(50), b.roundPercentiles(50)))
			x.P99 = Summarize(div(r.Subject.roundPercentiles(99), b.roundPercentiles(99)))
		}
		out = append(out, x)
	}
	return out
}

func div(a, b []float64) []float64 {
	out := make([]float64, min(len(a), len(b)))
	for i := range out {
		out[i] = a[i] / b[i]
	}
	return out
}

// Print writes the report as an aligned table.
func (r *Report) Print(w io.Writer) {
	fmt.Fprintf(w, "\n== %s\n", r.Title)
	fmt.Fprintf(w, "   %d measured rounds after %d warm-up, cases interleaved; median [range] {95%%-ish median interval}\n", r.Runs, r.Warmup)
	width := len("case")
	for _, res := range append([]Result{r.Subject}, r.Baselines...) {
		width = max(width, len(res.Name), len("ratio vs ")+len(res.Name))
	}
	fmt.Fprintf(w, "   %-*s %14s  %-26s %7s", width, "case", r.Unit+" (median)", "range (min–max)", "spread")
	lat := len(r.Subject.Latencies()) > 0
	if lat {
		fmt.Fprintf(w, "  %9s %9s %9s", "p50 ms", "p99 ms", "latencies")
	}
	fmt.Fprintln(w)
	for _, res := range append([]Result{r.Subject}, r.Baselines...) {
		s := Summarize(res.Rates())
		fmt.Fprintf(w, "   %-*s %14s  %-26s %6.0f%%", width, res.Name, num(s.Median), num(s.Min)+" – "+num(s.Max), 100*s.Spread())
		if ls := res.Latencies(); len(ls) > 0 {
			fmt.Fprintf(w, "  %9.2f %9.2f %9d", Percentile(ls, 50), Percentile(ls, 99), len(ls))
		}
		fmt.Fprintln(w)
	}
	for _, x := range r.Ratios() {
		fmt.Fprintf(w, "   %-*s %s", width, "ratio vs "+x.Baseline, ratio("throughput", x.Rate))
		if x.P99.N > 0 {
			fmt.Fprintf(w, "; %s; %s", ratio("p50", x.P50), ratio("p99", x.P99))
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "   machine: %s\n", r.Load)
}

func ratio(name string, s Summary) string {
	return fmt.Sprintf("%s %.2f× [%.2f–%.2f] {%.2f–%.2f @%.0f%%}", name, s.Median, s.Min, s.Max, s.CILo, s.CIHi, 100*s.CIConf)
}

func num(x float64) string {
	switch {
	case math.IsNaN(x):
		return "n/a"
	case x >= 100:
		return fmt.Sprintf("%.0f", x)
	default:
		return fmt.Sprintf("%.3g", x)
	}
}

// Header prints what the benchmark runs on (CPUs, Go version, mode) and
// the command that reproduces it: `make bench-<name>` with these arguments.
func Header(w io.Writer, o *Options, name string) {
	mode := "full"
	if o.Short {
		mode = "short (smoke test, not a figure)"
	}
	fmt.Fprintf(w, "%s: %d CPUs, %s, %s mode, %d runs\n", name, runtime.NumCPU(), runtime.Version(), mode, o.Runs)
	fmt.Fprintf(w, "reproduce: make bench-%s BENCH_ARGS='%s'\n", name, strings.Join(os.Args[1:], " "))
}

// Measure runs Compare and prints its report to stdout.
func Measure(ctx context.Context, o *Options, title, unit string, subject Case, baselines ...Case) (*Report, error) {
	rep, err := Compare(ctx, o, title, unit, subject, baselines...)
	if err != nil {
		return nil, err
	}
	rep.Print(os.Stdout)
	return rep, nil
}

// LoadCase is a Case whose repetition is Drive(clients, n, d, fn): a closed-loop
// load of n calls, or of d when n is 0.
func LoadCase(name string, clients, n int, d time.Duration, fn func(ctx context.Context, i int) (int, error)) Case {
	return Case{Name: name, Run: func(ctx context.Context) (Sample, error) { return Drive(ctx, clients, n, d, fn) }}
}
