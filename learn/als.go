package learn

import (
	"math/rand/v2"
	"sync"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/lapack/lapack64"
	"gonum.org/v1/gonum/mat"
)

// ALSConfig tunes implicit-feedback matrix factorisation (Hu, Koren and
// Volinsky 2008): confidence 1 + Alpha·weight on observed pairs, preference 1,
// L2 regularisation Reg.
type ALSConfig struct {
	Factors    int
	Reg        float64
	Alpha      float64
	Iterations int
	// Seed makes the initial factors, and so the model, reproducible.
	Seed uint64
}

// ALS holds user and item factors, row-major.
type ALS struct {
	Config ALSConfig
	U, V   []float64
	// vt is V transposed (Factors × items), built once for scoring: a
	// user's scores are then a sum of Factors rows scaled by the user's
	// factors, which reads a chunk of items per factor contiguously.
	vtOnce sync.Once
	vt     []float64
	// buf holds scoring scratch (one item-length vector per goroutine).
	buf sync.Pool
}

// TrainALS alternates exact least-squares solves for users and items
// (Cholesky of a Factors × Factors system each), workers rows at a time.
// Every solve depends only on the other side's factors, so the result does
// not depend on scheduling.
func TrainALS(m *Matrix, cfg ALSConfig, workers int) *ALS {
	f := cfg.Factors
	rng := rand.New(rand.NewPCG(cfg.Seed, 0x5eed))
	a := &ALS{Config: cfg, U: make([]float64, m.Users*f), V: make([]float64, m.Items*f)}
	for k := range a.V {
		a.V[k] = rng.NormFloat64() * 0.01
	}
	for it := 0; it < cfg.Iterations; it++ {
		solveSide(a.U, a.V, m.Users, m.Items, f, cfg, workers, func(u int) ([]int32, []float32) {
			row, w, _ := m.Row(u)
			return row, w
		})
		solveSide(a.V, a.U, m.Items, m.Users, f, cfg, workers, m.Col)
	}
	return a
}

// solveSide recomputes every row of x (n rows) from the fixed factors y (ny
// rows): x_r = (YᵀY + Yᵀ(C_r − I)Y + λI)⁻¹ YᵀC_r p_r. Each system is
// symmetric positive definite (λ > 0), so it is solved by a Cholesky
// factorisation and two triangular solves (LAPACK potrf/potrs) and nothing
// else: mat.Cholesky would also estimate the condition number on every
// solve, which cost more than the solve.
func solveSide(x, y []float64, n, ny, f int, cfg ALSConfig, workers int, obs func(int) ([]int32, []float32)) {
	gram := mat.NewSymDense(f, nil)
	gram.SymOuterK(1, mat.NewDense(ny, f, y).T())
	g := gram.RawSymmetric()
	parallel(n, workers, func() func(r int) {
		a := blas64.Symmetric{Uplo: blas.Upper, N: f, Stride: f, Data: make([]float64, f*f)}
		b := make([]float64, f)
		rhs := blas64.General{Rows: f, Cols: 1, Stride: 1, Data: b}
		return func(r int) {
			idx, ws := obs(r)
			xr := x[r*f : (r+1)*f]
			if len(idx) == 0 {
				clear(xr)
				return
			}
			for d := 0; d < f; d++ {
				copy(a.Data[d*f+d:(d+1)*f], g.Data[d*g.Stride+d:d*g.Stride+f])
			}
			clear(b)
			for k, j := range idx {
				c := 1 + cfg.Alpha*float64(ws[k])
				yj := blas64.Vector{N: f, Inc: 1, Data: y[int(j)*f : (int(j)+1)*f]}
				blas64.Syr(c-1, yj, a)
				blas64.Axpy(c, yj, blas64.Vector{N: f, Inc: 1, Data: b})
			}
			for d := 0; d < f; d++ {
				a.Data[d*f+d] += cfg.Reg
			}
			t, ok := lapack64.Potrf(a)
			if !ok {
				clear(xr)
				return
			}
			lapack64.Potrs(t, rhs)
			copy(xr, b)
		}
	})
}

// transposed returns Vᵀ, built on first use.
func (a *ALS) transposed() []float64 {
	a.vtOnce.Do(func() {
		f := a.Config.Factors
		items := len(a.V) / f
		a.vt = make([]float64, len(a.V))
		for i := 0; i < items; i++ {
			for d := 0; d < f; d++ {
				a.vt[d*items+i] = a.V[i*f+d]
			}
		}
	})
	return a.vt
}

// scoreChunk is how many items a blocked product scores for every user of
// the block before moving on: 32 factors × 1,024 items of Vᵀ (256 KB) stay
// in cache while the block's users read them.
const scoreChunk = 1024

// scoreBlock puts into out (len(users) × items, row k for users[k}) every
// item's score for each of users, as the matrix product U_users · Vᵀ taken a
// chunk of items at a time, so that Vᵀ is read from memory once per block
// instead of once per user. Each score is summed in the same order as
// scores sums it, so both give the same bits. Users without factors get a
// row of zeros.
func (a *ALS) scoreBlock(users []int, out []float64) {
	f := a.Config.Factors
	items := len(a.V) / f
	vt := a.transposed()
	for lo := 0; lo < items; lo += scoreChunk {
		hi := min(lo+scoreChunk, items)
		chunk := blas64.General{Rows: f, Cols: hi - lo, Stride: items, Data: vt[lo:]}
		for k, u := range users {
			y := blas64.Vector{N: hi - lo, Inc: 1, Data: out[k*items+lo : k*items+hi]}
			if u < 0 || (u+1)*f > len(a.U) {
				clear(y.Data)
				continue
			}
			blas64.Gemv(blas.Trans, 1, chunk, blas64.Vector{N: f, Inc: 1, Data: a.U[u*f : (u+1)*f]}, 0, y)
		}
	}
}

// scores puts every item's score for user u in y (grown to the catalogue as
// needed) and returns it; nil for a user without factors.
func (a *ALS) scores(u int, y []float64) []float64 {
	f := a.Config.Factors
	if u < 0 || (u+1)*f > len(a.U) {
		return nil
	}
	items := len(a.V) / f
	if cap(y) < items {
		y = make([]float64, items)
	}
	y = y[:items]
	a.scoreBlock([]int{u}, y)
	return y
}

// Score implements Scorer: the dot product of the user's and each item's
// factors (hist is not used: the user's factors already hold their history).
func (a *ALS) Score(u int, _ []int32, _ []float32, out []float32) {
	f := a.Config.Factors
	if u < 0 || (u+1)*f > len(a.U) {
		return
	}
	items := len(a.V) / f
	buf, _ := a.buf.Get().(*[]float64)
	if buf == nil || len(*buf) < items {
		b := make([]float64, items)
		buf = &b
	}
	y := a.scores(u, (*buf)[:items])
	for i, v := range y {
		out[i] += float32(v)
	}
	a.buf.Put(buf)
}
