// Package recommend blends the graph's recommenders into one ranked list per
// shopper: per-source weights, exclusions (bought, hidden, out of stock),
// diversity caps per brand and category, readable reasons, cold start, and
// precomputed lists in Redis that the online path uses while fresh. It must
// not import api, feeds, search or ingest.
package recommend

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"sync"
	"time"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/graph"
)

// Graph is what recommend reads from and writes to the graph.
type Graph interface {
	Collaborative(ctx context.Context, userID int64, p graph.RecParams) ([]graph.Candidate, error)
	ItemBased(ctx context.Context, userID int64, p graph.RecParams) ([]graph.Candidate, error)
	Social(ctx context.Context, userID int64, p graph.RecParams) ([]graph.Candidate, error)
	Interest(ctx context.Context, userID int64, p graph.RecParams) ([]graph.Candidate, error)
	Similar(ctx context.Context, productID int64, limit int) ([]graph.Candidate, error)
	TrendingProducts(ctx context.Context, category string, p graph.RecParams) ([]graph.Candidate, error)
	Cards(ctx context.Context, userID int64, ids []int64) (map[int64]graph.Card, error)
	Hide(ctx context.Context, userID, productID int64, at time.Time) error
	Unhide(ctx context.Context, userID, productID int64) error
}

// Sources the blend draws from, in the order reasons are listed on ties.
var Sources = []string{stylegraph.ReasonSocial, stylegraph.ReasonCollaborative, stylegraph.ReasonInterest, stylegraph.ReasonTrending}

// Config tunes the blend.
type Config struct {
	// Weights per source (collaborative, social, interest, trending); a
	// missing or zero weight turns the source off.
	Weights map[string]float64
	// MaxPerBrand and MaxPerCategory cap items of one brand or leaf category
	// in one list (0: no cap).
	MaxPerBrand    int
	MaxPerCategory int
	// HalfLife and Window are passed to the graph recommenders.
	HalfLife time.Duration
	Window   time.Duration
	// SimilarMaxAge is how old precomputed SIMILAR edges may be before
	// collaborative falls back to live co-engagement.
	SimilarMaxAge time.Duration
	// TrendingTTL is how long a trending list is reused within the process
	// (default 1 minute): it aggregates every recent engagement, which is
	// far too much work per request.
	TrendingTTL time.Duration
}

// DefaultConfig is the configuration when nothing is set.
func DefaultConfig() Config {
	return Config{
		Weights:        map[string]float64{stylegraph.ReasonCollaborative: 1, stylegraph.ReasonSocial: 1, stylegraph.ReasonInterest: 0.2, stylegraph.ReasonTrending: 0.1},
		MaxPerBrand:    3,
		MaxPerCategory: 4,
		HalfLife:       14 * 24 * time.Hour,
		Window:         30 * 24 * time.Hour,
		SimilarMaxAge:  7 * 24 * time.Hour,
	}
}

// MaxLimit caps how many items one call returns.
const MaxLimit = 100

// Service answers recommendation requests.
type Service struct {
	g     Graph
	cache *Cache
	cfg   Config
	now   func() time.Time

	trendMu sync.Mutex
	trends  map[string]trendEntry
}

type trendEntry struct {
	at time.Time
	cs []graph.Candidate
}

// trendSize is how many trending products one computation keeps: enough for
// the largest request.
const trendSize = 3 * MaxLimit

// New returns a service over g. cache may be nil: then every request
// traverses the graph live.
func New(g Graph, cache *Cache, cfg Config) *Service {
	if cfg.TrendingTTL <= 0 {
		cfg.TrendingTTL = time.Minute
	}
	return &Service{g: g, cache: cache, cfg: cfg, now: time.Now, trends: map[string]trendEntry{}}
}

// trending returns up to p.Limit trending products. At the real clock the
// list is computed once per TrendingTTL and category; replays of the past
// (evaluations) always compute.
func (s *Service) trending(ctx context.Context, category string, p graph.RecParams, realtime bool) ([]graph.Candidate, error) {
	if !realtime {
		return s.g.TrendingProducts(ctx, category, p)
	}
	// One computation at a time: concurrent requests wait for it instead of
	// all aggregating the same edges.
	s.trendMu.Lock()
	defer s.trendMu.Unlock()
	e, ok := s.trends[category]
	if !ok || p.Now.Sub(e.at) > s.cfg.TrendingTTL || e.at.After(p.Now) {
		fp := p
		fp.Limit = trendSize
		cs, err := s.g.TrendingProducts(ctx, category, fp)
		if err != nil {
			return nil, err
		}
		e = trendEntry{at: p.Now, cs: cs}
		s.trends[category] = e
	}
	return e.cs[:min(p.Limit, len(e.cs))], nil
}

// Request asks for one shopper's recommendations.
type Request struct {
	UserID int64
	Limit  int
	// Exclude lists products the caller does not want (already on screen,
	// already seen in an evaluation).
	Exclude map[int64]bool
	// Now replaces the clock (evaluation replays the past); zero is now.
	Now time.Time
	// Live skips the precomputed list.
	Live bool
}

// Ranked is a blended candidate before exclusions and caps: what the batch
// job stores in Redis.
type Ranked struct {
	ProductID int64               `json:"id"`
	Score     float64             `json:"score"`
	Reasons   []stylegraph.Reason `json:"reasons"`
}

// Recommend returns up to limit products for userID, best first.
func (s *Service) Recommend(ctx context.Context, userID int64, limit int) ([]stylegraph.Recommendation, error) {
	return s.RecommendFor(ctx, Request{UserID: userID, Limit: limit})
}

// RecommendFor answers a full request. It uses the precomputed list when a
// fresh one exists and traverses the graph otherwise.
func (s *Service) RecommendFor(ctx context.Context, req Request) ([]stylegraph.Recommendation, error) {
	if req.Limit <= 0 || req.Limit > MaxLimit {
		return nil, stylegraph.Invalid("limit", "limit must be between 1 and %d", MaxLimit)
	}
	var ranked []Ranked
	if s.cache != nil && !req.Live {
		// A cache that cannot be read is a cache miss: the graph answers.
		if cached, ok, err := s.cache.Get(ctx, req.UserID); err == nil && ok {
			ranked = cached
		}
	}
	var err error
	if ranked == nil {
		ranked, err = s.Rank(ctx, req.UserID, req.Now, candidatesFor(req.Limit+len(req.Exclude)))
	}
	var recs []stylegraph.Recommendation
	if err == nil {
		recs, err = s.finish(ctx, req.UserID, ranked, req.Limit, req.Exclude)
	}
	live := req.Now.IsZero() && s.cache != nil
	switch {
	case err == nil && live && len(req.Exclude) == 0 && len(recs) > 0:
		// Kept for when the graph is down; a failure only loses the copy.
		_ = s.cache.PutAnswer(ctx, "user", strconv.FormatInt(req.UserID, 10), recs)
	case live && stylegraph.ErrorCode(err) == stylegraph.EUNAVAILABLE:
		if fb := s.fallback(ctx, req.UserID, req.Limit, req.Exclude); len(fb) > 0 {
			return fb, nil
		}
	}
	return recs, err
}

// fallback answers from Redis alone while the graph is unavailable: the
// shopper's last answer, else the last trending answer, both with their
// product cards; the request is marked degraded. Nil when neither exists.
func (s *Service) fallback(ctx context.Context, userID int64, limit int, exclude map[int64]bool) []stylegraph.Recommendation {
	for _, k := range [][2]string{{"user", strconv.FormatInt(userID, 10)}, {"trending", ""}} {
		recs, err := s.cache.Answer(ctx, k[0], k[1])
		if err != nil {
			return nil
		}
		out := make([]stylegraph.Recommendation, 0, limit)
		for _, r := range recs {
			if len(out) < limit && !exclude[r.Product.ID] {
				out = append(out, r)
			}
		}
		if len(out) > 0 {
			stylegraph.MarkDegraded(ctx, "neo4j")
			return out
		}
	}
	return nil
}

// candidatesFor is how many candidates each source is asked for: enough that
// exclusions and caps still leave limit items.
func candidatesFor(limit int) int { return max(3*limit, 30) }

// Rank blends the sources for userID into one list of up to n per source,
// best first, before exclusions and caps. A shopper none of the personal
// sources know gets trending products (cold start).
func (s *Service) Rank(ctx context.Context, userID int64, now time.Time, n int) ([]Ranked, error) {
	realtime := now.IsZero()
	if realtime {
		now = s.now()
	}
	p := graph.RecParams{Now: now, HalfLife: s.cfg.HalfLife, Window: s.cfg.Window, Limit: n}
	lists := make(map[string][]graph.Candidate, len(Sources))
	var (
		mu       sync.Mutex
		wg       sync.WaitGroup
		firstErr error
	)
	for _, src := range Sources {
		if s.cfg.Weights[src] <= 0 || src == stylegraph.ReasonTrending {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			cs, err := s.source(ctx, src, userID, p)
			mu.Lock()
			defer mu.Unlock()
			if err != nil && firstErr == nil {
				firstErr = fmt.Errorf("recommend %s: %w", src, err)
			}
			lists[src] = cs
		}()
	}
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	weights := s.cfg.Weights
	personal := 0
	for _, cs := range lists {
		personal += len(cs)
	}
	if personal == 0 || weights[stylegraph.ReasonTrending] > 0 {
		cs, err := s.trending(ctx, "", p, realtime)
		if err != nil {
			return nil, fmt.Errorf("recommend trending: %w", err)
		}
		lists[stylegraph.ReasonTrending] = cs
		if personal == 0 {
			weights = map[string]float64{stylegraph.ReasonTrending: 1}
		}
	}
	return blend(lists, weights), nil
}

// source runs one recommender. Collaborative adds the precomputed item
// similarity (when fresh) to live co-engagement.
func (s *Service) source(ctx context.Context, src string, userID int64, p graph.RecParams) ([]graph.Candidate, error) {
	switch src {
	case stylegraph.ReasonCollaborative:
		ip := p
		ip.FreshSince = p.Now.Add(-s.cfg.SimilarMaxAge)
		if s.cfg.SimilarMaxAge <= 0 {
			ip.FreshSince = time.Time{}
		}
		items, err := s.g.ItemBased(ctx, userID, ip)
		if err != nil {
			return nil, err
		}
		users, err := s.g.Collaborative(ctx, userID, p)
		if err != nil {
			return nil, err
		}
		return mergeCollaborative(items, users), nil
	case stylegraph.ReasonSocial:
		return s.g.Social(ctx, userID, p)
	case stylegraph.ReasonInterest:
		return s.g.Interest(ctx, userID, p)
	}
	return nil, fmt.Errorf("unknown source %q", src)
}

// mergeCollaborative adds the item-based and the user-based lists, each
// normalised by its best score: the two neighbourhoods find different
// products. A product keeps the item-based evidence ("because you liked …")
// when it has it.
func mergeCollaborative(items, users []graph.Candidate) []graph.Candidate {
	if len(items) == 0 {
		return users
	}
	if len(users) == 0 {
		return items
	}
	byID := map[int64]int{}
	out := make([]graph.Candidate, 0, len(items)+len(users))
	for _, list := range [][]graph.Candidate{items, users} {
		top := list[0].Score
		for _, c := range list {
			top = max(top, c.Score)
		}
		for _, c := range list {
			score := 0.0
			if top > 0 {
				score = c.Score / top
			}
			if i, ok := byID[c.ProductID]; ok {
				out[i].Score += score
				out[i].Count = max(out[i].Count, c.Count)
				continue
			}
			byID[c.ProductID] = len(out)
			c.Score = score
			out = append(out, c)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Score != out[j].Score {
			return out[i].Score > out[j].Score
		}
		return out[i].ProductID < out[j].ProductID
	})
	return out
}

// blend normalises each source by its best score, sums the weighted scores
// per product and keeps every contributing source's reason, strongest first.
func blend(lists map[string][]graph.Candidate, weights map[string]float64) []Ranked {
	type acc struct {
		score   float64
		reasons []stylegraph.Reason
		parts   []float64
	}
	byID := map[int64]*acc{}
	var order []int64
	for _, src := range append(Sources[:len(Sources):len(Sources)], stylegraph.ReasonSimilar) {
		cs, w := lists[src], weights[src]
		if len(cs) == 0 || w <= 0 {
			continue
		}
		top := 0.0
		for _, c := range cs {
			top = max(top, c.Score)
		}
		if top <= 0 {
			top = 1
		}
		for _, c := range cs {
			a := byID[c.ProductID]
			if a == nil {
				a = &acc{}
				byID[c.ProductID] = a
				order = append(order, c.ProductID)
			}
			part := w * max(c.Score, 0) / top
			a.score += part
			a.reasons = append(a.reasons, reasonFor(src, c))
			a.parts = append(a.parts, part)
		}
	}
	out := make([]Ranked, 0, len(order))
	for _, id := range order {
		a := byID[id]
		idx := make([]int, len(a.reasons))
		for i := range idx {
			idx[i] = i
		}
		sort.SliceStable(idx, func(i, j int) bool { return a.parts[idx[i]] > a.parts[idx[j]] })
		rs := make([]stylegraph.Reason, len(idx))
		for i, k := range idx {
			rs[i] = a.reasons[k]
		}
		out = append(out, Ranked{ProductID: id, Score: a.score, Reasons: rs})
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Score != out[j].Score {
			return out[i].Score > out[j].Score
		}
		return out[i].ProductID < out[j].ProductID
	})
	return out
}

// finish drops what the shopper bought or hid, what is out of stock or
// excluded, applies the diversity caps and attaches product cards.
func (s *Service) finish(ctx context.Context, userID int64, ranked []Ranked, limit int, exclude map[int64]bool) ([]stylegraph.Recommendation, error) {
	ids := make([]int64, 0, len(ranked))
	for _, r := range ranked {
		if !exclude[r.ProductID] {
			ids = append(ids, r.ProductID)
		}
	}
	cards, err := s.g.Cards(ctx, userID, ids)
	if err != nil {
		return nil, fmt.Errorf("recommend cards: %w", err)
	}
	perBrand := map[int64]int{}
	perCat := map[string]int{}
	out := make([]stylegraph.Recommendation, 0, limit)
	for _, r := range ranked {
		if len(out) == limit {
			break
		}
		c, ok := cards[r.ProductID]
		if !ok || exclude[r.ProductID] || !c.InStock || c.Purchased || c.Hidden {
			continue
		}
		b, cat := c.Product.BrandID, c.Product.Category()
		if s.cfg.MaxPerBrand > 0 && b != 0 && perBrand[b] >= s.cfg.MaxPerBrand {
			continue
		}
		if s.cfg.MaxPerCategory > 0 && cat != "" && perCat[cat] >= s.cfg.MaxPerCategory {
			continue
		}
		perBrand[b]++
		perCat[cat]++
		out = append(out, stylegraph.Recommendation{Product: c.Product, Score: r.Score, Reasons: r.Reasons})
	}
	return out, nil
}

// Similar returns up to limit in-stock products like productID, with reasons.
func (s *Service) Similar(ctx context.Context, productID int64, limit int) ([]stylegraph.Recommendation, error) {
	if limit <= 0 || limit > MaxLimit {
		return nil, stylegraph.Invalid("limit", "limit must be between 1 and %d", MaxLimit)
	}
	self, err := s.g.Cards(ctx, 0, []int64{productID})
	if err != nil {
		return nil, fmt.Errorf("similar: %w", err)
	}
	if _, ok := self[productID]; !ok {
		return nil, stylegraph.Errorf(stylegraph.ENOTFOUND, "product %d not found", productID)
	}
	cs, err := s.g.Similar(ctx, productID, candidatesFor(limit))
	if err != nil {
		return nil, fmt.Errorf("similar: %w", err)
	}
	return s.finish(ctx, 0, blend(map[string][]graph.Candidate{stylegraph.ReasonSimilar: cs}, map[string]float64{stylegraph.ReasonSimilar: 1}), limit, nil)
}

// Trending returns up to limit in-stock trending products, overall or in
// category (a category path).
func (s *Service) Trending(ctx context.Context, category string, limit int) ([]stylegraph.Recommendation, error) {
	if limit <= 0 || limit > MaxLimit {
		return nil, stylegraph.Invalid("limit", "limit must be between 1 and %d", MaxLimit)
	}
	if len(category) > 200 {
		return nil, stylegraph.Invalid("category", "category must be at most 200 characters")
	}
	p := graph.RecParams{Now: s.now(), HalfLife: s.cfg.HalfLife, Window: s.cfg.Window, Limit: candidatesFor(limit)}
	cs, err := s.trending(ctx, category, p, true)
	var recs []stylegraph.Recommendation
	if err == nil {
		recs, err = s.finish(ctx, 0, blend(map[string][]graph.Candidate{stylegraph.ReasonTrending: cs}, map[string]float64{stylegraph.ReasonTrending: 1}), limit, nil)
	}
	switch {
	case s.cache == nil:
	case err == nil && len(recs) > 0:
		_ = s.cache.PutAnswer(ctx, "trending", category, recs)
	case stylegraph.ErrorCode(err) == stylegraph.EUNAVAILABLE:
		if old, _ := s.cache.Answer(ctx, "trending", category); len(old) > 0 {
			stylegraph.MarkDegraded(ctx, "neo4j")
			return old[:min(limit, len(old))], nil
		}
	}
	if err != nil {
		return nil, fmt.Errorf("trending: %w", err)
	}
	return recs, nil
}

// Hide keeps a product out of the shopper's recommendations from now on.
func (s *Service) Hide(ctx context.Context, userID, productID int64) error {
	return s.g.Hide(ctx, userID, productID, s.now())
}

// Unhide lets a hidden product be recommended again.
func (s *Service) Unhide(ctx context.Context, userID, productID int64) error {
	return s.g.Unhide(ctx, userID, productID)
}
