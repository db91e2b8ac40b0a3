package harness

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestCompare checks the round order (rotated, warm-up unmeasured) and the
// per-round ratios on cases that report fixed samples.
func TestCompare(t *testing.T) {
	var order []string
	mk := func(name string, ops ...int) Case {
		i := 0
		return Case{Name: name, Run: func(context.Context) (Sample, error) {
			order = append(order, name)
			s := Sample{Ops: ops[i%len(ops)], Elapsed: time.Second,
				Latencies: []time.Duration{time.Duration(ops[i%len(ops)]) * time.Millisecond}}
			i++
			return s, nil
		}}
	}
	o := &Options{Runs: 3, Warmup: 1}
	rep, err := Compare(context.Background(), o, "t", "ops/s", mk("api", 50, 60, 80, 100), mk("base", 100, 100, 100, 100))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"api", "base", "api", "base", "base", "api", "api", "base"}, order); diff != "" {
		t.Errorf("run order (-want +got):\n%s", diff)
	}
	// Warm-up took api's 50; the measured rounds saw 60, 80, 100.
	if diff := cmp.Diff([]float64{60, 80, 100}, rep.Subject.Rates()); diff != "" {
		t.Errorf("subject rates (-want +got):\n%s", diff)
	}
	r := rep.Ratios()[0]
	want := Summary{N: 3, Median: 0.8, Min: 0.6, Max: 1, CILo: 0.6, CIHi: 1, CIConf: 0.75}
	if diff := cmp.Diff(want, r.Rate); diff != "" {
		t.Errorf("throughput ratio (-want +got):\n%s", diff)
	}
	if r.P99.Median != 0.8 {
		t.Errorf("p99 ratio median = %v, want 0.8", r.P99.Median)
	}
	var b bytes.Buffer
	rep.Print(&b)
	if !strings.Contains(b.String(), "ratio vs base") || !strings.Contains(b.String(), "throughput 0.80×") {
		t.Errorf("report lacks the ratio line:\n%s", b.String())
	}
}

func TestDrive(t *testing.T) {
	s, err := Drive(context.Background(), 4, 100, 0, func(context.Context, int) (int, error) { return 2, nil })
	if err != nil {
		t.Fatal(err)
	}
	if s.Ops != 200 || len(s.Latencies) != 100 {
		t.Errorf("Drive did %d ops in %d calls, want 200 in 100", s.Ops, len(s.Latencies))
	}
}
