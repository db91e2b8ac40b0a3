package learn

import (
	"math"
	"sort"
)

// Social scores what the people a user follows liked: each followee's likes
// (weight >= MinWeight), their most recent Cap only (0: all), decayed by
// the blend's half-life before Now.
type Social struct {
	M       *Matrix
	Follows [][]int32
	// MinWeight is the weight from which an interaction is a like.
	MinWeight float32
	Cap       int
	Now       int64
	HalfLife  float64 // seconds; 0: no decay
	// recent holds each user's likes (row offsets), most recent first.
	recent [][]int32
}

// NewSocial orders every user's likes by time, once.
func NewSocial(m *Matrix, follows [][]int32, minWeight float32) *Social {
	s := &Social{M: m, Follows: follows, MinWeight: minWeight, recent: make([][]int32, m.Users)}
	for u := 0; u < m.Users; u++ {
		items, ws, ats := s.M.Row(u)
		var ks []int32
		for k := range items {
			if ws[k] >= s.MinWeight {
				ks = append(ks, int32(k))
			}
		}
		sort.SliceStable(ks, func(a, b int) bool { return ats[ks[a]] > ats[ks[b]] })
		s.recent[u] = ks
	}
	return s
}

// Score implements Scorer.
func (s *Social) Score(u int, items []int32, hist []float32, out []float32) {
	s.ScoreSparse(u, items, hist, out, nil)
}

// ScoreSparse implements sparseScorer.
func (s *Social) ScoreSparse(u int, _ []int32, _ []float32, out []float32, touched []int32) []int32 {
	if u >= len(s.Follows) {
		return touched
	}
	for _, f := range s.Follows[u] {
		items, _, ats := s.M.Row(int(f))
		ks := s.recent[f]
		if s.Cap > 0 && len(ks) > s.Cap {
			ks = ks[:s.Cap]
		}
		for _, k := range ks {
			out[items[k]] += float32(decay(s.Now, ats[k], s.HalfLife))
			touched = append(touched, items[k])
		}
	}
	return touched
}

// decay is 0.5^(age/halfLife) (1 without a half-life or a time).
func decay(now, at int64, halfLife float64) float64 {
	if halfLife <= 0 || at <= 0 || at >= now {
		return 1
	}
	return math.Exp2(-float64(now-at) / halfLife)
}
