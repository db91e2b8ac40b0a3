package learn

import (
	"math"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"gonum.org/v1/gonum/mat"
)

// randomShop is a small random interaction matrix with popular items
// engaged more, and a few users and items with no engagement at all.
func randomShop(seed uint64, users, items int) *Matrix {
	rng := rand.New(rand.NewPCG(seed, seed))
	var xs []Interaction
	for u := 0; u < users-3; u++ {
		for n := 0; n < 1+rng.IntN(25); n++ {
			i := int32(rng.IntN(items-5) * rng.IntN(items-5) / (items - 5))
			w := float32(1)
			if rng.IntN(3) == 0 {
				w = 0.3
			}
			xs = append(xs, Interaction{User: int32(u), Item: i, Weight: w, At: int64(1000 + rng.IntN(1000))})
		}
	}
	return NewMatrix(users, items, xs)
}

// Every item's factors solve its normal equations given the users' factors
// (the last half-step of training): (UᵀU + Σ (c−1) u uᵀ + λI) v = Σ c u,
// checked with gonum's dense matrices, not with the solver under test.
func TestALSSolvesTheNormalEquations(t *testing.T) {
	m := randomShop(11, 200, 150)
	cfg := ALSConfig{Factors: 8, Reg: 0.5, Alpha: 10, Iterations: 3, Seed: 1}
	a := TrainALS(m, cfg, 2)
	f := cfg.Factors
	U := mat.NewDense(m.Users, f, a.U)
	worst := 0.0
	for i := 0; i < m.Items; i++ {
		us, ws := m.Col(i)
		v := mat.NewVecDense(f, a.V[i*f:(i+1)*f])
		if len(us) == 0 {
			if mat.Norm(v, 2) != 0 {
				t.Fatalf("item %d has no users but factors %v", i, a.V[i*f:(i+1)*f])
			}
			continue
		}
		var lhs mat.SymDense
		lhs.SymOuterK(1, U.T())
		rhs := mat.NewVecDense(f, nil)
		for k, u := range us {
			c := 1 + cfg.Alpha*float64(ws[k])
			uu := mat.NewVecDense(f, a.U[int(u)*f:(int(u)+1)*f])
			lhs.SymRankOne(&lhs, c-1, uu)
			rhs.AddScaledVec(rhs, c, uu)
		}
		for d := 0; d < f; d++ {
			lhs.SetSym(d, d, lhs.At(d, d)+cfg.Reg)
		}
		var got mat.VecDense
		got.MulVec(&lhs, v)
		got.SubVec(&got, rhs)
		worst = math.Max(worst, mat.Norm(&got, math.Inf(1))/math.Max(1, mat.Norm(rhs, math.Inf(1))))
	}
	if worst > 1e-9 {
		t.Fatalf("largest relative residual of an item's normal equations %g, want ≤ 1e-9", worst)
	}
}

// The blocked product gives every user the same scores, to the bit, as
// scoring them one at a time, and both are U·Vᵀ.
func TestALSBlockedScoresEqualPerUserScores(t *testing.T) {
	m := randomShop(5, 77, 2500) // more items than a chunk, users not a multiple of a block
	a := TrainALS(m, ALSConfig{Factors: 6, Reg: 1, Alpha: 5, Iterations: 2, Seed: 3}, 2)
	users := []int{3, 0, 76, 40, 41, 12, 12}
	block := make([]float64, len(users)*m.Items)
	a.scoreBlock(users, block)
	f := a.Config.Factors
	for k, u := range users {
		one := a.scores(u, nil)
		if diff := cmp.Diff(one, block[k*m.Items:(k+1)*m.Items]); diff != "" {
			t.Fatalf("user %d: blocked scores differ from per-user ones (-one +blocked):\n%s", u, diff)
		}
		for i := 0; i < m.Items; i++ {
			dot := 0.0
			for d := 0; d < f; d++ {
				dot += a.U[u*f+d] * a.V[i*f+d]
			}
			if math.Abs(dot-one[i]) > 1e-12*math.Max(1, math.Abs(dot)) {
				t.Fatalf("user %d item %d: score %g, want the dot product %g", u, i, one[i], dot)
			}
		}
	}
}

// Ranking a batch of users through blocked ALS scores gives each the list
// ranking them alone gives, with the blend's other sources on.
func TestBlockedRankingEqualsPerUserRanking(t *testing.T) {
	m := randomShop(9, 150, 1300)
	follows := make([][]int32, m.Users)
	exclude := make([][]int32, m.Users)
	for u := range follows {
		follows[u] = []int32{int32((u + 7) % m.Users), int32((u * 3) % m.Users)}
		exclude[u] = []int32{int32(u % m.Items)}
	}
	b := &Blend{M: m, Now: 2000, Candidates: 50, Exclude: exclude,
		Sources: map[string]Scorer{
			SourceModel:      TrainALS(m, ALSConfig{Factors: 8, Reg: 1, Alpha: 10, Iterations: 3, Seed: 1}, 2),
			SourceKNN:        TrainKNN(m, KNNConfig{K: 20}, 2),
			SourceSocial:     NewSocial(m, follows, 1),
			SourcePopularity: TrainPopularity(m),
		},
		Params: Params{Weights: map[string]float64{SourceModel: 1, SourceKNN: 0.5, SourceSocial: 0.2, SourcePopularity: 0.1}, HalfLife: 300 * time.Second},
	}
	users := make([]int, m.Users)
	for u := range users {
		users[u] = m.Users - 1 - u
	}
	got := make([][]Item, m.Users)
	b.RankAll(users, 40, 2, func(u int, items []Item) { got[u] = items })
	for u := 0; u < m.Users; u++ {
		if diff := cmp.Diff(b.Rank(u, 40), got[u]); diff != "" {
			t.Fatalf("user %d: blocked ranking differs from ranking alone (-alone +blocked):\n%s", u, diff)
		}
	}
}

// Tuning keeps the ALS and popularity lists of the first half-life and cap
// for the others; every setting must get the lists computing them anew gives
// (denseOnly hides their types, so nothing is kept for them), and so the
// same choice.
func TestBlendTuningKeepsStaticListsWithoutChangingThem(t *testing.T) {
	m := randomShop(13, 300, 400)
	follows := make([][]int32, m.Users)
	for u := range follows {
		follows[u] = []int32{int32((u + 1) % m.Users), int32((u * 7) % m.Users), int32((u * 13) % m.Users)}
	}
	v := Holdout(m, 0.2, 1, 1, 0)
	sources := map[string]Scorer{
		SourceModel:      TrainALS(v.Train, ALSConfig{Factors: 8, Reg: 1, Alpha: 10, Iterations: 3, Seed: 1}, 2),
		SourceKNN:        TrainKNN(v.Train, KNNConfig{K: 20}, 2),
		SourceSocial:     NewSocial(v.Train, follows, 1),
		SourcePopularity: TrainPopularity(v.Train),
	}
	dense := map[string]Scorer{SourceKNN: sources[SourceKNN], SourceSocial: sources[SourceSocial],
		SourceModel: denseOnly{sources[SourceModel]}, SourcePopularity: denseOnly{sources[SourcePopularity]}}
	settings := []Params{{}, {HalfLife: 300 * time.Second}, {HalfLife: 300 * time.Second, SocialCap: 1}, {SocialCap: 2}}
	fast := &Blend{M: v.Train, Sources: sources, Now: 2000, Candidates: 50}
	anew := &Blend{M: v.Train, Sources: dense, Now: 2000, Candidates: 50}
	var got, want [][][4][]cand
	fast.settingLists(v.Users, 2, settings, func(_ Params, l [][4][]cand) { got = append(got, l) })
	anew.settingLists(v.Users, 2, settings, func(_ Params, l [][4][]cand) { want = append(want, l) })
	// reflect.DeepEqual first: cmp is slow on this many lists.
	for k := range settings {
		if !reflect.DeepEqual(want[k], got[k]) {
			t.Fatalf("setting %+v: lists (-anew +kept):\n%s", settings[k], cmp.Diff(want[k], got[k]))
		}
	}
	if reflect.DeepEqual(got[0], got[1]) || reflect.DeepEqual(got[1], got[2]) {
		t.Fatal("the settings give the same lists: the test shop does not tell them apart")
	}
	cfg := DefaultConfig()
	cfg.defaults()
	gotP, gotN := tuneBlend(fast, v, cfg)
	wantP, wantN := tuneBlend(anew, v, cfg)
	if diff := cmp.Diff(wantP, gotP); diff != "" || gotN != wantN {
		t.Fatalf("tuned with kept lists: NDCG %g, want %g; params (-anew +kept):\n%s", gotN, wantN, diff)
	}
}
