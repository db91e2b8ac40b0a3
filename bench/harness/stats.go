package harness

import (
	"math"
	"slices"
)

// Percentile is the nearest-rank percentile of xs: the smallest value with at
// least p% of the samples at or below it (p in [0, 100]; 0 gives the
// minimum). It interpolates nothing, so p99 of fewer than 100 samples is the
// maximum: read it together with the sample count. NaN for no samples.
func Percentile(xs []float64, p float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	return percentileSorted(s, p)
}

func percentileSorted(s []float64, p float64) float64 {
	rank := int(math.Ceil(p / 100 * float64(len(s))))
	return s[min(max(rank, 1), len(s))-1]
}

// Median is the middle sample, or the mean of the two middle ones. NaN for
// no samples.
func Median(xs []float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// MedianCI is a distribution-free confidence interval for the median: the
// order statistics x(k) and x(n+1-k) with the largest k whose coverage,
// from the binomial(n, 1/2) distribution, is at least level. It returns the
// interval and its exact coverage. With fewer than 6 samples no k reaches
// 95%, so the interval is [min, max] with its (lower) coverage, e.g. 93.75%
// for 5 samples.
func MedianCI(xs []float64, level float64) (lo, hi, coverage float64) {
	n := len(xs)
	if n == 0 {
		return math.NaN(), math.NaN(), 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	k := 1
	coverage = 1 - 2*binomCDF(n, 0) // [x(1), x(n)]
	for j := 2; j <= n/2; j++ {
		c := 1 - 2*binomCDF(n, j-1)
		if c < level {
			break
		}
		k, coverage = j, c
	}
	return s[k-1], s[n-k], coverage
}

// binomCDF is P(X <= k) for X ~ binomial(n, 1/2).
func binomCDF(n, k int) float64 {
	sum, c := 0.0, 1.0 // c = C(n, i)
	for i := 0; i <= k; i++ {
		if i > 0 {
			c = c * float64(n-i+1) / float64(i)
		}
		sum += c
	}
	return sum / math.Pow(2, float64(n))
}

// Summary describes repeated measurements of one figure.
type Summary struct {
	N                int
	Median, Min, Max float64
	// CILo and CIHi bound the median with coverage CIConf (MedianCI at 95%).
	CILo, CIHi, CIConf float64
}

// Summarize computes the median, range and median interval of xs.
func Summarize(xs []float64) Summary {
	s := Summary{N: len(xs), Median: Median(xs), Min: math.NaN(), Max: math.NaN()}
	if len(xs) > 0 {
		s.Min, s.Max = slices.Min(xs), slices.Max(xs)
	}
	s.CILo, s.CIHi, s.CIConf = MedianCI(xs, 0.95)
	return s
}

// Spread is (max-min)/median: how far apart the repetitions were.
func (s Summary) Spread() float64 { return (s.Max - s.Min) / s.Median }
