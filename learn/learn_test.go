package learn

import (
	"math"
	"math/rand/v2"
	"sort"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// baskets builds a matrix from each user's items (weight 1, time = order).
func baskets(items int, bs ...[]int32) *Matrix {
	var xs []Interaction
	for u, b := range bs {
		for k, i := range b {
			xs = append(xs, Interaction{User: int32(u), Item: i, Weight: 1, At: int64(1000 + k)})
		}
	}
	return NewMatrix(len(bs), items, xs)
}

func TestMatrixRowsAndColumns(t *testing.T) {
	m := NewMatrix(2, 3, []Interaction{
		{User: 1, Item: 2, Weight: 0.5, At: 10}, {User: 0, Item: 1, Weight: 1, At: 5},
		{User: 1, Item: 0, Weight: 1, At: 7}, {User: 1, Item: 2, Weight: 1, At: 3}, // repeat: max weight, latest time
	})
	items, ws, ats := m.Row(1)
	if diff := cmp.Diff([]int32{0, 2}, items); diff != "" {
		t.Fatalf("row 1 items (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]float32{1, 1}, ws); diff != "" {
		t.Fatalf("row 1 weights (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]int64{7, 10}, ats); diff != "" {
		t.Fatalf("row 1 times (-want +got):\n%s", diff)
	}
	us, _ := m.Col(2)
	if diff := cmp.Diff([]int32{1}, us); diff != "" {
		t.Fatalf("column 2 (-want +got):\n%s", diff)
	}
	if m.NNZ() != 3 || !m.Has(0, 1) || m.Has(0, 2) {
		t.Fatalf("nnz %d, has(0,1) %v, has(0,2) %v", m.NNZ(), m.Has(0, 1), m.Has(0, 2))
	}
}

func TestKNNCosineOnKnownBaskets(t *testing.T) {
	// The same baskets as recommend's co-engagement test: items 0,1,2 and 3,4.
	m := baskets(5, []int32{0, 1}, []int32{0, 1, 2}, []int32{1, 2}, []int32{3, 4}, []int32{3})
	knn := TrainKNN(m, KNNConfig{K: 2}, 2)
	nb := func(i int32, s float64) Neighbour { return Neighbour{Item: i, Score: float32(s)} }
	want := [][]Neighbour{
		{nb(1, 2/math.Sqrt(2*3)), nb(2, 1/math.Sqrt(2*2))},
		{nb(0, 2/math.Sqrt(3*2)), nb(2, 2/math.Sqrt(3*2))},
		{nb(1, 2/math.Sqrt(2*3)), nb(0, 1/math.Sqrt(2*2))},
		{nb(4, 1/math.Sqrt(2*1))},
		{nb(3, 1/math.Sqrt(1*2))},
	}
	if diff := cmp.Diff(want, knn.Neighbours, cmpopts.EquateApprox(0, 1e-6)); diff != "" {
		t.Fatalf("cosine top-2 (-want +got):\n%s", diff)
	}
	// Shrinkage scales by c/(c+shrink): the pair seen by two users keeps
	// more than the pair seen by one.
	shrunk := TrainKNN(m, KNNConfig{K: 2, Shrink: 1}, 1)
	if got, want := shrunk.Neighbours[0][0].Score, float32(2/math.Sqrt(6)*2/3); math.Abs(float64(got-want)) > 1e-6 {
		t.Fatalf("shrunk sim(0,1) = %v, want %v", got, want)
	}
	if got, want := shrunk.Neighbours[0][1].Score, float32(0.5*0.5); math.Abs(float64(got-want)) > 1e-6 {
		t.Fatalf("shrunk sim(0,2) = %v, want %v", got, want)
	}
	out := make([]float32, 5)
	knn.Score(0, []int32{0}, []float32{2}, out)
	if diff := cmp.Diff([]float32{0, 2 * float32(2/math.Sqrt(6)), 2 * 0.5, 0, 0}, out, cmpopts.EquateApprox(0, 1e-6)); diff != "" {
		t.Fatalf("scores (-want +got):\n%s", diff)
	}
}

// twoGroups: users 0-9 like items 0-4, users 10-19 items 5-9; each user
// misses one item of their group.
func twoGroups() *Matrix {
	var bs [][]int32
	for u := 0; u < 20; u++ {
		base := int32(0)
		if u >= 10 {
			base = 5
		}
		var b []int32
		for k := int32(0); k < 5; k++ {
			if int(k) != u%5 {
				b = append(b, base+k)
			}
		}
		bs = append(bs, b)
	}
	return baskets(10, bs...)
}

// best returns the top unseen item for u.
func best(sc Scorer, m *Matrix, u int) int32 {
	b := &Blend{M: m, Sources: map[string]Scorer{SourceModel: sc}, Params: Params{Weights: map[string]float64{SourceModel: 1}}}
	items := b.Rank(u, 1)
	if len(items) == 0 {
		return -1
	}
	return items[0].Item
}

func TestModelsFindTheMissingItemOfTheGroup(t *testing.T) {
	m := twoGroups()
	als := TrainALS(m, ALSConfig{Factors: 4, Reg: 0.1, Alpha: 10, Iterations: 10, Seed: 1}, 2)
	ease, err := TrainEASE(m, EASEConfig{Lambda: 1, Head: 10})
	if err != nil {
		t.Fatal(err)
	}
	knn := TrainKNN(m, KNNConfig{K: 5}, 2)
	for name, sc := range map[string]Scorer{"als": als, "ease": ease, "knn": knn} {
		for _, u := range []int{0, 3, 12} {
			want := int32(u % 5)
			if u >= 10 {
				want += 5
			}
			if got := best(sc, m, u); got != want {
				t.Errorf("%s: user %d gets %d first, want %d", name, u, got, want)
			}
		}
	}
	// ALS is reproducible: same seed, same factors, whatever the workers.
	again := TrainALS(m, ALSConfig{Factors: 4, Reg: 0.1, Alpha: 10, Iterations: 10, Seed: 1}, 1)
	if diff := cmp.Diff(als.U, again.U); diff != "" {
		t.Fatalf("ALS differs between runs (-first +second):\n%s", diff)
	}
}

func TestEASEHeadAndNeighbours(t *testing.T) {
	m := twoGroups()
	e, err := TrainEASE(m, EASEConfig{Lambda: 1, Head: 5})
	if err != nil {
		t.Fatal(err)
	}
	if len(e.Head) != 5 {
		t.Fatalf("head = %v", e.Head)
	}
	out := make([]float32, 10)
	// A user of items outside the head gets nothing from EASE.
	var outside []int32
	for i := int32(0); i < 10; i++ {
		if e.pos[i] < 0 {
			outside = append(outside, i)
		}
	}
	e.Score(0, outside, []float32{1, 1, 1, 1, 1}, out)
	for _, v := range out {
		if v != 0 {
			t.Fatalf("scores from outside the head: %v", out)
		}
	}
	ns := e.Neighbours(e.Head[0], 3)
	if len(ns) == 0 || len(ns) > 3 {
		t.Fatalf("neighbours = %v", ns)
	}
	for _, n := range ns {
		if n.Score <= 0 || e.pos[n.Item] < 0 {
			t.Fatalf("neighbour %v: want positive weights inside the head", n)
		}
	}
}

func TestNDCGKnownValues(t *testing.T) {
	for _, tc := range []struct {
		ranked, relevant []int32
		want             float64
	}{
		{[]int32{1, 2, 3}, []int32{1}, 1},
		{[]int32{2, 1, 3}, []int32{1}, 1 / math.Log2(3)},
		{[]int32{1, 2, 3, 4}, []int32{1, 3}, (1 + 1/math.Log2(4)) / (1 + 1/math.Log2(3))},
		{[]int32{5, 6}, []int32{1}, 0},
		{[]int32{1}, nil, 0},
	} {
		if got := NDCG(tc.ranked, tc.relevant, 3); math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("NDCG@3(%v, %v) = %v, want %v", tc.ranked, tc.relevant, got, tc.want)
		}
	}
}

func TestHoldoutKeepsTrainingAndTargetsApart(t *testing.T) {
	m := twoGroups()
	v := Holdout(m, 0.25, 1, 7, 0)
	held := 0
	for u := 0; u < m.Users; u++ {
		items, _, _ := v.Train.Row(u)
		orig, _, _ := m.Row(u)
		if len(items) == 0 || len(items)+len(v.Targets[u]) != len(orig) {
			t.Fatalf("user %d: %d kept + %d held of %d", u, len(items), len(v.Targets[u]), len(orig))
		}
		for _, i := range v.Targets[u] {
			if v.Train.Has(u, i) || !m.Has(u, i) {
				t.Fatalf("user %d: target %d leaks into training or was never seen", u, i)
			}
			held++
		}
	}
	if held != 20 || len(v.Users) != 20 {
		t.Fatalf("%d held out for %d users", held, len(v.Users))
	}
	if again := Holdout(m, 0.25, 1, 7, 0); !cmp.Equal(v.Targets, again.Targets) {
		t.Fatal("the same seed holds out different interactions")
	}
	if sample := Holdout(m, 0.25, 1, 7, 5); len(sample.Users) != 5 {
		t.Fatalf("sampled %d users, want 5", len(sample.Users))
	}
}

func TestBlendHonoursWeightsAndSocial(t *testing.T) {
	// User 0 follows user 1, who liked item 3; popularity favours item 2.
	m := baskets(4, []int32{0}, []int32{3}, []int32{2}, []int32{2, 1})
	so := NewSocial(m, [][]int32{{1}, nil, nil, nil}, 1)
	b := &Blend{M: m, Sources: map[string]Scorer{SourcePopularity: TrainPopularity(m), SourceSocial: so}}
	b.Params = Params{Weights: map[string]float64{SourcePopularity: 1, SourceSocial: 0.5}}
	if got := b.Rank(0, 3); got[0].Item != 2 {
		t.Fatalf("popularity-led ranking: %+v", got)
	}
	b.Params = Params{Weights: map[string]float64{SourcePopularity: 1, SourceSocial: 2}}
	got := b.Rank(0, 3)
	if got[0].Item != 3 || got[0].Parts[2] != 2 {
		t.Fatalf("social-led ranking: %+v", got)
	}
	for _, it := range got {
		if it.Item == 0 {
			t.Fatalf("recommended the user's own item: %+v", got)
		}
	}
}

func TestTrainPicksAModelAndTunesOnValidationOnly(t *testing.T) {
	m := twoGroups()
	cfg := Config{
		KNN:  []KNNConfig{{K: 5}},
		ALS:  []ALSConfig{{Factors: 4, Reg: 0.1, Alpha: 10, Iterations: 5, Seed: 1}},
		EASE: []EASEConfig{{Lambda: 1, Head: 10}},
		Seed: 3, K: 3, Workers: 2,
	}
	tr, err := Train(Data{M: m, LikeWeight: 1}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(tr.Report.Trials) != 3 || tr.Report.Model == "" || tr.Report.NDCG <= 0 {
		t.Fatalf("report: %+v", tr.Report)
	}
	if tr.Blend.Params.Weights[SourceModel] != 1 {
		t.Fatalf("blend params: %+v", tr.Blend.Params)
	}
	if tr.Blend.M != m {
		t.Fatal("the final blend is not refit on all the data")
	}
}

// denseOnly hides a source's sparse and catalogue-order paths, so ranking
// takes the plain dense one.
type denseOnly struct{ Scorer }

func TestSparseRankingMatchesDense(t *testing.T) {
	// A random shop: 300 users, 500 items, popular items engaged more.
	rng := rand.New(rand.NewPCG(7, 7))
	var xs []Interaction
	for u := 0; u < 300; u++ {
		for n := 0; n < 2+rng.IntN(30); n++ {
			i := int32(rng.IntN(500) * rng.IntN(500) / 500)
			w := float32(1)
			if rng.IntN(3) == 0 {
				w = 0.3
			}
			xs = append(xs, Interaction{User: int32(u), Item: i, Weight: w, At: int64(1000 + rng.IntN(1000))})
		}
	}
	m := NewMatrix(300, 500, xs)
	follows := make([][]int32, 300)
	exclude := make([][]int32, 300)
	for u := range follows {
		for n := 0; n < rng.IntN(8); n++ {
			follows[u] = append(follows[u], int32(rng.IntN(300)))
		}
		exclude[u] = []int32{int32(rng.IntN(500))}
	}
	ease, err := TrainEASE(m, EASEConfig{Lambda: 10, Head: 100})
	if err != nil {
		t.Fatal(err)
	}
	sources := map[string]Scorer{
		SourceModel:      ease,
		SourceKNN:        TrainKNN(m, KNNConfig{K: 20, Shrink: 5, IDF: true}, 2),
		SourceSocial:     NewSocial(m, follows, 1),
		SourcePopularity: TrainPopularity(m),
	}
	dense := map[string]Scorer{}
	for src, sc := range sources {
		dense[src] = denseOnly{sc}
	}
	params := Params{Weights: map[string]float64{SourceModel: 1, SourceKNN: 0.5, SourceSocial: 0.3, SourcePopularity: 0.1}, HalfLife: 500 * time.Second, SocialCap: 5}
	// The model is EASE (sparse path), then ALS (its own dense path).
	for _, model := range []Scorer{ease, TrainALS(m, ALSConfig{Factors: 8, Reg: 0.1, Alpha: 5, Iterations: 3, Seed: 1}, 2)} {
		sources[SourceModel], dense[SourceModel] = model, denseOnly{model}
		rankingsAgree(t, m, sources, dense, exclude, params)
	}
}

func rankingsAgree(t *testing.T, m *Matrix, sources, dense map[string]Scorer, exclude [][]int32, params Params) {
	t.Helper()
	for _, src := range SourceOrder {
		for name, p := range map[string]Params{"alone": {Weights: map[string]float64{src: 1}}, "blend": params} {
			fast := &Blend{M: m, Sources: sources, Params: p, Now: 2000, Candidates: 40, Exclude: exclude}
			slow := &Blend{M: m, Sources: dense, Params: p, Now: 2000, Candidates: 40, Exclude: exclude}
			users := make([]int, 300)
			for u := range users {
				users[u] = u
			}
			got, want := make([][]Item, 300), make([][]Item, 300)
			fast.RankAll(users, 30, 2, func(u int, items []Item) { got[u] = items })
			slow.RankAll(users, 30, 2, func(u int, items []Item) { want[u] = items })
			if diff := cmp.Diff(want, got); diff != "" {
				t.Fatalf("%s %s (model %T): sparse ranking differs from dense (-dense +sparse):\n%s", src, name, sources[SourceModel], diff)
			}
		}
	}
}

func TestCombineKeepsTheBestInOrder(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	w := map[string]float64{SourceModel: 1, SourceKNN: 0.5, SourceSocial: 0, SourcePopularity: 0.25}
	s := newScratch(0)
	for round := 0; round < 200; round++ {
		var ls [4][]cand
		for k := range ls {
			for n := 0; n < rng.IntN(60); n++ {
				// Few distinct scores, so ties are ordered by item.
				ls[k] = append(ls[k], cand{Item: int32(rng.IntN(80)), Score: float32(rng.IntN(4)) / 4})
			}
		}
		// The plain way: sum in a map, sort everything, cut.
		sum := map[int32]*Item{}
		for k, src := range SourceOrder {
			if w[src] <= 0 {
				continue
			}
			for _, c := range ls[k] {
				it := sum[c.Item]
				if it == nil {
					it = &Item{Item: c.Item}
					sum[c.Item] = it
				}
				part := w[src] * float64(c.Score)
				it.Score += part
				it.Parts[k] += float32(part)
			}
		}
		want := []Item{}
		for _, it := range sum {
			want = append(want, *it)
		}
		sort.Slice(want, func(a, b int) bool { return better(want[a], want[b]) })
		n := rng.IntN(30)
		want = want[:min(n, len(want))]
		if diff := cmp.Diff(want, combine(ls, w, n, s)); diff != "" {
			t.Fatalf("round %d, n %d (-sorted +combined):\n%s", round, n, diff)
		}
	}
}

// The CF-only blend is tuned when there is a social source, unless skipped;
// skipping it changes nothing else.
func TestTrainSkipsTheCFOnlyBlendWhenAsked(t *testing.T) {
	m := twoGroups()
	follows := make([][]int32, m.Users)
	for u := range follows {
		follows[u] = []int32{int32((u + 1) % m.Users)}
	}
	cfg := Config{KNN: []KNNConfig{{K: 5}}, Seed: 3, K: 3, Workers: 2}
	d := Data{M: m, Follows: follows, LikeWeight: 1}
	full, err := Train(d, cfg)
	if err != nil {
		t.Fatal(err)
	}
	cfg.SkipCFOnly = true
	skipped, err := Train(d, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if full.CFOnly == nil || full.Report.CFOnly == nil {
		t.Fatal("no CF-only blend tuned with a social source")
	}
	if skipped.CFOnly != nil || skipped.Report.CFOnly != nil {
		t.Fatalf("CF-only blend tuned although skipped: %+v", skipped.Report.CFOnly)
	}
	if diff := cmp.Diff(full.Blend.Params, skipped.Blend.Params); diff != "" {
		t.Fatalf("blend params (-tuned with CF-only +skipped):\n%s", diff)
	}
}

// topK keeps exactly the k best of what it is offered, best first, as
// sorting everything would (scores with ties, and non-positive ones that
// never count).
func TestTopKMatchesASort(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, k := range []int{1, 3, 10, 300} {
		var all []Neighbour
		h := &topK{}
		h.reset(k)
		for i := 0; i < 1000; i++ {
			n := Neighbour{Item: int32(i), Score: float32(rng.IntN(50)-5) / 10}
			all = append(all, n)
			h.offer(n)
		}
		var want []Neighbour
		for _, n := range all {
			if n.Score > 0 {
				want = append(want, n)
			}
		}
		sort.Slice(want, func(a, b int) bool { return worse(want[b], want[a]) })
		want = want[:min(k, len(want))]
		if diff := cmp.Diff(want, h.sorted()); diff != "" {
			t.Fatalf("k=%d (-sorted +topK):\n%s", k, diff)
		}
	}
}
