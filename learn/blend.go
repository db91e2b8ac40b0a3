package learn

import (
	"math"
	"sort"
	"time"
)

// Sources a blend draws from.
const (
	// SourceModel is the collaborative model that won on validation.
	SourceModel = "model"
	// SourceKNN is item-kNN with the shrinkage and weighting that won.
	SourceKNN = "item-knn"
	// SourceSocial is what followed users liked.
	SourceSocial = "social"
	// SourcePopularity is the most engaged items.
	SourcePopularity = "popularity"
)

// SourceOrder is the order sources are blended and reported in.
var SourceOrder = []string{SourceModel, SourceKNN, SourceSocial, SourcePopularity}

// Params are what the tuner chooses for a blend.
type Params struct {
	// Weights per source; a missing or zero weight turns a source off.
	Weights map[string]float64
	// HalfLife decays the user's own history and followees' likes (0: none).
	HalfLife time.Duration
	// SocialCap is how many of each followee's most recent likes count
	// (0: all).
	SocialCap int
}

// Blend ranks items for a user by the weighted sum of each source's scores,
// each normalised by its best unseen item's score.
type Blend struct {
	M       *Matrix
	Sources map[string]Scorer
	Params  Params
	// Now is the reference time for half-lives, Unix seconds.
	Now int64
	// Candidates is how many items each source proposes (default 300).
	Candidates int
	// Exclude lists, per user, items never to rank besides their own
	// (hidden ones); nil: none.
	Exclude [][]int32
}

// Item is a ranked item with each source's weighted share of its score, in
// SourceOrder.
type Item struct {
	Item  int32
	Score float64
	Parts [4]float32
}

// scratch is one worker's buffers.
type scratch struct {
	dense []float32
	f64   []float64 // ALS's scores
	hist  []float32
	heap  topK
	// items and pos accumulate the blend: pos[item] is the item's index in
	// items, -1 when absent (grown on demand).
	items []Item
	pos   []int32
	// touched collects the items a sparse source reached.
	touched []int32
	// block holds the blocked product's ALS scores of the block being
	// ranked; alsRow is the row of alsUser, the user ranked now.
	block   []float64
	alsRow  []float64
	alsOf   *ALS
	alsUser int
}

func newScratch(items int) *scratch {
	return &scratch{dense: make([]float32, items)}
}

// cand is one source's normalised score for an item.
type cand = Neighbour

// history returns user u's items and their weights decayed by half-life.
func (b *Blend) history(u int, s *scratch) ([]int32, []float32) {
	items, ws, ats := b.M.Row(u)
	s.hist = s.hist[:0]
	hl := b.Params.HalfLife.Seconds()
	for k := range items {
		s.hist = append(s.hist, ws[k]*float32(decay(b.Now, ats[k], hl)))
	}
	return items, s.hist
}

// sparseScorer is a Scorer that reaches few of the catalogue's items (kNN,
// EASE's head, followees' likes): ScoreSparse adds what Score adds and
// appends every item it adds to onto touched (an item may appear twice), so
// ranking visits those items instead of the whole catalogue.
type sparseScorer interface {
	ScoreSparse(u int, items []int32, hist []float32, out []float32, touched []int32) []int32
}

// sourceList returns src's top candidates for u (unseen items only), scores
// divided by the best one. s.dense is all zeros before and after.
func (b *Blend) sourceList(src string, u int, items []int32, hist []float32, s *scratch) []cand {
	sc := b.Sources[src]
	if sc == nil {
		return nil
	}
	n := b.Candidates
	if n <= 0 {
		n = 300
	}
	var exclude []int32
	if u < len(b.Exclude) {
		exclude = b.Exclude[u]
	}
	s.heap.reset(n)
	switch sc := sc.(type) {
	case *Popularity:
		// The same for everyone: walk the catalogue's order once sorted.
		sc.top(n, items, exclude, s)
	case *ALS:
		// Every item scores: offer them straight from the matrix-vector
		// product, with the user's own and excluded items zeroed.
		y := s.alsRow
		if y == nil || s.alsOf != sc || s.alsUser != u {
			s.f64 = sc.scores(u, s.f64)
			y = s.f64
		}
		zeroAt(y, items, exclude)
		offerAll(&s.heap, y)
	case sparseScorer:
		s.touched = sc.ScoreSparse(u, items, hist, s.dense, s.touched[:0])
		zeroAt(s.dense, items, exclude)
		for _, i := range s.touched {
			if v := s.dense[i]; v > 0 {
				s.heap.offer(Neighbour{Item: i, Score: v})
			}
			s.dense[i] = 0
		}
	default:
		sc.Score(u, items, hist, s.dense)
		zeroAt(s.dense, items, exclude)
		for i, v := range s.dense {
			if v > 0 {
				s.heap.offer(Neighbour{Item: int32(i), Score: v})
			}
		}
		clear(s.dense)
	}
	out := s.heap.sorted()
	if len(out) > 0 {
		top := out[0].Score
		for k := range out {
			out[k].Score /= top
		}
	}
	return out
}

// offerAll offers every positive score in y to h. Items come in ascending
// order, so one that only ties the heap's worst loses to it: the cheap
// comparison skips most of the catalogue without calling offer.
func offerAll(h *topK, y []float64) {
	for i, v := range y {
		v := float32(v)
		if v <= 0 || (len(h.xs) == h.k && v <= h.xs[0].Score) {
			continue
		}
		h.offer(Neighbour{Item: int32(i), Score: v})
	}
}

// zeroAt zeroes v at the user's own items and at the excluded ones: those
// are never candidates.
func zeroAt[T float32 | float64](v []T, items, exclude []int32) {
	for _, i := range items {
		v[i] = 0
	}
	for _, i := range exclude {
		v[i] = 0
	}
}

// lists computes every source's candidate list for u.
func (b *Blend) lists(u int, s *scratch) [4][]cand {
	items, hist := b.history(u, s)
	var out [4][]cand
	for k, src := range SourceOrder {
		if b.Params.Weights[src] > 0 {
			out[k] = b.sourceList(src, u, items, hist, s)
		}
	}
	return out
}

// combine sums the weighted lists and returns the n best items (score
// descending, then item ascending).
func combine(ls [4][]cand, weights map[string]float64, n int, s *scratch) []Item {
	s.items = s.items[:0]
	for k, src := range SourceOrder {
		w := weights[src]
		if w <= 0 {
			continue
		}
		for _, c := range ls[k] {
			if int(c.Item) >= len(s.pos) {
				grown := make([]int32, max(int(c.Item)+1, 2*len(s.pos)))
				copy(grown, s.pos)
				for i := len(s.pos); i < len(grown); i++ {
					grown[i] = -1
				}
				s.pos = grown
			}
			p := s.pos[c.Item]
			if p < 0 {
				p = int32(len(s.items))
				s.pos[c.Item] = p
				s.items = append(s.items, Item{Item: c.Item})
			}
			part := w * float64(c.Score)
			s.items[p].Score += part
			s.items[p].Parts[k] += float32(part)
		}
	}
	for _, it := range s.items {
		s.pos[it.Item] = -1
	}
	return bestOf(s.items, n)
}

// better orders ranked items: higher score, then lower item.
func better(a, b Item) bool {
	if a.Score != b.Score {
		return a.Score > b.Score
	}
	return a.Item < b.Item
}

// bestOf returns a new slice of the n best of xs, best first. It keeps a heap
// of n (worst at the root) instead of sorting all of xs: tuning asks for 10
// of about a thousand candidates many times over. xs is reordered.
func bestOf(xs []Item, n int) []Item {
	if n <= 0 || len(xs) == 0 {
		return []Item{}
	}
	h := xs[:0:0]
	if len(xs) > n {
		h = xs[:n]
		for k := n/2 - 1; k >= 0; k-- {
			siftDown(h, k)
		}
		for _, x := range xs[n:] {
			if better(x, h[0]) {
				h[0] = x
				siftDown(h, 0)
			}
		}
	} else {
		h = xs
	}
	out := make([]Item, len(h))
	copy(out, h)
	sort.Slice(out, func(a, b int) bool { return better(out[a], out[b]) })
	return out
}

// siftDown restores the heap property (worst item at the root) below k.
func siftDown(h []Item, k int) {
	for {
		c := 2*k + 1
		if c >= len(h) {
			return
		}
		if c+1 < len(h) && better(h[c], h[c+1]) {
			c++
		}
		if !better(h[k], h[c]) {
			return
		}
		h[k], h[c] = h[c], h[k]
		k = c
	}
}

// Rank returns user u's n best unseen items.
func (b *Blend) Rank(u int, n int) []Item {
	s := newScratch(b.M.Items)
	return b.rank(u, n, s)
}

func (b *Blend) rank(u, n int, s *scratch) []Item {
	b.applySocial()
	return combine(b.lists(u, s), b.Params.Weights, n, s)
}

// RankAll ranks every user in users with workers goroutines and hands each
// list to emit (called concurrently).
func (b *Blend) RankAll(users []int, n, workers int, emit func(u int, items []Item)) {
	b.applySocial()
	b.eachUser(users, workers, func(_, u int, s *scratch) {
		emit(u, combine(b.lists(u, s), b.Params.Weights, n, s))
	})
}

// rankBlock is how many users' ALS scores one blocked product computes.
const rankBlock = 32

// eachUser calls fn(k, users[k], s) for every user, on workers goroutines
// each with its own scratch s, rankBlock users at a time: when the blend
// draws on an ALS model, the block's scores come from one blocked matrix
// product (ALS.scoreBlock) instead of one matrix-vector product per user.
func (b *Blend) eachUser(users []int, workers int, fn func(k, u int, s *scratch)) {
	var als *ALS
	for _, src := range SourceOrder {
		if a, ok := b.Sources[src].(*ALS); ok && b.Params.Weights[src] > 0 {
			als = a
			break
		}
	}
	blocks := (len(users) + rankBlock - 1) / rankBlock
	parallel(blocks, workers, func() func(int) {
		s := newScratch(b.M.Items)
		return func(blk int) {
			lo, hi := blk*rankBlock, min((blk+1)*rankBlock, len(users))
			items := 0
			if als != nil {
				items = len(als.V) / als.Config.Factors
				if len(s.block) < (hi-lo)*items {
					s.block = make([]float64, rankBlock*items)
				}
				als.scoreBlock(users[lo:hi], s.block)
			}
			for k := lo; k < hi; k++ {
				if als != nil {
					r := k - lo
					s.alsRow, s.alsOf, s.alsUser = s.block[r*items:(r+1)*items], als, users[k]
				}
				fn(k, users[k], s)
			}
			s.alsRow = nil
		}
	})
}

// applySocial hands the blend's half-life and cap to the social source.
func (b *Blend) applySocial() {
	if so, ok := b.Sources[SourceSocial].(*Social); ok {
		so.Cap, so.Now, so.HalfLife = b.Params.SocialCap, b.Now, b.Params.HalfLife.Seconds()
	}
}

// NDCG is normalised discounted cumulative gain of ranked at k against the
// relevant items (binary relevance).
func NDCG(ranked []int32, relevant []int32, k int) float64 {
	if len(relevant) == 0 {
		return 0
	}
	rel := make(map[int32]bool, len(relevant))
	for _, i := range relevant {
		rel[i] = true
	}
	dcg, idcg := 0.0, 0.0
	for p, i := range ranked[:min(k, len(ranked))] {
		if rel[i] {
			dcg += 1 / math.Log2(float64(p+2))
		}
	}
	for p := 0; p < min(k, len(rel)); p++ {
		idcg += 1 / math.Log2(float64(p+2))
	}
	return dcg / idcg
}
