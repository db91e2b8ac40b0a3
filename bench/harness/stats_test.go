package harness

import (
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestPercentile(t *testing.T) {
	hundred := make([]float64, 100)
	for i := range hundred {
		hundred[i] = float64(100 - i) // 100 … 1, unsorted on purpose
	}
	tests := []struct {
		name string
		xs   []float64
		p    float64
		want float64
	}{
		{"p50 of 1..100", hundred, 50, 50},
		{"p99 of 1..100", hundred, 99, 99},
		{"p100 of 1..100", hundred, 100, 100},
		{"p0 is the minimum", hundred, 0, 1},
		{"p99 of 10 samples is the maximum", []float64{5, 1, 2, 3, 4, 6, 7, 8, 9, 10}, 99, 10},
		{"p50 of 4 samples is the 2nd", []float64{40, 10, 30, 20}, 50, 20},
		{"p25 of 5 samples is the 2nd", []float64{1, 2, 3, 4, 5}, 25, 2},
		{"one sample", []float64{7}, 99, 7},
	}
	for _, tt := range tests {
		if got := Percentile(tt.xs, tt.p); got != tt.want {
			t.Errorf("%s: Percentile(%v) = %v, want %v", tt.name, tt.p, got, tt.want)
		}
	}
	if !math.IsNaN(Percentile(nil, 50)) {
		t.Error("Percentile of no samples is not NaN")
	}
	if hundred[0] != 100 {
		t.Error("Percentile sorted its argument in place")
	}
}

func TestMedian(t *testing.T) {
	for _, tt := range []struct {
		xs   []float64
		want float64
	}{
		{[]float64{3, 1, 2}, 2},
		{[]float64{4, 1, 3, 2}, 2.5},
		{[]float64{9}, 9},
		{[]float64{1, 1, 100, 1, 1}, 1},
	} {
		if got := Median(tt.xs); got != tt.want {
			t.Errorf("Median(%v) = %v, want %v", tt.xs, got, tt.want)
		}
	}
	if !math.IsNaN(Median(nil)) {
		t.Error("Median of no samples is not NaN")
	}
}

func TestMedianCI(t *testing.T) {
	seq := func(n int) []float64 {
		xs := make([]float64, n)
		for i := range xs {
			xs[i] = float64(n - i) // n … 1
		}
		return xs
	}
	tests := []struct {
		n              int
		lo, hi, covers float64
	}{
		// Textbook order statistics for the median (binomial n, 1/2).
		{5, 1, 5, 0.9375},       // 1 - 2/32: 95% is out of reach
		{6, 1, 6, 0.96875},      // 1 - 2/64
		{10, 2, 9, 0.978515625}, // 1 - 2*11/1024
		{20, 6, 15, 0.9586105},  // 1 - 2*P(X<=5)
		{1, 1, 1, 0},
	}
	for _, tt := range tests {
		lo, hi, c := MedianCI(seq(tt.n), 0.95)
		want := []float64{tt.lo, tt.hi, tt.covers}
		if diff := cmp.Diff(want, []float64{lo, hi, c}, cmpopts.EquateApprox(0, 1e-6)); diff != "" {
			t.Errorf("MedianCI of 1..%d (-want +got):\n%s", tt.n, diff)
		}
	}
}

func TestSummarize(t *testing.T) {
	got := Summarize([]float64{110, 90, 100, 120, 80})
	want := Summary{N: 5, Median: 100, Min: 80, Max: 120, CILo: 80, CIHi: 120, CIConf: 0.9375}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Summarize (-want +got):\n%s", diff)
	}
	if s := got.Spread(); s != 0.4 {
		t.Errorf("Spread = %v, want 0.4", s)
	}
}
