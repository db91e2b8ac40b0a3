package learn

import (
	"math/rand/v2"
	"sync"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
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
// rows): x_r = (YᵀY + Yᵀ(C_r − I)Y + λI)⁻¹ YᵀC_r p_r.
func solveSide(x, y []float64, n, ny, f int, cfg ALSConfig, workers int, obs func(int) ([]int32, []float32)) {
	gram := mat.NewSymDense(f, nil)
	gram.SymOuterK(1, mat.NewDense(ny, f, y).T())
	parallel(n, workers, func() func(r int) {
		a := mat.NewSymDense(f, nil)
		b := mat.NewVecDense(f, nil)
		sol := mat.NewVecDense(f, nil)
		var chol mat.Cholesky
		return func(r int) {
			idx, ws := obs(r)
			xr := x[r*f : (r+1)*f]
			if len(idx) == 0 {
				clear(xr)
				return
			}
			a.CopySym(gram)
			b.Zero()
			for k, j := range idx {
				c := 1 + cfg.Alpha*float64(ws[k])
				yj := mat.NewVecDense(f, y[int(j)*f:(int(j)+1)*f])
				a.SymRankOne(a, c-1, yj)
				b.AddScaledVec(b, c, yj)
			}
			for d := 0; d < f; d++ {
				a.SetSym(d, d, a.At(d, d)+cfg.Reg)
			}
			if !chol.Factorize(a) {
				clear(xr)
				return
			}
			if err := chol.SolveVecTo(sol, b); err != nil {
				if _, ill := err.(mat.Condition); !ill {
					clear(xr)
					return
				}
			}
			copy(xr, sol.RawVector().Data)
		}
	})
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
	blas64.Gemv(blas.NoTrans, 1,
		blas64.General{Rows: items, Cols: f, Stride: f, Data: a.V},
		blas64.Vector{N: f, Inc: 1, Data: a.U[u*f : (u+1)*f]},
		0, blas64.Vector{N: items, Inc: 1, Data: y})
	return y
}

// Score implements Scorer: the dot product of the user's and each item's
// factors (hist is not used: the user's factors already hold their history),
// as one matrix-vector product V·x_u (gonum's BLAS).
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
	y := (*buf)[:items]
	blas64.Gemv(blas.NoTrans, 1,
		blas64.General{Rows: items, Cols: f, Stride: f, Data: a.V},
		blas64.Vector{N: f, Inc: 1, Data: a.U[u*f : (u+1)*f]},
		0, blas64.Vector{N: items, Inc: 1, Data: y})
	for i, v := range y {
		out[i] += float32(v)
	}
	a.buf.Put(buf)
}
