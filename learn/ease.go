package learn

import (
	"errors"
	"sort"

	"gonum.org/v1/gonum/mat"
)

// EASEConfig tunes EASE (Steck 2019) on the catalogue's head.
type EASEConfig struct {
	// Lambda is the L2 penalty on the item-item weights.
	Lambda float64
	// Head is how many of the most engaged items the model covers (the
	// Head × Head inverse costs Head³); items outside it score 0.
	Head int
}

// EASE is a closed-form item-item linear model: B = I − P·diag(1/diag P)
// with P = (XᵀX + λI)⁻¹ and a zero diagonal.
type EASE struct {
	Config EASEConfig
	// Head lists the items covered; pos maps an item to its row (−1: none).
	Head []int32
	pos  []int32
	B    []float64 // len(Head)², row-major: B[a][b] is what item a adds to b
}

// TrainEASE fits EASE on the Config.Head items with the most users.
func TrainEASE(m *Matrix, cfg EASEConfig) (*EASE, error) {
	head := headItems(m, cfg.Head)
	if len(head) == 0 {
		return nil, errors.New("ease: no engaged items")
	}
	h := len(head)
	e := &EASE{Config: cfg, Head: head, pos: make([]int32, m.Items)}
	for i := range e.pos {
		e.pos[i] = -1
	}
	for a, i := range e.Head {
		e.pos[i] = int32(a)
	}
	g := e.gram(m)
	for a := 0; a < h; a++ {
		g[a*h+a] += cfg.Lambda
	}
	var chol mat.Cholesky
	if !chol.Factorize(mat.NewSymDense(h, g)) {
		return nil, errors.New("ease: gram matrix is not positive definite")
	}
	var p mat.SymDense
	if err := chol.InverseTo(&p); err != nil {
		if _, ill := err.(mat.Condition); !ill {
			return nil, err
		}
	}
	e.B = make([]float64, h*h)
	for a := 0; a < h; a++ {
		for b := 0; b < h; b++ {
			if a != b {
				e.B[a*h+b] = -p.At(a, b) / p.At(b, b)
			}
		}
	}
	return e, nil
}

// headItems returns at most n items, those with the most users first (ties
// in item order), leaving out items nobody engaged with.
func headItems(m *Matrix, n int) []int32 {
	order := make([]int32, m.Items)
	for i := range order {
		order[i] = int32(i)
	}
	sort.SliceStable(order, func(a, b int) bool {
		ua, _ := m.Col(int(order[a]))
		ub, _ := m.Col(int(order[b]))
		return len(ua) > len(ub)
	})
	h := min(n, m.Items)
	for h > 0 {
		if us, _ := m.Col(int(order[h-1])); len(us) > 0 {
			break
		}
		h--
	}
	return append([]int32(nil), order[:h]...)
}

// gram is the head items' weighted co-occurrence matrix (h×h, row-major):
// Σ over users of w(a)·w(b).
func (e *EASE) gram(m *Matrix) []float64 {
	h := len(e.Head)
	g := make([]float64, h*h)
	var rowPos []int32
	var rowW []float64
	for u := 0; u < m.Users; u++ {
		items, ws, _ := m.Row(u)
		rowPos, rowW = rowPos[:0], rowW[:0]
		for k, i := range items {
			if p := e.pos[i]; p >= 0 {
				rowPos = append(rowPos, p)
				rowW = append(rowW, float64(ws[k]))
			}
		}
		for x, a := range rowPos {
			for y, b := range rowPos {
				g[int(a)*h+int(b)] += rowW[x] * rowW[y]
			}
		}
	}
	return g
}

// Score implements Scorer: Σ over the user's head items of hist · B row.
func (e *EASE) Score(_ int, items []int32, hist []float32, out []float32) {
	h := len(e.Head)
	for k, i := range items {
		a := e.pos[i]
		if a < 0 {
			continue
		}
		w := float64(hist[k])
		row := e.B[int(a)*h : (int(a)+1)*h]
		for b, v := range row {
			out[e.Head[b]] += float32(w * v)
		}
	}
}

// ScoreSparse implements sparseScorer: only the head can score.
func (e *EASE) ScoreSparse(u int, items []int32, hist []float32, out []float32, touched []int32) []int32 {
	for _, i := range items {
		if e.pos[i] >= 0 {
			e.Score(u, items, hist, out)
			return append(touched, e.Head...)
		}
	}
	return touched
}

// Neighbours returns item i's top-k positive weights as neighbours (nil
// outside the head), the form the online path sums over.
func (e *EASE) Neighbours(i int32, k int) []Neighbour {
	a := e.pos[i]
	if a < 0 {
		return nil
	}
	h := len(e.Head)
	t := &topK{}
	t.reset(k)
	for b, v := range e.B[int(a)*h : (int(a)+1)*h] {
		t.offer(Neighbour{Item: e.Head[b], Score: float32(v)})
	}
	return t.sorted()
}
