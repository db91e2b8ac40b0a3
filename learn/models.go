package learn

import (
	"math"
	"sort"
	"sync"
)

// Scorer scores items for one user. items are the user's own items and
// hist their weights after recency decay; Score adds each item's score into
// out, which has one slot per item and starts at 0.
type Scorer interface {
	Score(u int, items []int32, hist []float32, out []float32)
}

// Popularity scores every item by how many users engaged with it: the
// baseline a shop would pick first.
type Popularity struct {
	Counts []float32
	// order is the items with a count, most engaged first (ties: lower
	// item first), sorted once for every user's ranking.
	once  sync.Once
	order []int32
}

// top offers to s.heap the best n items not in own or exclude, in the
// order Score would rank them.
func (p *Popularity) top(n int, own, exclude []int32, s *scratch) {
	p.once.Do(func() {
		for i, c := range p.Counts {
			if c > 0 {
				p.order = append(p.order, int32(i))
			}
		}
		sort.Slice(p.order, func(a, b int) bool {
			ca, cb := p.Counts[p.order[a]], p.Counts[p.order[b]]
			if ca != cb {
				return ca > cb
			}
			return p.order[a] < p.order[b]
		})
	})
	// s.dense marks the items to skip while walking, and is cleared after.
	for _, i := range own {
		s.dense[i] = -1
	}
	for _, i := range exclude {
		s.dense[i] = -1
	}
	got := 0
	for _, i := range p.order {
		if got == n {
			break
		}
		if s.dense[i] == 0 {
			s.heap.offer(Neighbour{Item: i, Score: p.Counts[i]})
			got++
		}
	}
	for _, i := range own {
		s.dense[i] = 0
	}
	for _, i := range exclude {
		s.dense[i] = 0
	}
}

// TrainPopularity counts each item's users.
func TrainPopularity(m *Matrix) *Popularity {
	p := &Popularity{Counts: make([]float32, m.Items)}
	for i := 0; i < m.Items; i++ {
		us, _ := m.Col(i)
		p.Counts[i] = float32(len(us))
	}
	return p
}

// Score implements Scorer.
func (p *Popularity) Score(_ int, _ []int32, _ []float32, out []float32) {
	for i, c := range p.Counts {
		out[i] += c
	}
}

// Neighbour is one similar item.
type Neighbour struct {
	Item  int32
	Score float32
}

// KNNConfig tunes item-kNN.
type KNNConfig struct {
	// K neighbours kept per item.
	K int
	// Shrink damps similarities resting on few shared users:
	// sim · n/(n+Shrink), n the (weighted) co-count.
	Shrink float64
	// IDF weights each user's co-occurrences by 1/log2(2+|items of u|), so
	// a user who engaged with everything says little about any pair.
	IDF bool
}

// ItemKNN is item-item cosine similarity over the users two items share,
// keeping the top K per item.
type ItemKNN struct {
	Config     KNNConfig
	Neighbours [][]Neighbour
}

// TrainKNN computes every item's top-K neighbours, workers items at a time.
func TrainKNN(m *Matrix, cfg KNNConfig, workers int) *ItemKNN {
	uw := make([]float32, m.Users)
	for u := range uw {
		uw[u] = 1
		if cfg.IDF {
			row, _, _ := m.Row(u)
			uw[u] = float32(1 / math.Log2(2+float64(len(row))))
		}
	}
	norm := make([]float64, m.Items)
	for i := range norm {
		us, _ := m.Col(i)
		for _, u := range us {
			norm[i] += float64(uw[u])
		}
	}
	knn := &ItemKNN{Config: cfg, Neighbours: make([][]Neighbour, m.Items)}
	parallel(m.Items, workers, func() func(i int) {
		acc := make([]float32, m.Items)
		var touched []int32
		h := &topK{}
		return func(i int) {
			us, _ := m.Col(i)
			for _, u := range us {
				row, _, _ := m.Row(int(u))
				w := uw[u]
				for _, j := range row {
					if acc[j] == 0 {
						touched = append(touched, j)
					}
					acc[j] += w
				}
			}
			h.reset(cfg.K)
			for _, j := range touched {
				c := float64(acc[j])
				acc[j] = 0
				if int(j) == i {
					continue
				}
				sim := c / math.Sqrt(norm[i]*norm[j])
				if cfg.Shrink > 0 {
					sim *= c / (c + cfg.Shrink)
				}
				h.offer(Neighbour{Item: j, Score: float32(sim)})
			}
			touched = touched[:0]
			knn.Neighbours[i] = h.sorted()
		}
	})
	return knn
}

// Score implements Scorer: for each of the user's items (weighted by hist),
// its neighbours' similarities.
func (k *ItemKNN) Score(_ int, items []int32, hist []float32, out []float32) {
	for n, i := range items {
		w := hist[n]
		for _, nb := range k.Neighbours[i] {
			out[nb.Item] += w * nb.Score
		}
	}
}

// ScoreSparse implements sparseScorer.
func (k *ItemKNN) ScoreSparse(_ int, items []int32, hist []float32, out []float32, touched []int32) []int32 {
	for n, i := range items {
		w := hist[n]
		for _, nb := range k.Neighbours[i] {
			out[nb.Item] += w * nb.Score
			touched = append(touched, nb.Item)
		}
	}
	return touched
}

// parallel runs fn(i) for i in [0, n) on workers goroutines; each worker
// gets its own fn from mk (for scratch buffers).
func parallel(n, workers int, mk func() func(i int)) {
	workers = max(1, min(workers, n))
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			fn := mk()
			for i := w; i < n; i += workers {
				fn(i)
			}
		}()
	}
	wg.Wait()
}

// topK keeps the k best neighbours seen (ties: lower item first) in a
// heap with the worst at the root. It is written out rather than built on
// container/heap: ranking offers every catalogue item to it, and the
// interface calls cost more than the comparisons.
type topK struct {
	k  int
	xs []Neighbour
}

func (h *topK) reset(k int) { h.k, h.xs = k, h.xs[:0] }

// worse orders neighbours worst first: lower score, then higher item.
func worse(a, b Neighbour) bool {
	if a.Score != b.Score {
		return a.Score < b.Score
	}
	return a.Item > b.Item
}

func (h *topK) offer(n Neighbour) {
	if h.k <= 0 || n.Score <= 0 {
		return
	}
	if len(h.xs) < h.k {
		h.xs = append(h.xs, n)
		h.up(len(h.xs) - 1)
		return
	}
	if worse(h.xs[0], n) {
		h.xs[0] = n
		h.down(0)
	}
}

func (h *topK) up(k int) {
	for k > 0 {
		p := (k - 1) / 2
		if !worse(h.xs[k], h.xs[p]) {
			return
		}
		h.xs[k], h.xs[p] = h.xs[p], h.xs[k]
		k = p
	}
}

func (h *topK) down(k int) {
	n := len(h.xs)
	for {
		c := 2*k + 1
		if c >= n {
			return
		}
		if c+1 < n && worse(h.xs[c+1], h.xs[c]) {
			c++
		}
		if !worse(h.xs[c], h.xs[k]) {
			return
		}
		h.xs[k], h.xs[c] = h.xs[c], h.xs[k]
		k = c
	}
}

// sorted empties the heap into a new slice, best first.
func (h *topK) sorted() []Neighbour {
	out := make([]Neighbour, len(h.xs))
	for k := len(out) - 1; k >= 0; k-- {
		out[k] = h.xs[0]
		last := len(h.xs) - 1
		h.xs[0] = h.xs[last]
		h.xs = h.xs[:last]
		h.down(0)
	}
	return out
}
