package learn

import (
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"sort"
	"strings"
	"time"
)

// Validation is a split carved from the training data: the tuner fits on
// Train and scores on Targets, and never sees anything else.
type Validation struct {
	Train *Matrix
	// Targets are each scored user's held-out likes.
	Targets map[int][]int32
	// Users are the users scored, ascending.
	Users []int
	// Share is the part of each user's interactions held out.
	Share float64
}

// Holdout holds out share of each user's interactions (at random, seeded per
// user), keeping at least one in training; held-out interactions with weight
// >= likeWeight are the targets. maxUsers > 0 scores an evenly spread sample
// of the users with targets.
func Holdout(m *Matrix, share float64, likeWeight float32, seed uint64, maxUsers int) Validation {
	var kept []Interaction
	targets := map[int][]int32{}
	for u := 0; u < m.Users; u++ {
		items, ws, ats := m.Row(u)
		idx := make([]int, len(items))
		for k := range idx {
			idx[k] = k
		}
		held := 0
		if len(items) >= 2 {
			rng := rand.New(rand.NewPCG(seed, uint64(u)))
			rng.Shuffle(len(idx), func(a, b int) { idx[a], idx[b] = idx[b], idx[a] })
			held = min(max(1, int(math.Round(share*float64(len(items))))), len(items)-1)
		}
		for n, k := range idx {
			if n < held {
				if ws[k] >= likeWeight {
					targets[u] = append(targets[u], items[k])
				}
				continue
			}
			kept = append(kept, Interaction{User: int32(u), Item: items[k], Weight: ws[k], At: ats[k]})
		}
	}
	users := make([]int, 0, len(targets))
	for u := range targets {
		users = append(users, u)
	}
	sort.Ints(users)
	if maxUsers > 0 && len(users) > maxUsers {
		step := float64(len(users)) / float64(maxUsers)
		sample := make([]int, 0, maxUsers)
		for k := 0; k < maxUsers; k++ {
			sample = append(sample, users[int(float64(k)*step)])
		}
		users = sample
	}
	return Validation{Train: NewMatrix(m.Users, m.Items, kept), Targets: targets, Users: users, Share: share}
}

// Data is what the trainer learns from.
type Data struct {
	M *Matrix
	// Follows lists each user's followees (nil: no social source).
	Follows [][]int32
	// Now is the end of the training period, Unix seconds.
	Now int64
	// LikeWeight is the weight from which an interaction is a like: likes
	// are the validation targets and what social counts.
	LikeWeight float32
}

// Config says what to try.
type Config struct {
	KNN  []KNNConfig
	ALS  []ALSConfig
	EASE []EASEConfig
	// HalfLives and SocialCaps are the blend's candidates (0: none / all).
	HalfLives  []time.Duration
	SocialCaps []int
	// WeightSteps are the values each source's weight is tried at.
	WeightSteps []float64
	// RefitAll refits the best ALS and EASE on all data even when they did
	// not win, to report them on their own.
	RefitAll bool
	// SkipCFOnly does not tune the blend without the social source (what
	// evaluations report to show what following adds; the batch job serves
	// only the full blend).
	SkipCFOnly bool
	// Share of each user's interactions held out for validation (default
	// 0.2); ValidationUsers caps the users scored (0: all).
	Share           float64
	ValidationUsers int
	Seed            uint64
	// K is the cut-off tuned for (default 10); Candidates per source
	// (default 300).
	K, Candidates int
	Workers       int
	Progress      io.Writer
}

// DefaultConfig is the grid the evaluation tries (small catalogues).
func DefaultConfig() Config {
	return Config{
		KNN: []KNNConfig{{K: 50, Shrink: 0}, {K: 50, Shrink: 10, IDF: true}, {K: 100, Shrink: 10, IDF: true}, {K: 100, Shrink: 50}},
		ALS: []ALSConfig{
			{Factors: 32, Reg: 1, Alpha: 10, Iterations: 10, Seed: 1},
			{Factors: 64, Reg: 0.1, Alpha: 2, Iterations: 10, Seed: 1},
			{Factors: 64, Reg: 20, Alpha: 10, Iterations: 10, Seed: 1},
		},
		EASE:        []EASEConfig{{Lambda: 100, Head: 2500}, {Lambda: 400, Head: 2500}, {Lambda: 1000, Head: 2500}},
		HalfLives:   []time.Duration{0, 30 * 24 * time.Hour, 120 * 24 * time.Hour},
		SocialCaps:  []int{0, 20},
		WeightSteps: []float64{0, 0.05, 0.1, 0.2, 0.35, 0.5, 0.75, 1, 1.5},
	}
}

func (c *Config) defaults() {
	if c.Share <= 0 {
		c.Share = 0.2
	}
	if c.K <= 0 {
		c.K = 10
	}
	if c.Candidates <= 0 {
		c.Candidates = 300
	}
	if c.Workers <= 0 {
		c.Workers = 2
	}
	if c.Progress == nil {
		c.Progress = io.Discard
	}
	if len(c.HalfLives) == 0 {
		c.HalfLives = []time.Duration{0}
	}
	if len(c.SocialCaps) == 0 {
		c.SocialCaps = []int{0}
	}
	if len(c.WeightSteps) == 0 {
		c.WeightSteps = []float64{0, 0.1, 0.25, 0.5, 1}
	}
}

// Trial is one candidate's validation score.
type Trial struct {
	Name string
	NDCG float64
}

// Report says what the tuner tried and chose, all on validation data.
type Report struct {
	Trials []Trial
	// Model is the collaborative model that won; KNN the item-kNN kept.
	Model string
	KNN   KNNConfig
	ALS   *ALSConfig
	EASE  *EASEConfig
	// BestALS and BestEASE are each family's best, won or not.
	BestALS  *ALSConfig
	BestEASE *EASEConfig
	// Params is the blend's tuned parameters and NDCG its validation score.
	Params Params
	NDCG   float64
	// CFOnly and CFOnlyNDCG are the blend tuned without the social source
	// (when there is one), to show what following adds.
	CFOnly     *Params
	CFOnlyNDCG float64
	// Users scored and Share held out.
	Users int
	Share float64
	Took  time.Duration
}

// Trained is the result: models refit on all the data with what won, and
// the blend over them.
type Trained struct {
	Report Report
	Blend  *Blend
	// CFOnly is the blend without the social source (nil without one).
	CFOnly *Blend
	KNN    *ItemKNN
	Model  Scorer
	Pop    *Popularity
	Social *Social
	// ALS and EASE are the refit candidates of each family (nil when not
	// tried or not fitted), for reporting them on their own.
	ALS  *ALS
	EASE *EASE
}

// Train tunes on a validation split of d and refits on all of d.
func Train(d Data, cfg Config) (*Trained, error) {
	cfg.defaults()
	start := time.Now()
	v := Holdout(d.M, cfg.Share, d.LikeWeight, cfg.Seed, cfg.ValidationUsers)
	rep := Report{Users: len(v.Users), Share: cfg.Share}
	fmt.Fprintf(cfg.Progress, "tune: validation = %.0f%% of each user's training interactions (seed %d), %d users scored\n", 100*cfg.Share, cfg.Seed, len(v.Users))
	score := func(name string, sc Scorer) float64 {
		n := v.NDCG(sc, d.Now, cfg.K, cfg.Workers)
		rep.Trials = append(rep.Trials, Trial{Name: name, NDCG: n})
		fmt.Fprintf(cfg.Progress, "tune: %-46s validation NDCG@%d %.4f\n", name, cfg.K, n)
		return n
	}
	won, err := tuneModels(v.Train, cfg, &rep, score)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(cfg.Progress, "tune: model = %s\n", rep.Model)

	// The blend over validation-fitted sources: the winners as the trials
	// fitted them (training is deterministic, so fitting them again on the
	// same split would give the same models).
	vs := sources(v.Train, d, rep, cfg, &won)
	rep.Params, rep.NDCG = tuneBlend(&Blend{M: v.Train, Sources: vs.all, Now: d.Now, Candidates: cfg.Candidates}, v, cfg)
	fmt.Fprintf(cfg.Progress, "tune: blend %s validation NDCG@%d %.4f\n", rep.Params, cfg.K, rep.NDCG)
	if vs.social != nil && !cfg.SkipCFOnly {
		p, n := tuneBlend(&Blend{M: v.Train, Sources: withoutSocial(vs.all), Now: d.Now, Candidates: cfg.Candidates}, v, cfg)
		rep.CFOnly, rep.CFOnlyNDCG = &p, n
		fmt.Fprintf(cfg.Progress, "tune: blend without social %s validation NDCG@%d %.4f\n", p, cfg.K, n)
	}

	// Refit on everything.
	t := &Trained{Report: rep}
	full := sources(d.M, d, rep, cfg, nil)
	t.KNN, t.Model, t.Pop, t.Social, t.ALS, t.EASE = full.knn, full.model, full.pop, full.social, full.als, full.ease
	t.Blend = &Blend{M: d.M, Sources: full.all, Params: rep.Params, Now: d.Now, Candidates: cfg.Candidates}
	if rep.CFOnly != nil {
		t.CFOnly = &Blend{M: d.M, Sources: withoutSocial(full.all), Params: *rep.CFOnly, Now: d.Now, Candidates: cfg.Candidates}
	}
	if cfg.RefitAll {
		if t.ALS == nil && rep.BestALS != nil {
			t.ALS = TrainALS(d.M, *rep.BestALS, cfg.Workers)
		}
		if t.EASE == nil && rep.BestEASE != nil {
			t.EASE, _ = TrainEASE(d.M, *rep.BestEASE)
		}
	}
	t.Report.Took = time.Since(start)
	return t, nil
}

// tuneModels scores each configured item-kNN, ALS and EASE on the
// validation split (score records the trial) and sets in rep the best kNN,
// the best of each family and the collaborative model: the best of all. It
// returns the winning kNN and model as fitted on train.
func tuneModels(train *Matrix, cfg Config, rep *Report, score func(string, Scorer) float64) (prefit, error) {
	var won prefit
	bestKNN, bestKNNScore := KNNConfig{}, -1.0
	for _, kc := range cfg.KNN {
		knn := TrainKNN(train, kc, cfg.Workers)
		if n := score(kc.String(), knn); n > bestKNNScore {
			bestKNN, bestKNNScore, won.knn = kc, n, knn
		}
	}
	rep.KNN = bestKNN
	rep.Model = bestKNN.String()
	bestModel := bestKNNScore
	bestALS, bestEASE := -1.0, -1.0
	for _, ac := range cfg.ALS {
		a := TrainALS(train, ac, cfg.Workers)
		n := score(ac.String(), a)
		if n > bestALS {
			bestALS, rep.BestALS = n, &ac
		}
		if n > bestModel {
			rep.Model, bestModel, rep.ALS, rep.EASE = ac.String(), n, &ac, nil
			won.als, won.ease = a, nil
		}
	}
	for _, ec := range cfg.EASE {
		e, err := TrainEASE(train, ec)
		if err != nil {
			return won, err
		}
		n := score(ec.String(), e)
		if n > bestEASE {
			bestEASE, rep.BestEASE = n, &ec
		}
		if n > bestModel {
			rep.Model, bestModel, rep.ALS, rep.EASE = ec.String(), n, nil, &ec
			won.als, won.ease = nil, e
		}
	}
	return won, nil
}

// prefit holds models already fitted on the matrix sources fits: the kNN
// and the model (ALS or EASE) that won.
type prefit struct {
	knn  *ItemKNN
	als  *ALS
	ease *EASE
}

// withoutSocial is the blend's sources but the social one: the
// collaborative-only blend evaluations report.
func withoutSocial(all map[string]Scorer) map[string]Scorer {
	cf := map[string]Scorer{}
	for src, sc := range all {
		if src != SourceSocial {
			cf[src] = sc
		}
	}
	return cf
}

type fitted struct {
	all    map[string]Scorer
	knn    *ItemKNN
	model  Scorer
	pop    *Popularity
	social *Social
	als    *ALS
	ease   *EASE
}

// sources fits the chosen models on m, taking those in pre (when not nil)
// as already fitted on m.
func sources(m *Matrix, d Data, rep Report, cfg Config, pre *prefit) fitted {
	if pre == nil {
		pre = &prefit{}
	}
	f := fitted{all: map[string]Scorer{}}
	f.knn = pre.knn
	if f.knn == nil {
		f.knn = TrainKNN(m, rep.KNN, cfg.Workers)
	}
	f.model = f.knn
	if rep.ALS != nil {
		f.als = pre.als
		if f.als == nil {
			f.als = TrainALS(m, *rep.ALS, cfg.Workers)
		}
		f.model = f.als
	}
	if rep.EASE != nil {
		e := pre.ease
		if e == nil {
			e, _ = TrainEASE(m, *rep.EASE)
		}
		if e != nil {
			f.ease = e
			f.model = e
		}
	}
	f.pop = TrainPopularity(m)
	f.all[SourceModel], f.all[SourceKNN], f.all[SourcePopularity] = f.model, f.knn, f.pop
	if d.Follows != nil {
		f.social = NewSocial(m, d.Follows, d.LikeWeight)
		f.all[SourceSocial] = f.social
	}
	return f
}

// NDCG scores sc alone on the validation users at cut-off k.
func (v Validation) NDCG(sc Scorer, now int64, k, workers int) float64 {
	b := &Blend{M: v.Train, Sources: map[string]Scorer{SourceModel: sc}, Params: Params{Weights: map[string]float64{SourceModel: 1}}, Now: now, Candidates: k}
	return evaluate(b, v, Config{K: k, Workers: workers})
}

// evaluate is the blend's mean NDCG@K over the validation users.
func evaluate(b *Blend, v Validation, cfg Config) float64 {
	sum := make([]float64, len(v.Users))
	b.RankAll(v.Users, cfg.K, cfg.Workers, func(u int, items []Item) {
		ranked := make([]int32, len(items))
		for k, it := range items {
			ranked[k] = it.Item
		}
		k := sort.SearchInts(v.Users, u)
		sum[k] = NDCG(ranked, v.Targets[u], cfg.K)
	})
	return meanOf(sum)
}

func meanOf(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}

// tuneBlend tries each half-life and social cap; for each, it computes the
// sources' candidate lists once and finds the weights by coordinate ascent
// (the model's weight stays 1 as the scale).
func tuneBlend(b *Blend, v Validation, cfg Config) (Params, float64) {
	best, bestScore := Params{}, -1.0
	caps := cfg.SocialCaps
	if b.Sources[SourceSocial] == nil {
		caps = []int{0}
	}
	var settings []Params
	for _, hl := range cfg.HalfLives {
		for _, cp := range caps {
			settings = append(settings, Params{HalfLife: hl, SocialCap: cp})
		}
	}
	b.settingLists(v.Users, cfg.Workers, settings, func(p Params, lists [][4][]cand) {
		w := map[string]float64{SourceModel: 1}
		cur := scoreLists(lists, w, v, cfg)
		for round := 0; round < 2; round++ {
			improved := false
			for _, src := range SourceOrder[1:] {
				if b.Sources[src] == nil {
					continue
				}
				for _, step := range cfg.WeightSteps {
					try := copyWeights(w)
					try[src] = step
					if n := scoreLists(lists, try, v, cfg); n > cur+1e-9 {
						w, cur, improved = try, n, true
					}
				}
			}
			if !improved {
				break
			}
		}
		if cur > bestScore {
			best, bestScore = Params{Weights: w, HalfLife: p.HalfLife, SocialCap: p.SocialCap}, cur
		}
	})
	return best, bestScore
}

// settingLists hands fn, for each setting (half-life and social cap) in
// turn, every source's candidate list for each of users. ALS and
// popularity ignore both settings: their lists are computed for the first
// setting and kept for the others.
func (b *Blend) settingLists(users []int, workers int, settings []Params, fn func(Params, [][4][]cand)) {
	on, varying := map[string]float64{}, map[string]float64{}
	static := [4]bool{}
	for k, src := range SourceOrder {
		if b.Sources[src] == nil {
			continue
		}
		on[src] = 1
		switch b.Sources[src].(type) {
		case *ALS, *Popularity:
			static[k] = true
		default:
			varying[src] = 1
		}
	}
	var kept [][4][]cand
	for _, p := range settings {
		b.Params = Params{Weights: on, HalfLife: p.HalfLife, SocialCap: p.SocialCap}
		if kept != nil {
			b.Params.Weights = varying
		}
		b.applySocial()
		lists := make([][4][]cand, len(users))
		b.eachUser(users, workers, func(k, u int, s *scratch) { lists[k] = b.lists(u, s) })
		if kept == nil {
			kept = lists
		} else {
			for k := range lists {
				for i := range static {
					if static[i] {
						lists[k][i] = kept[k][i]
					}
				}
			}
		}
		fn(p, lists)
	}
}

func copyWeights(w map[string]float64) map[string]float64 {
	out := make(map[string]float64, len(w))
	for k, v := range w {
		out[k] = v
	}
	return out
}

func scoreLists(lists [][4][]cand, w map[string]float64, v Validation, cfg Config) float64 {
	sum := make([]float64, len(lists))
	parallel(len(lists), cfg.Workers, func() func(int) {
		s := newScratch(0)
		return func(k int) {
			items := combine(lists[k], w, cfg.K, s)
			ranked := make([]int32, len(items))
			for n, it := range items {
				ranked[n] = it.Item
			}
			sum[k] = NDCG(ranked, v.Targets[v.Users[k]], cfg.K)
		}
	})
	return meanOf(sum)
}

// String names a kNN configuration.
func (c KNNConfig) String() string {
	idf := ""
	if c.IDF {
		idf = ", IDF"
	}
	return fmt.Sprintf("item-kNN k=%d shrink=%g%s", c.K, c.Shrink, idf)
}

// String names an ALS configuration.
func (c ALSConfig) String() string {
	return fmt.Sprintf("ALS f=%d λ=%g α=%g it=%d", c.Factors, c.Reg, c.Alpha, c.Iterations)
}

// String names an EASE configuration.
func (c EASEConfig) String() string { return fmt.Sprintf("EASE λ=%g head=%d", c.Lambda, c.Head) }

// String shows the parameters.
func (p Params) String() string {
	var parts []string
	for _, src := range SourceOrder {
		if w := p.Weights[src]; w > 0 {
			parts = append(parts, fmt.Sprintf("%s=%g", src, w))
		}
	}
	hl := "none"
	if p.HalfLife > 0 {
		hl = fmt.Sprintf("%gd", p.HalfLife.Hours()/24)
	}
	cp := "all"
	if p.SocialCap > 0 {
		cp = fmt.Sprint(p.SocialCap)
	}
	return fmt.Sprintf("weights {%s}, half-life %s, social cap %s", strings.Join(parts, " "), hl, cp)
}
