package receval

import (
	"context"
	"fmt"
	"io"
	"math"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/graph"
	"github.com/stylegraph/stylegraph/recommend"
)

// DefaultBase is the ID range MovieLens lives in: users Base+100,000+u,
// movies Base+200,000+m, within [Base, Base+999,999], far above anything else
// (and below 2^53), so the evaluation never touches other data.
const DefaultBase int64 = 8_000_000_000_000_000

// Config says how to run.
type Config struct {
	// Base is the ID range (DefaultBase unless a test picks its own).
	Base int64
	// Name is the movies' top category and the prefix of their genre tags,
	// which keeps them apart from the shop's tags.
	Name string
	// K is the cut-off (default 10).
	K int
	// Users caps the test users per fold (0: all), lowest IDs first.
	Users int
	// Workers evaluate users in parallel (default 2).
	Workers int
	// TopK is how many neighbours the item similarity keeps (default 50).
	TopK int
	// Damping is live collaborative's popularity exponent and Neighbours
	// how many similar users it reads (0: the graph's defaults).
	Damping    float64
	Neighbours int
	// Blend is the production blend's configuration; caps are turned off
	// because every movie shares one category and no brand.
	Blend recommend.Config
	// Progress receives a line per step; nil is silent.
	Progress io.Writer
}

// Recommenders in the order they are reported.
const (
	Popularity    = "popularity (baseline)"
	Trending      = "trending"
	Collaborative = "collaborative (live co-engagement)"
	ItemBased     = "collaborative (item-item SIMILAR)"
	Interest      = "interest"
	Social        = "social"
	Blend         = "blend"
)

// Order lists the recommenders as reported.
var Order = []string{Popularity, Trending, Collaborative, ItemBased, Interest, Social, Blend}

// Result holds the metrics per recommender, averaged over folds, and each
// fold's own.
type Result struct {
	// Dataset names the data (default MovieLens-100K).
	Dataset string
	// Rows are the recommenders in report order (default Order).
	Rows    []string
	Mean    map[string]Metrics
	PerFold []map[string]Metrics
	Folds   []string
	// Tuning says, per fold, which split chose what.
	Tuning []string
	Took   time.Duration
}

// average fills Mean from PerFold.
func (r *Result) average() {
	for _, name := range r.rows() {
		var ms []Metrics
		for _, m := range r.PerFold {
			if v, ok := m[name]; ok {
				ms = append(ms, v)
			}
		}
		if len(ms) > 0 {
			r.Mean[name] = mean(ms)
		}
	}
}

func (r Result) rows() []string {
	if r.Rows != nil {
		return r.Rows
	}
	return Order
}

// Merge adds other's rows (same folds) after r's.
func (r *Result) Merge(other Result) {
	r.Rows = append(r.rows()[:len(r.rows()):len(r.rows())], other.rows()...)
	for name, m := range other.Mean {
		r.Mean[name] = m
	}
	for k := range r.PerFold {
		if k < len(other.PerFold) {
			for name, m := range other.PerFold[k] {
				r.PerFold[k][name] = m
			}
		}
	}
	r.Tuning = append(r.Tuning, other.Tuning...)
	r.Took += other.Took
}

// Run loads each fold's training ratings into the graph (rating >= 4 = like,
// below = view), recomputes the item similarity, and ranks every test user's
// unseen movies with each recommender. A test user's relevant movies are
// their test ratings >= 4; movies rated in training are never recommended.
func Run(ctx context.Context, g *graph.Stores, ds Dataset, cfg Config) (Result, error) {
	cfg.defaults()
	start := time.Now()
	ids := ids{cfg.Base}
	if err := loadCatalog(ctx, g, ds, cfg, ids); err != nil {
		return Result{}, err
	}
	res := Result{Mean: map[string]Metrics{}}
	for _, f := range ds.Folds {
		fmt.Fprintf(cfg.Progress, "%s: loading %d training ratings\n", f.Name, len(f.Train))
		m, err := runFold(ctx, g, ds, f, cfg, ids)
		if err != nil {
			return res, fmt.Errorf("fold %s: %w", f.Name, err)
		}
		res.PerFold = append(res.PerFold, m)
		res.Folds = append(res.Folds, f.Name)
	}
	res.average()
	res.Took = time.Since(start)
	return res, nil
}

func (c *Config) defaults() {
	if c.Base == 0 {
		c.Base = DefaultBase
	}
	if c.Name == "" {
		c.Name = "MovieLens-100K"
	}
	if c.K <= 0 {
		c.K = 10
	}
	if c.Workers <= 0 {
		c.Workers = 2
	}
	if c.TopK <= 0 {
		c.TopK = 50
	}
	if c.Progress == nil {
		c.Progress = io.Discard
	}
	if c.Blend.Weights == nil {
		c.Blend = recommend.DefaultConfig()
	}
	c.Blend.MaxPerBrand, c.Blend.MaxPerCategory = 0, 0
	// Similarity is recomputed per fold; its stamp is wall-clock time while
	// the fold replays 1998, so freshness does not apply here.
	c.Blend.SimilarMaxAge = 0
}

type ids struct{ base int64 }

func (i ids) user(u int) int64  { return i.base + 100_000 + int64(u) }
func (i ids) movie(m int) int64 { return i.base + 200_000 + int64(m) }
func (i ids) scope() graph.Scope {
	return graph.Scope{From: i.base, To: i.base + 999_999}
}

func loadCatalog(ctx context.Context, g *graph.Stores, ds Dataset, cfg Config, ids ids) error {
	products := make([]stylegraph.Product, 0, len(ds.Movies))
	for _, m := range ds.Movies {
		p := stylegraph.Product{
			ID: ids.movie(m.ID), Title: m.Title, CategoryPath: []string{cfg.Name, "Movies"},
			CreatedAt: time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC),
		}
		for _, gname := range m.Genres {
			p.Tags = append(p.Tags, tag(cfg, gname))
		}
		products = append(products, p)
	}
	if err := g.Catalog.UpsertProducts(ctx, products); err != nil {
		return fmt.Errorf("load movies: %w", err)
	}
	users := map[int]bool{}
	for _, f := range ds.Folds {
		for _, r := range append(f.Train[:len(f.Train):len(f.Train)], f.Test...) {
			users[r.User] = true
		}
	}
	us := make([]stylegraph.User, 0, len(users))
	for u := range users {
		us = append(us, stylegraph.User{ID: ids.user(u), Name: fmt.Sprintf("movielens %d", u)})
	}
	if err := g.Catalog.UpsertUsers(ctx, us); err != nil {
		return fmt.Errorf("load users: %w", err)
	}
	fmt.Fprintf(cfg.Progress, "catalog: %d movies, %d users\n", len(products), len(us))
	return nil
}

func tag(cfg Config, genre string) string { return strings.ToLower(cfg.Name) + ":" + genre }

// liveFold is one fold as loaded into the graph.
type liveFold struct {
	name string
	ids  ids
	// seen are each user's movies rated in training, never recommended.
	seen map[int]map[int64]bool
	// relevant are each test user's test likes; users are the test users
	// ranked, lowest IDs first.
	relevant map[int]map[int64]bool
	users    []int
	// popular and trending are the two rankings shared by every user.
	popular, trending []int64
	// now is a second after the latest training rating.
	now time.Time
}

// runFold loads the fold's training ratings into the graph and scores every
// recommender on its test users.
func runFold(ctx context.Context, g *graph.Stores, ds Dataset, f Fold, cfg Config, ids ids) (map[string]Metrics, error) {
	lf, err := loadFold(ctx, g, ds, f, cfg, ids)
	if err != nil {
		return nil, err
	}
	lf.relevant, lf.users = testUsers(f, cfg.Users, ids)
	p := stylegraph.RecParams{Now: lf.now, HalfLife: cfg.Blend.HalfLife, Window: 365 * 24 * time.Hour, Limit: len(ds.Movies)}
	trendingCs, err := g.Recs.TrendingProducts(ctx, cfg.Name, p)
	if err != nil {
		return nil, fmt.Errorf("trending: %w", err)
	}
	lf.trending = candidateIDs(trendingCs)
	scorers, err := lf.rankAll(ctx, g, cfg)
	if err != nil {
		return nil, err
	}
	out := map[string]Metrics{}
	for name, s := range scorers {
		out[name] = s.result(len(ds.Movies))
	}
	return out, nil
}

// loadFold replaces the engagements in the evaluation's ID range with the
// fold's training ratings, then loads the interests the graph writer would
// have built from them, refreshes each genre's top movies and recomputes
// the item similarity.
func loadFold(ctx context.Context, g *graph.Stores, ds Dataset, f Fold, cfg Config, ids ids) (*liveFold, error) {
	if _, err := g.Batch.ClearEngagements(ctx, ids.scope()); err != nil {
		return nil, fmt.Errorf("clear: %w", err)
	}
	lf, es := trainingEngagements(f, ids)
	if err := g.Seed.LoadEngagements(ctx, es); err != nil {
		return nil, fmt.Errorf("load ratings: %w", err)
	}
	is := interests(ds, f, cfg, ids, lf.now)
	if err := g.Seed.LoadInterests(ctx, is); err != nil {
		return nil, fmt.Errorf("load interests: %w", err)
	}
	if _, err := g.Recs.RefreshTopProducts(ctx, genreScope(cfg, is), lf.now); err != nil {
		return nil, fmt.Errorf("top movies per genre: %w", err)
	}
	job := &recommend.Job{Graph: batchGraph{g.Batch, g.Recs}, Scope: ids.scope(), TopK: cfg.TopK}
	rep, err := job.Similarity(ctx, time.Now())
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(cfg.Progress, "%s: %d SIMILAR edges over %d movies\n", f.Name, rep.Edges, rep.Products)
	return lf, nil
}

// trainingEngagements turns the fold's training ratings into engagements
// (rating >= 4 a like, below a view) and starts the fold's state from them:
// what each user saw, the popularity ranking (most rated first) and the
// clock.
func trainingEngagements(f Fold, ids ids) (*liveFold, []graph.Engagement) {
	lf := &liveFold{name: f.Name, ids: ids, seen: map[int]map[int64]bool{}}
	ratings := map[int64]int{}
	es := make([]graph.Engagement, 0, len(f.Train))
	for _, r := range f.Train {
		if r.At.After(lf.now) {
			lf.now = r.At
		}
		if lf.seen[r.User] == nil {
			lf.seen[r.User] = map[int64]bool{}
		}
		lf.seen[r.User][ids.movie(r.Item)] = true
		ratings[ids.movie(r.Item)]++
		kind := graph.EngageView
		if r.Score >= 4 {
			kind = graph.EngageLike
		}
		es = append(es, graph.Engagement{UserID: ids.user(r.User), ProductID: ids.movie(r.Item), Kind: kind, At: r.At, Count: 1})
	}
	lf.now = lf.now.Add(time.Second)
	lf.popular = make([]int64, 0, len(ratings))
	for id := range ratings {
		lf.popular = append(lf.popular, id)
	}
	sort.Slice(lf.popular, func(a, b int) bool {
		if ratings[lf.popular[a]] != ratings[lf.popular[b]] {
			return ratings[lf.popular[a]] > ratings[lf.popular[b]]
		}
		return lf.popular[a] < lf.popular[b]
	})
	return lf, es
}

// interests are the users' genre interests as the graph writer would have
// built them: a like's weight on each of the movie's genres, decayed to
// now, the end of the training period.
func interests(ds Dataset, f Fold, cfg Config, ids ids, now time.Time) []graph.InterestWeight {
	genresOf := map[int][]string{}
	for _, m := range ds.Movies {
		genresOf[m.ID] = m.Genres
	}
	weights := map[int]map[string]float64{}
	for _, r := range f.Train {
		if r.Score < 4 {
			continue
		}
		if weights[r.User] == nil {
			weights[r.User] = map[string]float64{}
		}
		decay := math.Pow(0.5, now.Sub(r.At).Hours()/stylegraph.InterestHalfLife.Hours())
		for _, gname := range genresOf[r.Item] {
			weights[r.User][gname] += stylegraph.EngagementWeights.Like * decay
		}
	}
	var is []graph.InterestWeight
	for u, ws := range weights {
		for gname, w := range ws {
			is = append(is, graph.InterestWeight{UserID: ids.user(u), Kind: "tag", Key: tag(cfg, gname), Weight: w, At: now})
		}
	}
	return is
}

// genreScope is what the interest recommender reads: each genre's top
// movies, and the movies' categories.
func genreScope(cfg Config, is []graph.InterestWeight) graph.TopScope {
	tags := map[string]bool{}
	for _, w := range is {
		tags[w.Key.(string)] = true
	}
	scope := graph.TopScope{Tags: []string{}, Categories: []string{cfg.Name, cfg.Name + " > Movies"}}
	for t := range tags {
		scope.Tags = append(scope.Tags, t)
	}
	return scope
}

// testUsers are the fold's relevant movies per test user (test ratings
// >= 4) and the users ranked: those with any, lowest IDs first, at most
// limit (0: all).
func testUsers(f Fold, limit int, ids ids) (map[int]map[int64]bool, []int) {
	relevant := map[int]map[int64]bool{}
	for _, r := range f.Test {
		if r.Score >= 4 {
			if relevant[r.User] == nil {
				relevant[r.User] = map[int64]bool{}
			}
			relevant[r.User][ids.movie(r.Item)] = true
		}
	}
	users := make([]int, 0, len(relevant))
	for u := range relevant {
		users = append(users, u)
	}
	sort.Ints(users)
	if limit > 0 && len(users) > limit {
		users = users[:limit]
	}
	return relevant, users
}

// rankAll ranks every test user's top K with each recommender, cfg.Workers
// users at a time, and scores the lists.
func (lf *liveFold) rankAll(ctx context.Context, g *graph.Stores, cfg Config) (map[string]*scorer, error) {
	svc := recommend.New(g.Recs, nil, cfg.Blend)
	scorers := map[string]*scorer{}
	for _, name := range Order {
		if name != Social {
			scorers[name] = newScorer(cfg.K)
		}
	}
	var mu sync.Mutex
	next := make(chan int)
	errc := make(chan error, cfg.Workers)
	var wg sync.WaitGroup
	var done int
	for w := 0; w < cfg.Workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for u := range next {
				lists, err := lf.rank(ctx, g, svc, u, cfg)
				if err != nil {
					errc <- fmt.Errorf("user %d: %w", u, err)
					for range next {
					}
					return
				}
				mu.Lock()
				for name, l := range lists {
					scorers[name].add(l, lf.relevant[u])
				}
				done++
				if done%100 == 0 || done == len(lf.users) {
					fmt.Fprintf(cfg.Progress, "%s: %d/%d users ranked\n", lf.name, done, len(lf.users))
				}
				mu.Unlock()
			}
		}()
	}
	for _, u := range lf.users {
		if ctx.Err() != nil {
			break
		}
		next <- u
	}
	close(next)
	wg.Wait()
	select {
	case err := <-errc:
		return nil, err
	default:
	}
	return scorers, ctx.Err()
}

// rank is user u's top K unseen movies from each recommender.
func (lf *liveFold) rank(ctx context.Context, g *graph.Stores, svc *recommend.Service, u int, cfg Config) (map[string][]int64, error) {
	lists, err := rankUser(ctx, g, svc, lf.ids.user(u), lf.seen[u], lf.now, cfg)
	if err != nil {
		return nil, err
	}
	lists[Popularity] = topUnseen(lf.popular, lf.seen[u], cfg.K)
	lists[Trending] = topUnseen(lf.trending, lf.seen[u], cfg.K)
	return lists, nil
}

// rankUser asks each graph recommender and the blend for the user's top K
// unseen movies.
func rankUser(ctx context.Context, g *graph.Stores, svc *recommend.Service, user int64, seen map[int64]bool, now time.Time, cfg Config) (map[string][]int64, error) {
	p := stylegraph.RecParams{Now: now, HalfLife: cfg.Blend.HalfLife, Window: cfg.Blend.Window, Limit: cfg.K + len(seen), Damping: cfg.Damping, Neighbours: cfg.Neighbours}
	out := map[string][]int64{}
	for name, fn := range map[string]func(context.Context, int64, stylegraph.RecParams) ([]stylegraph.Candidate, error){
		Collaborative: g.Recs.Collaborative, ItemBased: g.Recs.ItemBased, Interest: g.Recs.Interest,
	} {
		cs, err := fn(ctx, user, p)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		out[name] = topUnseen(candidateIDs(cs), seen, cfg.K)
	}
	recs, err := svc.RecommendFor(ctx, recommend.Request{UserID: user, Limit: cfg.K, Exclude: seen, Now: now, Live: true})
	if err != nil {
		return nil, fmt.Errorf("blend: %w", err)
	}
	for _, r := range recs {
		out[Blend] = append(out[Blend], r.Product.ID)
	}
	return out, nil
}

func candidateIDs(cs []stylegraph.Candidate) []int64 {
	out := make([]int64, len(cs))
	for i, c := range cs {
		out[i] = c.ProductID
	}
	return out
}

func topUnseen(ranked []int64, seen map[int64]bool, k int) []int64 {
	out := make([]int64, 0, k)
	for _, id := range ranked {
		if len(out) == k {
			break
		}
		if !seen[id] {
			out = append(out, id)
		}
	}
	return out
}

// Write prints the result as a table with each recommender's NDCG next to
// the popularity and the cosine item-kNN baselines' (same run, same
// folds), then which split tuned what.
func (r Result) Write(w io.Writer, k int) {
	name := r.Dataset
	if name == "" {
		name = "MovieLens-100K"
	}
	pop, knn := r.Mean[Popularity], r.Mean[KNNCosine]
	fmt.Fprintf(w, "\n%s, folds %v, top-%d, items rated in training excluded, test split only, averaged over folds (%s)\n", name, r.Folds, k, r.Took.Round(time.Second))
	at := func(m string) string { return fmt.Sprintf("%s@%d", m, k) }
	fmt.Fprintf(w, "%-36s %8s %8s %8s %8s %9s %7s %10s %10s\n", "recommender", at("P"), at("R"), at("NDCG"), at("HR"), "coverage", "users", "vs pop.", "vs kNN")
	ratio := func(a, b float64) string {
		if b <= 0 {
			return "—"
		}
		return fmt.Sprintf("%.2f×", a/b)
	}
	for _, row := range r.rows() {
		m, ok := r.Mean[row]
		if !ok {
			if row == Social || row == SocialLikes {
				fmt.Fprintf(w, "%-36s n/a: %s has no follow graph\n", row, name)
			}
			continue
		}
		fmt.Fprintf(w, "%-36s %8.4f %8.4f %8.4f %8.4f %8.1f%% %7d %10s %10s\n", row, m.Precision, m.Recall, m.NDCG, m.HitRate, 100*m.Coverage, m.Users,
			ratio(m.NDCG, pop.NDCG), ratio(m.NDCG, knn.NDCG))
	}
	if name == "MovieLens-100K" {
		fmt.Fprintln(w, "published on this data: most-popular P@10 ≈ 0.19, NDCG@10 ≈ 0.22; matrix factorisation NDCG@10 ≈ 0.38–0.42")
	}
	for _, t := range r.Tuning {
		fmt.Fprintln(w, t)
	}
}

// batchGraph is the graph as the similarity job reads and writes it.
type batchGraph struct {
	*graph.BatchStore
	*graph.RecStore
}
