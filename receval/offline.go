package receval

import (
	"fmt"
	"io"
	"sort"
	"time"

	"github.com/stylegraph/stylegraph/learn"
)

// The offline recommenders, as reported: the baselines a user would pick
// (popularity, plain cosine item-kNN, ALS), the learned models, and the
// learned blend with and without the follow graph.
const (
	KNNCosine   = "item-kNN cosine (baseline)"
	ALS         = "ALS matrix factorisation (baseline)"
	KNNLearned  = "item-kNN shrinkage/IDF"
	EASE        = "EASE"
	SocialLikes = "social (followees' likes)"
	BlendCF     = "learned blend, CF only"
	Learned     = "learned blend"
)

// OfflineOrder lists the offline rows as reported.
var OfflineOrder = []string{Popularity, KNNCosine, ALS, KNNLearned, EASE, SocialLikes, BlendCF, Learned}

// OfflineConfig says how to run the in-memory evaluation.
type OfflineConfig struct {
	// K is the cut-off (default 10).
	K int
	// Users caps the test users per fold (0: all), lowest IDs first.
	Users int
	// ViewWeight is the interaction weight of a rating below the like
	// threshold (a like weighs 1; default 0.5).
	ViewWeight float32
	// CosineK are the neighbourhood sizes tried for the cosine baseline
	// (on validation, like everything else).
	CosineK []int
	// Learn is what the tuner tries.
	Learn    learn.Config
	Progress io.Writer
}

func (c *OfflineConfig) defaults() {
	if c.K <= 0 {
		c.K = 10
	}
	if c.ViewWeight <= 0 {
		c.ViewWeight = 0.5
	}
	if len(c.CosineK) == 0 {
		c.CosineK = []int{20, 50, 100, 200}
	}
	if c.Progress == nil {
		c.Progress = io.Discard
	}
	c.Learn.K = c.K
	c.Learn.RefitAll = true
	if c.Learn.Progress == nil {
		c.Learn.Progress = c.Progress
	}
}

// Offline trains and scores every offline recommender on each fold of ds in
// memory. Everything that is chosen (models, neighbourhood sizes, blend
// weights, half-life, social cap) is chosen on a validation split carved
// from the fold's training ratings; the fold's test ratings are only used to
// report. Result.Tuning says which split tuned what.
func Offline(ds Dataset, cfg OfflineConfig) (Result, error) {
	cfg.defaults()
	start := time.Now()
	res := Result{Mean: map[string]Metrics{}, Dataset: ds.Name, Rows: OfflineOrder}
	for _, f := range ds.Folds {
		m, tuning, err := offlineFold(ds, f, cfg)
		if err != nil {
			return res, fmt.Errorf("fold %s: %w", f.Name, err)
		}
		res.PerFold = append(res.PerFold, m)
		res.Folds = append(res.Folds, f.Name)
		res.Tuning = append(res.Tuning, tuning)
	}
	res.average()
	res.Took = time.Since(start)
	return res, nil
}

// foldData is one fold in dense indices.
type foldData struct {
	users    map[int]int32
	items    map[int]int32
	train    *learn.Matrix
	follows  [][]int32
	now      int64
	relevant map[int][]int32 // dense user → relevant test items
	test     []int           // dense users scored, by original ID
}

// prepareFold maps ds's users and items to dense indices and builds the
// fold's training matrix, follow lists and test users.
func prepareFold(ds Dataset, f Fold, cfg OfflineConfig) foldData {
	fd := foldData{items: map[int]int32{}, relevant: map[int][]int32{}}
	for k, m := range ds.Movies {
		fd.items[m.ID] = int32(k)
	}
	fd.users = denseUsers(ds, f)
	fd.train, fd.now = fd.trainMatrix(ds, f, cfg.ViewWeight)
	if ds.Follows != nil {
		fd.follows = make([][]int32, len(fd.users))
		for _, e := range ds.Follows {
			a := fd.users[e[0]]
			fd.follows[a] = append(fd.follows[a], fd.users[e[1]])
		}
	}
	fd.pickTestUsers(ds, f, cfg.Users)
	return fd
}

// denseUsers numbers every user of the fold and of the follow graph, in
// the order of their IDs.
func denseUsers(ds Dataset, f Fold) map[int]int32 {
	ids := map[int]bool{}
	for _, r := range f.Train {
		ids[r.User] = true
	}
	for _, r := range f.Test {
		ids[r.User] = true
	}
	for _, e := range ds.Follows {
		ids[e[0]], ids[e[1]] = true, true
	}
	sorted := make([]int, 0, len(ids))
	for u := range ids {
		sorted = append(sorted, u)
	}
	sort.Ints(sorted)
	users := make(map[int]int32, len(sorted))
	for k, u := range sorted {
		users[u] = int32(k)
	}
	return users
}

// trainMatrix is the fold's training ratings as interactions (a like
// weighs 1, a lower rating viewWeight), and the second after the latest.
func (fd *foldData) trainMatrix(ds Dataset, f Fold, viewWeight float32) (*learn.Matrix, int64) {
	var now int64
	xs := make([]learn.Interaction, 0, len(f.Train))
	for _, r := range f.Train {
		w := viewWeight
		if r.Score >= ds.LikeAt {
			w = 1
		}
		var at int64
		if !r.At.IsZero() {
			at = r.At.Unix()
			now = max(now, at+1)
		}
		xs = append(xs, learn.Interaction{User: fd.users[r.User], Item: fd.items[r.Item], Weight: w, At: at})
	}
	return learn.NewMatrix(len(fd.users), len(ds.Movies), xs), now
}

// pickTestUsers collects each user's relevant test items (the test likes)
// and the users scored: those with any, lowest IDs first, at most limit
// (0: all).
func (fd *foldData) pickTestUsers(ds Dataset, f Fold, limit int) {
	var testIDs []int
	for _, r := range f.Test {
		if r.Score < ds.LikeAt {
			continue
		}
		u := int(fd.users[r.User])
		if len(fd.relevant[u]) == 0 {
			testIDs = append(testIDs, r.User)
		}
		fd.relevant[u] = append(fd.relevant[u], fd.items[r.Item])
	}
	sort.Ints(testIDs)
	if limit > 0 && len(testIDs) > limit {
		testIDs = testIDs[:limit]
	}
	for _, u := range testIDs {
		fd.test = append(fd.test, int(fd.users[u]))
	}
}

// offlineFold trains on the fold's training ratings, tunes on a
// validation split of them, and scores every offline recommender on the
// fold's test ratings.
func offlineFold(ds Dataset, f Fold, cfg OfflineConfig) (map[string]Metrics, string, error) {
	fd := prepareFold(ds, f, cfg)
	fmt.Fprintf(cfg.Progress, "%s %s: %d training ratings, %d test users\n", ds.Name, f.Name, fd.train.NNZ(), len(fd.test))
	data := learn.Data{M: fd.train, Follows: fd.follows, Now: fd.now, LikeWeight: 1}
	tr, err := learn.Train(data, cfg.Learn)
	if err != nil {
		return nil, "", err
	}
	bestK := fd.tuneCosineK(tr, cfg)
	out := map[string]Metrics{}
	for name, b := range fd.blends(tr, bestK, cfg) {
		out[name] = fd.score(b, cfg, len(ds.Movies))
	}
	return out, tuningNote(f, tr.Report, bestK, cfg), nil
}

// tuneCosineK chooses the cosine baseline's neighbourhood size on the same
// validation split the tuner used.
func (fd *foldData) tuneCosineK(tr *learn.Trained, cfg OfflineConfig) int {
	v := learn.Holdout(fd.train, tr.Report.Share, 1, cfg.Learn.Seed, cfg.Learn.ValidationUsers)
	bestK, best := 0, -1.0
	for _, k := range cfg.CosineK {
		if n := v.NDCG(learn.TrainKNN(v.Train, learn.KNNConfig{K: k}, cfg.Learn.Workers), fd.now, cfg.K, cfg.Learn.Workers); n > best {
			bestK, best = k, n
		}
	}
	fmt.Fprintf(cfg.Progress, "tune: item-kNN cosine k=%d validation NDCG@%d %.4f\n", bestK, cfg.K, best)
	return bestK
}

// blends are the reported recommenders, each ranking as a blend: the
// baselines and learned models alone, and the learned blends.
func (fd *foldData) blends(tr *learn.Trained, cosineK int, cfg OfflineConfig) map[string]*learn.Blend {
	alone := func(sc learn.Scorer) *learn.Blend {
		return &learn.Blend{M: fd.train, Sources: map[string]learn.Scorer{learn.SourceModel: sc},
			Params: learn.Params{Weights: map[string]float64{learn.SourceModel: 1}}, Now: fd.now, Candidates: cfg.K}
	}
	blends := map[string]*learn.Blend{
		Popularity: alone(tr.Pop),
		KNNCosine:  alone(learn.TrainKNN(fd.train, learn.KNNConfig{K: cosineK}, cfg.Learn.Workers)),
		KNNLearned: alone(tr.KNN),
		Learned:    tr.Blend,
	}
	if tr.ALS != nil {
		blends[ALS] = alone(tr.ALS)
	}
	if tr.EASE != nil {
		blends[EASE] = alone(tr.EASE)
	}
	if tr.Social != nil {
		so := learn.NewSocial(fd.train, fd.follows, 1)
		so.Cap = tr.Report.Params.SocialCap
		so.Now, so.HalfLife = fd.now, tr.Report.Params.HalfLife.Seconds()
		blends[SocialLikes] = alone(so)
	}
	if tr.CFOnly != nil {
		blends[BlendCF] = tr.CFOnly
	}
	return blends
}

// score ranks every test user's top K with b and scores the lists against
// their relevant items; catalog is the number of items.
func (fd *foldData) score(b *learn.Blend, cfg OfflineConfig, catalog int) Metrics {
	s := newScorer(cfg.K)
	lists := make([][]int64, len(fd.test))
	pos := map[int]int{}
	for k, u := range fd.test {
		pos[u] = k
	}
	b.RankAll(fd.test, cfg.K, cfg.Learn.Workers, func(u int, items []learn.Item) {
		l := make([]int64, len(items))
		for k, it := range items {
			l[k] = int64(it.Item)
		}
		lists[pos[u]] = l
	})
	for k, u := range fd.test {
		rel := map[int64]bool{}
		for _, i := range fd.relevant[u] {
			rel[int64(i)] = true
		}
		s.add(lists[k], rel)
	}
	return s.result(catalog)
}

// tuningNote says which split tuned what in fold f.
func tuningNote(f Fold, rep learn.Report, cosineK int, cfg OfflineConfig) string {
	tuning := fmt.Sprintf("%s: tuned on validation = %.0f%% of each user's %s training ratings held out (seed %d, %d users scored): "+
		"cosine k=%d; kNN %s; model %s; blend %s", f.Name, 100*rep.Share, f.Name, cfg.Learn.Seed, rep.Users, cosineK, rep.KNN, rep.Model, rep.Params)
	if rep.CFOnly != nil {
		tuning += fmt.Sprintf("; CF-only blend %s", *rep.CFOnly)
	}
	tuning += fmt.Sprintf(". Reported on %s test ratings only.", f.Name)
	return tuning
}
