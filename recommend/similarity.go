package recommend

import (
	"math"
	"sort"

	"github.com/stylegraph/stylegraph/graph"
)

// SimilaritySource marks the SIMILAR edges the batch job writes; the
// item-based recommender reads only these.
const SimilaritySource = "co-engagement"

// Similarity accumulates co-engagement from baskets and turns it into
// item-item cosine similarity: sim(i, j) = c(i, j) / sqrt(n(i) · n(j)), where
// c counts users who engaged with both and n with each.
type Similarity struct {
	index map[int64]int32
	ids   []int64
	count []int32
	co    []map[int32]int32
	// MaxBasket caps how many products of one basket are paired, so that a
	// handful of very heavy users cannot make the job quadratic.
	MaxBasket int
}

// NewSimilarity returns an empty accumulator.
func NewSimilarity() *Similarity {
	return &Similarity{index: map[int64]int32{}, MaxBasket: 500}
}

func (s *Similarity) id(p int64) int32 {
	i, ok := s.index[p]
	if !ok {
		i = int32(len(s.ids))
		s.index[p] = i
		s.ids = append(s.ids, p)
		s.count = append(s.count, 0)
		s.co = append(s.co, map[int32]int32{})
	}
	return i
}

// Add counts one user's basket (distinct product IDs).
func (s *Similarity) Add(products []int64) {
	if len(products) > s.MaxBasket {
		products = products[:s.MaxBasket]
	}
	idx := make([]int32, len(products))
	for k, p := range products {
		idx[k] = s.id(p)
		s.count[idx[k]]++
	}
	for a := 0; a < len(idx); a++ {
		for b := a + 1; b < len(idx); b++ {
			s.co[idx[a]][idx[b]]++
			s.co[idx[b]][idx[a]]++
		}
	}
}

// Products is how many distinct products were seen.
func (s *Similarity) Products() int { return len(s.ids) }

// TopK returns, for every product seen, its k most similar products that
// share at least minCommon users, best first (ties by ID). Products without
// any such neighbour get an empty list, so a writer can clear their edges.
func (s *Similarity) TopK(k, minCommon int) []graph.SimilarList {
	out := make([]graph.SimilarList, len(s.ids))
	for i, id := range s.ids {
		ns := make([]graph.Neighbour, 0, len(s.co[i]))
		for j, c := range s.co[i] {
			if int(c) < minCommon {
				continue
			}
			score := float64(c) / math.Sqrt(float64(s.count[i])*float64(s.count[j]))
			ns = append(ns, graph.Neighbour{ProductID: s.ids[j], Score: score})
		}
		sort.Slice(ns, func(a, b int) bool {
			if ns[a].Score != ns[b].Score {
				return ns[a].Score > ns[b].Score
			}
			return ns[a].ProductID < ns[b].ProductID
		})
		if len(ns) > k {
			ns = ns[:k]
		}
		out[i] = graph.SimilarList{ProductID: id, Neighbours: ns}
	}
	sort.Slice(out, func(a, b int) bool { return out[a].ProductID < out[b].ProductID })
	return out
}
