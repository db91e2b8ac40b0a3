package receval

import "math"

// Metrics are ranking metrics at a cut-off, averaged over users.
type Metrics struct {
	Precision, Recall, NDCG, HitRate float64
	// Coverage is the share of the catalog recommended to anyone.
	Coverage float64
	Users    int
}

// scorer accumulates per-user metrics at cut-off k.
type scorer struct {
	k                            int
	precision, recall, ndcg, hit float64
	users                        int
	shown                        map[int64]bool
}

func newScorer(k int) *scorer { return &scorer{k: k, shown: map[int64]bool{}} }

// add scores one user's ranked list against their relevant items.
func (s *scorer) add(ranked []int64, relevant map[int64]bool) {
	if len(relevant) == 0 {
		return
	}
	if len(ranked) > s.k {
		ranked = ranked[:s.k]
	}
	hits, dcg := 0, 0.0
	for i, id := range ranked {
		s.shown[id] = true
		if relevant[id] {
			hits++
			dcg += 1 / math.Log2(float64(i+2))
		}
	}
	idcg := 0.0
	for i := 0; i < min(s.k, len(relevant)); i++ {
		idcg += 1 / math.Log2(float64(i+2))
	}
	s.precision += float64(hits) / float64(s.k)
	s.recall += float64(hits) / float64(len(relevant))
	s.ndcg += dcg / idcg
	if hits > 0 {
		s.hit++
	}
	s.users++
}

// result averages over the users scored; catalog is the number of items.
func (s *scorer) result(catalog int) Metrics {
	if s.users == 0 {
		return Metrics{}
	}
	n := float64(s.users)
	return Metrics{
		Precision: s.precision / n, Recall: s.recall / n, NDCG: s.ndcg / n, HitRate: s.hit / n,
		Coverage: float64(len(s.shown)) / float64(catalog), Users: s.users,
	}
}

// mean averages metrics over folds.
func mean(ms []Metrics) Metrics {
	var out Metrics
	if len(ms) == 0 {
		return out
	}
	for _, m := range ms {
		out.Precision += m.Precision
		out.Recall += m.Recall
		out.NDCG += m.NDCG
		out.HitRate += m.HitRate
		out.Coverage += m.Coverage
		out.Users += m.Users
	}
	n := float64(len(ms))
	out.Precision /= n
	out.Recall /= n
	out.NDCG /= n
	out.HitRate /= n
	out.Coverage /= n
	out.Users /= len(ms)
	return out
}
