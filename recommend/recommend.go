// Package recommend blends the graph's recommenders into one ranked list per
// shopper: per-source weights, exclusions (bought, hidden, out of stock),
// diversity caps per brand and category, readable reasons, cold start, and
// precomputed lists in Redis that the online path uses while fresh. It must
// not import api, feeds, search or ingest.
package recommend

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/budget"
	"github.com/stylegraph/stylegraph/graph"
)

// Graph is what recommend reads from and writes to the graph.
type Graph interface {
	Collaborative(ctx context.Context, userID int64, p stylegraph.RecParams) ([]stylegraph.Candidate, error)
	ItemBased(ctx context.Context, userID int64, p stylegraph.RecParams) ([]stylegraph.Candidate, error)
	Social(ctx context.Context, userID int64, p stylegraph.RecParams) ([]stylegraph.Candidate, error)
	Interest(ctx context.Context, userID int64, p stylegraph.RecParams) ([]stylegraph.Candidate, error)
	Similar(ctx context.Context, productID int64, limit int) ([]stylegraph.Candidate, error)
	TasteSince(ctx context.Context, userID int64, since time.Time, p stylegraph.RecParams) (graph.TasteDelta, error)
	ColdStart(ctx context.Context, userID int64, p stylegraph.RecParams) (graph.ColdStart, error)
	TrendingProducts(ctx context.Context, category string, p stylegraph.RecParams) ([]stylegraph.Candidate, error)
	CategoryTop(ctx context.Context, path string) ([]stylegraph.Candidate, bool, error)
	Cards(ctx context.Context, userID int64, ids []int64) (map[int64]graph.Card, error)
	Hide(ctx context.Context, userID, productID int64, at time.Time) error
	Unhide(ctx context.Context, userID, productID int64) error
}

// Sources the blend draws from, in the order reasons are listed on ties.
var Sources = stylegraph.RecSources

// Config tunes the blend.
type Config struct {
	// RecBlend holds the weights, the diversity caps and the time scales,
	// as the configuration reads them.
	stylegraph.RecBlend
	// TrendingTTL is how long a trending list is served before it is
	// recomputed in the background (default 1 minute): it aggregates every
	// recent engagement, which is far too much work per request.
	TrendingTTL time.Duration
	// Budget bounds the graph work of one live request (zero fields:
	// stylegraph.DefaultRecBudget).
	Budget stylegraph.RecBudget
	// IgnoreAfter: a product served this many times without the shopper
	// engaging with it loses half its score for every further time (default
	// 3; negative turns it off).
	IgnoreAfter int
	// LiveTTL is how long a list computed on request is kept (default 15
	// minutes); lists of the batch job keep the cache's TTL.
	LiveTTL time.Duration

	// ColdBlend ranks a shopper who has no stored list with the full blend
	// (a bounded query per source), as evaluations and the offline job
	// rank. Off (the default), the online path ranks them with one bounded
	// query (the neighbours of their recent engagements and their
	// followees' recent likes and purchases) and the trending list in
	// memory, and the offline job's lists bring the other sources.
	ColdBlend bool

	// cachedCards: product cards come from Redis only, and missing ones are
	// fetched in the background (set per request for CachedOnly).
	cachedCards bool
}

// DefaultConfig is the configuration when nothing is set.
func DefaultConfig() Config {
	return Config{RecBlend: stylegraph.DefaultRecBlend(), IgnoreAfter: 3}
}

// MaxLimit caps how many items one call returns.
const MaxLimit = 100

// ListSize is how many ranked candidates a stored list holds: enough for a
// few pages after exclusions.
const ListSize = 200

// Service answers recommendation requests.
type Service struct {
	g     Graph
	cache *Cache
	cfg   atomic.Pointer[Config]
	base  Config
	now   func() time.Time

	trendMu sync.Mutex
	trends  map[string]*trendEntry

	tunedAt atomic.Int64 // unix nanos of the last tuned-blend check

	catMu sync.Mutex
	cats  map[string]catCheck

	answerMu sync.Mutex
	answered map[int64]time.Time // when each shopper's answer was last kept

	deltaWait time.Duration // see the constant

	bgMu     sync.Mutex
	inFlight map[int64]bool
	warming  atomic.Bool // a warmCards batch is running
}

type trendEntry struct {
	at         time.Time
	cs         []stylegraph.Candidate
	ranked     []Ranked // cs blended alone, as served to shoppers without a list
	refreshing bool
	ready      chan struct{} // closed once cs is first set
}

// trendWait bounds how long a recommendation request waits for the first
// trending list (the trending endpoint waits as long as its request may).
const trendWait = 2 * time.Second

// trendSize is how many trending products one computation keeps: enough for
// the largest request.
const trendSize = 3 * MaxLimit

// New returns a service over g. cache may be nil: then every request
// traverses the graph live and nothing is remembered.
func New(g Graph, cache *Cache, cfg Config) *Service {
	if cfg.TrendingTTL <= 0 {
		cfg.TrendingTTL = time.Minute
	}
	if cfg.IgnoreAfter == 0 {
		cfg.IgnoreAfter = 3
	}
	if cfg.LiveTTL <= 0 {
		cfg.LiveTTL = 15 * time.Minute
	}
	s := &Service{g: g, cache: cache, base: cfg, now: time.Now, trends: map[string]*trendEntry{}, inFlight: map[int64]bool{}, cats: map[string]catCheck{}, answered: map[int64]time.Time{}, deltaWait: deltaWait}
	s.cfg.Store(&cfg)
	return s
}

// config returns the configuration in force: the configured one with the
// tuned blend stored by the offline job over it, re-read once a minute in
// the background.
func (s *Service) config() Config {
	if s.cache != nil {
		now := s.now().UnixNano()
		if last := s.tunedAt.Load(); now-last > int64(time.Minute) && s.tunedAt.CompareAndSwap(last, now) {
			go s.loadTuned()
		}
	}
	return *s.cfg.Load()
}

func (s *Service) loadTuned() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	t, ok, err := s.cache.Tuned(ctx)
	if err != nil {
		return // keep what is in force; the next check retries
	}
	cfg := s.base
	if ok {
		cfg = t.apply(cfg)
	}
	s.cfg.Store(&cfg)
}

// trending returns up to p.Limit trending products. At the real clock the
// list is recomputed in the background once it is older than TrendingTTL,
// and requests are served the previous list meanwhile; only the first
// requests of a category wait for it, at most wait (0: they get nothing
// yet). Replays of the past (evaluations)
// always compute.
func (s *Service) trending(ctx context.Context, category string, p stylegraph.RecParams, realtime bool, wait time.Duration) ([]stylegraph.Candidate, error) {
	if !realtime {
		return s.g.TrendingProducts(ctx, category, p)
	}
	s.trendMu.Lock()
	e, ok := s.trends[category]
	if !ok {
		e = &trendEntry{ready: make(chan struct{})}
		s.trends[category] = e
	}
	ttl := s.config().TrendingTTL
	if !e.refreshing && (!ok || p.Now.Sub(e.at) > ttl || e.at.After(p.Now)) {
		e.refreshing = true
		go s.refreshTrending(category, e, p)
	}
	s.trendMu.Unlock()
	if wait > 0 {
		select {
		case <-e.ready:
		case <-time.After(wait):
			// Still computing (a cold process on a busy graph): answer
			// without trending rather than hold the request.
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	s.trendMu.Lock()
	defer s.trendMu.Unlock()
	return e.cs[:min(p.Limit, len(e.cs))], nil
}

// trendingRanked is the overall trending list ranked as the only source,
// without waiting for a first computation.
func (s *Service) trendingRanked(ctx context.Context, p stylegraph.RecParams) []Ranked {
	_, _ = s.trending(ctx, "", p, true, 0) // starts a refresh when due
	s.trendMu.Lock()
	defer s.trendMu.Unlock()
	if e := s.trends[""]; e != nil {
		return e.ranked
	}
	return nil
}

func (s *Service) refreshTrending(category string, e *trendEntry, p stylegraph.RecParams) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	p.Limit = trendSize
	cs, err := s.g.TrendingProducts(ctx, category, p)
	s.trendMu.Lock()
	defer s.trendMu.Unlock()
	e.refreshing = false
	if err != nil {
		if e.at.IsZero() {
			// Nothing to serve yet: let the waiters go with an empty list
			// and the next request try again.
			delete(s.trends, category)
			close(e.ready)
		}
		return
	}
	first := e.at.IsZero()
	e.cs, e.at = cs, p.Now
	e.ranked = blend(map[string][]stylegraph.Candidate{stylegraph.ReasonTrending: cs}, map[string]float64{stylegraph.ReasonTrending: 1})
	if first {
		close(e.ready)
	}
	if category == "" {
		// The feed mix of a shopper without a list is served from these.
		ranked := make([]Ranked, len(cs))
		for i, c := range cs {
			ranked[i] = Ranked{ProductID: c.ProductID}
		}
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			s.fillCards(ctx, ranked, 100)
		}()
	}
}

// Request asks for one shopper's recommendations.
type Request struct {
	UserID int64
	Limit  int
	// Offset skips that many items of the full list (paging).
	Offset int
	// Category keeps products in this category path or below it.
	Category string
	// Exclude lists products the caller does not want (already on screen,
	// already seen in an evaluation).
	Exclude map[int64]bool
	// Now replaces the clock (evaluation replays the past); zero is now.
	Now time.Time
	// Live skips the precomputed list.
	Live bool
	// CachedOnly never waits on a graph traversal: without a stored list the
	// answer is built from trending products while the shopper's list is
	// computed in the background (the feed uses this).
	CachedOnly bool
	// Unserved leaves the answer out of the shopper's served memory: the
	// caller records what it shows with Served (the feed mix reads ahead).
	Unserved bool
}

// Ranked is a blended candidate before exclusions and caps: what the batch
// job stores in Redis.
type Ranked struct {
	ProductID int64               `json:"id"`
	Score     float64             `json:"score"`
	Reasons   []stylegraph.Reason `json:"reasons"`

	// rawReasons are the reasons still encoded (a stored list read by
	// prefix): only the served items' are decoded.
	rawReasons []byte
}

// reasons returns r's reasons, decoding them if they are still encoded.
func (r Ranked) reasons() []stylegraph.Reason {
	if r.Reasons == nil && len(r.rawReasons) > 0 {
		var rs []stylegraph.Reason
		if json.Unmarshal(r.rawReasons, &rs) == nil {
			return rs
		}
	}
	return r.Reasons
}

// Recommend answers GET /v1/recommendations.
func (s *Service) Recommend(ctx context.Context, q stylegraph.RecommendationQuery) (stylegraph.RecommendationPage, error) {
	recs, more, err := s.page(ctx, Request{UserID: q.UserID, Limit: q.Limit, Offset: q.Offset, Category: q.Category})
	if err != nil {
		return stylegraph.RecommendationPage{}, err
	}
	page := stylegraph.RecommendationPage{Items: recs}
	if more {
		page.Next = q.Offset + len(recs)
	}
	return page, nil
}

// RecommendFor answers a full request. It uses the precomputed list when a
// fresh one exists and traverses the graph otherwise.
func (s *Service) RecommendFor(ctx context.Context, req Request) ([]stylegraph.Recommendation, error) {
	recs, _, err := s.page(ctx, req)
	return recs, err
}

// MaxOffset bounds paging: lists hold ListSize candidates.
const MaxOffset = 10_000

// page answers req from the graph and the stored lists; while the graph is
// unavailable it falls back to the last answer kept in Redis.
func (s *Service) page(ctx context.Context, req Request) ([]stylegraph.Recommendation, bool, error) {
	recs, more, err := s.rank(ctx, req)
	live := req.Now.IsZero() && s.cache != nil
	switch {
	case err == nil && live && !req.CachedOnly && len(req.Exclude) == 0 && req.Offset == 0 && req.Category == "" && len(recs) > 0:
		s.keepAnswer(req.UserID, recs)
	case live && stylegraph.ErrorCode(err) == stylegraph.EUNAVAILABLE:
		if fb := s.fallback(ctx, req.UserID, req.Offset+req.Limit, req.Exclude); len(fb) > req.Offset {
			return fb[req.Offset:], false, nil
		}
		if !req.CachedOnly {
			// No answer kept (a cold shopper, a cold process): answer as the
			// feed does, from the trending list in memory and cached cards,
			// while the shopper's list is ranked in the background. The
			// request's own time is spent, so this gets a short time of its own.
			cctx, cancel := context.WithTimeout(budget.BestEffort(context.WithoutCancel(ctx)), 250*time.Millisecond)
			r := req
			r.CachedOnly = true
			fb, fbMore, fbErr := s.rank(cctx, r)
			cancel()
			if fbErr == nil && len(fb) > 0 {
				stylegraph.MarkDegraded(ctx, "neo4j")
				return fb, fbMore, nil
			}
		}
	}
	return recs, more, err
}

// answerEvery is how often one shopper's answer is copied for fallback.
const answerEvery = 5 * time.Minute

// keepAnswer copies recs to Redis for when the graph is down, off the
// request path and at most once per answerEvery per shopper in this process:
// a fallback needs a recent answer, not the latest. A failure only loses the
// copy.
func (s *Service) keepAnswer(userID int64, recs []stylegraph.Recommendation) {
	now := s.now()
	s.answerMu.Lock()
	if at, ok := s.answered[userID]; ok && now.Sub(at) < answerEvery && !now.Before(at) {
		s.answerMu.Unlock()
		return
	}
	if len(s.answered) >= 100_000 {
		s.answered = map[int64]time.Time{} // bounded; forgetting only costs a write
	}
	s.answered[userID] = now
	s.answerMu.Unlock()
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = s.cache.PutAnswer(ctx, "user", strconv.FormatInt(userID, 10), recs)
	}()
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

// rank answers req: the shopper's candidates (stored list, live delta or a
// live ranking), then exclusions, caps and cards for the page asked for.
func (s *Service) rank(ctx context.Context, req Request) ([]stylegraph.Recommendation, bool, error) {
	if err := s.checkRequest(ctx, req); err != nil {
		return nil, false, err
	}
	cfg := s.config()
	if req.CachedOnly && s.cache != nil {
		cfg.cachedCards = true
	}
	need := req.Offset + req.Limit
	l, err := s.candidates(ctx, cfg, req, need)
	if err != nil {
		return nil, false, err
	}
	out, more, err := s.place(ctx, cfg, req, need, l)
	if err != nil {
		return nil, false, err
	}
	if len(out) <= req.Offset {
		return []stylegraph.Recommendation{}, false, nil
	}
	out = out[req.Offset:]
	if req.Now.IsZero() && !req.Unserved {
		ids := make([]int64, len(out))
		for i, r := range out {
			ids[i] = r.Product.ID
		}
		s.Served(req.UserID, ids)
	}
	return out, more, nil
}

// checkRequest rejects a limit, offset or category out of range.
func (s *Service) checkRequest(ctx context.Context, req Request) error {
	if req.Limit <= 0 || req.Limit > MaxLimit {
		return stylegraph.Invalid("limit", "limit must be between 1 and %d", MaxLimit)
	}
	if req.Offset < 0 || req.Offset > MaxOffset {
		return stylegraph.Invalid("cursor", "cursor is out of range")
	}
	if req.Category != "" {
		return s.checkCategory(ctx, req.Category)
	}
	return nil
}

// listed is a request's ranked candidates before exclusions and caps.
type listed struct {
	ranked  []Ranked
	seen    map[int64]int // served counts
	partial Stored        // a stored list of which only ranked, a prefix, is decoded
}

// candidates returns the shopper's ranked candidates: the stored list (with
// the live delta when the shopper engaged since), trending products for a
// request that never waits on the graph, else a live ranking, stored for
// the next request.
func (s *Service) candidates(ctx context.Context, cfg Config, req Request, need int) (listed, error) {
	var l listed
	switch {
	case s.cache != nil && !req.Live:
		var err error
		if l, err = s.storedCandidates(ctx, cfg, req, need); err != nil {
			return listed{}, err
		}
	case s.cache != nil && cfg.IgnoreAfter > 0:
		l.seen, _ = s.cache.Seen(ctx, req.UserID)
	}
	if l.ranked != nil {
		return l, nil
	}
	if req.CachedOnly && s.cache != nil {
		s.computeInBackground(req.UserID)
		p := stylegraph.RecParams{Now: s.now(), HalfLife: cfg.HalfLife, Window: cfg.Window, Limit: trendSize}
		if l.ranked = s.trendingRanked(ctx, p); l.ranked == nil {
			l.ranked = []Ranked{} // nothing yet: no graph work on this path
		}
		return l, nil
	}
	n := max(ListSize, candidatesFor(need+len(req.Exclude)))
	stored := s.cache != nil && req.Now.IsZero() && !req.Live
	at := s.now()
	var err error
	if stored && !cfg.ColdBlend {
		l.ranked, err = s.coldRank(ctx, cfg, req.UserID, n)
	} else {
		l.ranked, err = s.Rank(ctx, req.UserID, req.Now, n)
	}
	if err != nil {
		return listed{}, err
	}
	if stored {
		// Best effort: the next request is served from Redis. Dated when
		// the ranking began, so an engagement written meanwhile counts as
		// after it.
		_ = s.cache.PutTTL(ctx, req.UserID, l.ranked, at, cfg.LiveTTL)
	}
	return l, nil
}

// storedCandidates reads the shopper's stored list (a prefix of it when that
// is enough) and served counts, adding the live delta when the shopper
// engaged since the list was ranked. ranked is nil when no list is stored or
// Redis cannot be read (a cache miss: the graph answers); the error is the
// rate limiter's refusal that rode on the read.
func (s *Service) storedCandidates(ctx context.Context, cfg Config, req Request, need int) (listed, error) {
	st, err := s.cache.GetWithSeen(ctx, req.UserID, prefixFor(need, req))
	l := listed{seen: st.Seen}
	var refused Refusal
	if errors.As(err, &refused) {
		return l, refused.Err
	}
	if err != nil || !st.Found {
		return l, nil
	}
	l.ranked = st.Items
	if st.Partial {
		l.partial = st
	}
	if !st.Stale() || !req.Now.IsZero() {
		return l, nil
	}
	// The shopper engaged since the list was ranked: one bounded query
	// brings that in. Should it fail (or, for the feed, take longer than
	// deltaWait), the list as stored is still a good answer.
	dctx, cancel := ctx, context.CancelFunc(func() {})
	if req.CachedOnly {
		dctx, cancel = context.WithTimeout(ctx, s.deltaWait)
	}
	defer cancel()
	withDelta, err := s.withDelta(dctx, cfg, req.UserID, st)
	switch {
	case err == nil:
		l.ranked, l.partial = withDelta, Stored{}
	case !req.CachedOnly && stylegraph.ErrorCode(err) == stylegraph.EUNAVAILABLE:
		stylegraph.MarkDegraded(ctx, "neo4j")
	}
	return l, nil
}

// place applies served-item demotion, the category's top products, the
// exclusions and caps to l, and reads the cards of the first need items. A
// stored prefix that cannot fill the page is replaced by the whole list.
func (s *Service) place(ctx context.Context, cfg Config, req Request, need int, l listed) ([]stylegraph.Recommendation, bool, error) {
	ranked, partial := l.ranked, l.partial
	if cfg.IgnoreAfter > 0 && len(l.seen) > 0 {
		ranked = demoteIgnored(ranked, l.seen, cfg.IgnoreAfter)
	}
	if req.Category != "" {
		var err error
		if ranked, err = s.withCategoryTop(ctx, ranked, req.Category); err != nil {
			return nil, false, err
		}
	}
	if partial.Partial && cfg.IgnoreAfter > 0 && undemoted(ranked, l.seen, cfg.IgnoreAfter) < need+len(req.Exclude) {
		// Demoted products may now rank below products past the prefix:
		// the prefix must still hold a page of undemoted ones.
		ranked = demoteIgnored(partial.All(), l.seen, cfg.IgnoreAfter)
		partial = Stored{}
	}
	out, more, err := s.finishPart(ctx, cfg, ranked, need, req.Exclude, req.Category, partial.Partial)
	if errors.Is(err, errShort) {
		// The decoded prefix ran short (out of stock, caps): the whole list.
		ranked = partial.All()
		if cfg.IgnoreAfter > 0 && len(l.seen) > 0 {
			ranked = demoteIgnored(ranked, l.seen, cfg.IgnoreAfter)
		}
		partial.Partial = false
		out, more, err = s.finish(ctx, cfg, ranked, need, req.Exclude, req.Category)
	}
	return out, more || partial.Partial, err
}

// undemoted counts the items of ranked served fewer than ignoreAfter times.
func undemoted(ranked []Ranked, seen map[int64]int, ignoreAfter int) int {
	n := 0
	for _, r := range ranked {
		if seen[r.ProductID] < ignoreAfter {
			n++
		}
	}
	return n
}

// Served records, off the request path, that products were shown to
// userID (served memory: see Config.IgnoreAfter).
func (s *Service) Served(userID int64, products []int64) {
	if s.cache != nil && s.config().IgnoreAfter > 0 {
		s.cache.MarkSeenLater(userID, products)
	}
}

// prefixFor is how many items of a stored list a request decodes: enough
// that every item it can serve is among them, even when each product served
// excluded one is in front (rank checks demotions); 0 (all) for
// a category, whose products may be anywhere in the list.
func prefixFor(need int, req Request) int {
	if req.Category != "" {
		return 0
	}
	return need + len(req.Exclude) + 16
}

// computeInBackground ranks userID's list off the request path and stores
// it, at most two at a time per process and once per shopper.
func (s *Service) computeInBackground(userID int64) {
	s.bgMu.Lock()
	if s.inFlight[userID] || len(s.inFlight) >= 2 {
		s.bgMu.Unlock()
		return
	}
	s.inFlight[userID] = true
	s.bgMu.Unlock()
	go func() {
		defer func() {
			s.bgMu.Lock()
			delete(s.inFlight, userID)
			s.bgMu.Unlock()
		}()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		var ranked []Ranked
		var err error
		if cfg := s.config(); cfg.ColdBlend {
			ranked, err = s.Rank(ctx, userID, time.Time{}, ListSize)
		} else {
			ranked, err = s.coldRank(ctx, cfg, userID, ListSize)
		}
		if err != nil {
			return
		}
		_ = s.cache.PutTTL(ctx, userID, ranked, s.now(), s.config().LiveTTL)
		s.fillCards(ctx, ranked, 60)
	}()
}

// fillCards caches the cards of the first n products of ranked that Redis
// lacks, so that requests served from Redis alone (the feed mix) find them.
func (s *Service) fillCards(ctx context.Context, ranked []Ranked, n int) {
	if s.cache == nil {
		return
	}
	ids := make([]int64, 0, n)
	for _, r := range ranked[:min(n, len(ranked))] {
		ids = append(ids, r.ProductID)
	}
	_, _ = s.cards(ctx, ids)
}

// demoteIgnored halves the score of a product for every time it was served
// beyond ignoreAfter, and re-sorts: what a shopper keeps scrolling past
// stops coming first.
func demoteIgnored(ranked []Ranked, seen map[int64]int, ignoreAfter int) []Ranked {
	out := make([]Ranked, len(ranked))
	copy(out, ranked)
	changed := false
	for i := range out {
		if n := seen[out[i].ProductID]; n >= ignoreAfter {
			out[i].Score *= math.Pow(0.5, float64(n-ignoreAfter+1))
			changed = true
		}
	}
	if changed {
		slices.SortStableFunc(out, byScore)
	}
	return out
}

// withCategoryTop appends the category's most engaged products to ranked,
// below every personal candidate, so that a category page is full even when
// few personal candidates fall in it.
func (s *Service) withCategoryTop(ctx context.Context, ranked []Ranked, category string) ([]Ranked, error) {
	cs, _, err := s.g.CategoryTop(ctx, category)
	if err != nil {
		return nil, fmt.Errorf("recommend category %q: %w", category, err)
	}
	have := make(map[int64]bool, len(ranked))
	for _, r := range ranked {
		have[r.ProductID] = true
	}
	out := append(make([]Ranked, 0, len(ranked)+len(cs)), ranked...)
	for _, c := range cs {
		if !have[c.ProductID] {
			out = append(out, Ranked{ProductID: c.ProductID, Score: 0, Reasons: []stylegraph.Reason{{Kind: stylegraph.ReasonTrending, Text: "popular in " + leaf(category)}}})
		}
	}
	return out, nil
}

// checkCategory returns an invalid-input error naming "category" when no
// such category exists. Answers are remembered per path: found for 5
// minutes, not found for 30 seconds.
func (s *Service) checkCategory(ctx context.Context, path string) error {
	if len(path) > 200 {
		return stylegraph.Invalid("category", "category must be at most 200 characters")
	}
	now := s.now()
	s.catMu.Lock()
	c, ok := s.cats[path]
	s.catMu.Unlock()
	if ok && ((c.found && now.Sub(c.at) < 5*time.Minute) || (!c.found && now.Sub(c.at) < 30*time.Second)) {
		if !c.found {
			return stylegraph.Invalid("category", "unknown category %q", path)
		}
		return nil
	}
	_, found, err := s.g.CategoryTop(ctx, path)
	if err != nil {
		return fmt.Errorf("check category: %w", err)
	}
	s.catMu.Lock()
	if len(s.cats) > 10_000 {
		s.cats = map[string]catCheck{} // bounded: unknown paths are caller-chosen
	}
	s.cats[path] = catCheck{found: found, at: now}
	s.catMu.Unlock()
	if !found {
		return stylegraph.Invalid("category", "unknown category %q", path)
	}
	return nil
}

type catCheck struct {
	found bool
	at    time.Time
}

// candidatesFor is how many candidates each source is asked for: enough that
// exclusions and caps still leave limit items.
func candidatesFor(limit int) int { return max(3*limit, 30) }

// Rank blends the sources for userID into one list of up to n per source,
// best first, before exclusions and caps. A shopper none of the personal
// sources know gets trending products (cold start).
func (s *Service) Rank(ctx context.Context, userID int64, now time.Time, n int) ([]Ranked, error) {
	cfg := s.config()
	realtime := now.IsZero()
	if realtime {
		now = s.now()
	}
	p := stylegraph.RecParams{Now: now, HalfLife: cfg.HalfLife, Window: cfg.Window, Limit: n, Budget: cfg.Budget}
	lists := make(map[string][]stylegraph.Candidate, len(Sources))
	var (
		mu       sync.Mutex
		wg       sync.WaitGroup
		firstErr error
	)
	for _, src := range Sources {
		if cfg.Weights[src] <= 0 || src == stylegraph.ReasonTrending {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			cs, err := s.source(ctx, cfg, src, userID, p)
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
	weights := cfg.Weights
	personal := 0
	for _, cs := range lists {
		personal += len(cs)
	}
	if personal == 0 || weights[stylegraph.ReasonTrending] > 0 {
		cs, err := s.trending(ctx, "", p, realtime, trendWait)
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

// source runs one registered recommender (recommenders.go).
func (s *Service) source(ctx context.Context, cfg Config, src string, userID int64, p stylegraph.RecParams) ([]stylegraph.Candidate, error) {
	r, ok := recommenders[src]
	if !ok || r.fetch == nil {
		return nil, fmt.Errorf("unknown source %q", src)
	}
	return r.fetch(ctx, s, cfg, userID, p)
}

// collaborative adds the precomputed item similarity (when fresh) to live
// co-engagement.
func collaborative(ctx context.Context, s *Service, cfg Config, userID int64, p stylegraph.RecParams) ([]stylegraph.Candidate, error) {
	ip := p
	ip.FreshSince = p.Now.Add(-cfg.SimilarMaxAge)
	if cfg.SimilarMaxAge <= 0 {
		ip.FreshSince = time.Time{}
	}
	// Both are bounded; run them side by side.
	var (
		users []stylegraph.Candidate
		uerr  error
		done  = make(chan struct{})
	)
	go func() {
		defer close(done)
		users, uerr = s.g.Collaborative(ctx, userID, p)
	}()
	items, err := s.g.ItemBased(ctx, userID, ip)
	<-done
	if err != nil {
		return nil, err
	}
	if uerr != nil {
		return nil, uerr
	}
	return mergeCollaborative(items, users), nil
}

// mergeCollaborative adds the item-based and the user-based lists, each
// normalised by its best score: the two neighbourhoods find different
// products. A product keeps the item-based evidence ("because you liked …")
// when it has it.
func mergeCollaborative(items, users []stylegraph.Candidate) []stylegraph.Candidate {
	if len(items) == 0 {
		return users
	}
	if len(users) == 0 {
		return items
	}
	byID := map[int64]int{}
	out := make([]stylegraph.Candidate, 0, len(items)+len(users))
	for _, list := range [][]stylegraph.Candidate{items, users} {
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
func blend(lists map[string][]stylegraph.Candidate, weights map[string]float64) []Ranked {
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

// finish drops what is out of stock, excluded or outside category, applies
// the diversity caps and attaches product cards, until need items are
// placed. The caps re-rank: an item over a cap waits until every item within
// the caps is placed, so a list is only shorter than need when candidates
// run out. Cards are read for a window of candidates at a time. more says
// whether candidates remain beyond the need.
func (s *Service) finish(ctx context.Context, cfg Config, ranked []Ranked, need int, exclude map[int64]bool, category string) ([]stylegraph.Recommendation, bool, error) {
	return s.finishPart(ctx, cfg, ranked, need, exclude, category, false)
}

// errShort: a list prefix did not fill a page within the caps.
var errShort = errors.New("list prefix ran short")

// finishPart is finish over ranked, which is only a prefix of the list when
// partial: then it fails with errShort unless need items fit within the
// caps, since items past the prefix would have come before capped ones.
func (s *Service) finishPart(ctx context.Context, cfg Config, ranked []Ranked, need int, exclude map[int64]bool, category string, partial bool) ([]stylegraph.Recommendation, bool, error) {
	pl := placer{cfg: cfg, need: need, exclude: exclude, category: category,
		out: make([]placed, 0, need), perBrand: map[int64]int{}, perCat: map[string]int{}}
	next, window := 0, max(2*need, 20)
	for len(pl.out) < need && next < len(ranked) {
		end := min(next+window, len(ranked))
		cards, err := s.windowCards(ctx, cfg, ranked[next:end], exclude)
		if err != nil {
			return nil, false, fmt.Errorf("recommend cards: %w", err)
		}
		pl.add(ranked[next:end], cards)
		next = end
		window *= 2
	}
	more := next < len(ranked) || len(pl.out)+len(pl.deferred) > need
	if len(pl.out) < need && partial {
		return nil, false, errShort
	}
	return pl.page(), more, nil
}

// windowCards reads the cards of the products in window the caller does not
// exclude.
func (s *Service) windowCards(ctx context.Context, cfg Config, window []Ranked, exclude map[int64]bool) (map[int64]card, error) {
	ids := make([]int64, 0, len(window))
	for _, r := range window {
		if !exclude[r.ProductID] {
			ids = append(ids, r.ProductID)
		}
	}
	if cfg.cachedCards {
		return s.cachedCards(ctx, ids)
	}
	return s.cards(ctx, ids)
}

// placed is a candidate chosen for a page, with its product's JSON.
type placed struct {
	stylegraph.Recommendation
	r   Ranked
	enc []byte
}

// placer fills a page under the diversity caps: an item over a cap is
// deferred until every item within the caps is placed.
type placer struct {
	cfg      Config
	need     int
	exclude  map[int64]bool
	category string

	out, deferred []placed
	perBrand      map[int64]int
	perCat        map[string]int
}

// add places the items of window that may be served, in order.
func (pl *placer) add(window []Ranked, cards map[int64]card) {
	for _, r := range window {
		c, ok := cards[r.ProductID]
		if !ok || pl.exclude[r.ProductID] || !c.InStock || c.Purchased || c.Hidden {
			continue
		}
		if pl.category != "" && !inCategory(c.Product, pl.category) {
			continue
		}
		// Reasons are decoded once the page is chosen (page).
		rec := placed{stylegraph.Recommendation{Product: c.Product, Score: r.Score}, r, c.enc}
		b, cat := c.Product.BrandID, c.Product.Category()
		if (pl.cfg.MaxPerBrand > 0 && b != 0 && pl.perBrand[b] >= pl.cfg.MaxPerBrand) ||
			(pl.cfg.MaxPerCategory > 0 && cat != "" && pl.perCat[cat] >= pl.cfg.MaxPerCategory) {
			pl.deferred = append(pl.deferred, rec)
			continue
		}
		pl.perBrand[b]++
		pl.perCat[cat]++
		pl.out = append(pl.out, rec)
	}
}

// page is the placed items, then deferred ones, up to need, with their
// reasons decoded and their JSON spliced.
func (pl *placer) page() []stylegraph.Recommendation {
	out := pl.out
	for _, d := range pl.deferred {
		if len(out) >= pl.need {
			break
		}
		out = append(out, d)
	}
	out = out[:min(len(out), pl.need)]
	recs := make([]stylegraph.Recommendation, len(out))
	for i, p := range out {
		recs[i] = p.Recommendation
		recs[i].Reasons = p.r.reasons()
		if p.enc != nil {
			recs[i].Encoded = encodeItem(p.enc, p.Score, p.r)
		}
	}
	return recs
}

// cards returns product cards, from the cache where it holds them (then
// with their products encoded).
func (s *Service) cards(ctx context.Context, ids []int64) (map[int64]card, error) {
	if s.cache == nil {
		return s.graphCards(ctx, ids)
	}
	got, missing, err := s.cache.cards(ctx, ids)
	if err != nil {
		// Redis trouble: the graph answers.
		return s.graphCards(ctx, ids)
	}
	if len(missing) == 0 {
		return got, nil
	}
	fresh, err := s.g.Cards(ctx, 0, missing)
	if err != nil {
		return nil, err
	}
	kept, _ := s.cache.putCards(ctx, fresh, cardTTL)
	for id, gc := range fresh {
		if cd, ok := kept[id]; ok {
			got[id] = cd
		} else {
			got[id] = card{Card: gc}
		}
	}
	return got, nil
}

// graphCards reads cards from the graph alone, unencoded.
func (s *Service) graphCards(ctx context.Context, ids []int64) (map[int64]card, error) {
	gcs, err := s.g.Cards(ctx, 0, ids)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]card, len(gcs))
	for id, gc := range gcs {
		out[id] = card{Card: gc}
	}
	return out, nil
}

// cachedCards returns the cards Redis holds among ids and never waits on the
// graph: the missing ones are fetched in the background for next time.
func (s *Service) cachedCards(ctx context.Context, ids []int64) (map[int64]card, error) {
	got, missing, err := s.cache.cards(ctx, ids)
	if err != nil {
		return nil, err
	}
	s.warmCards(missing)
	return got, nil
}

// warmCards caches the cards of ids off the request path, one batch at a
// time per process: a busy graph gets one extra query, not one per request.
func (s *Service) warmCards(ids []int64) {
	if len(ids) == 0 || s.cache == nil || !s.warming.CompareAndSwap(false, true) {
		return
	}
	ids = append([]int64(nil), ids...)
	go func() {
		defer s.warming.Store(false)
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if cards, err := s.g.Cards(ctx, 0, ids); err == nil {
			_ = s.cache.PutCards(ctx, cards)
		}
	}()
}

// inCategory says whether p is in the category path or below it.
func inCategory(p stylegraph.Product, path string) bool {
	c := p.Category()
	return c == path || strings.HasPrefix(c, path+" > ")
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
	out, _, err := s.finish(ctx, s.config(), blend(map[string][]stylegraph.Candidate{stylegraph.ReasonSimilar: cs}, map[string]float64{stylegraph.ReasonSimilar: 1}), limit, nil, "")
	return out, err
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
	cfg := s.config()
	p := stylegraph.RecParams{Now: s.now(), HalfLife: cfg.HalfLife, Window: cfg.Window, Limit: candidatesFor(limit)}
	cs, err := s.trending(ctx, category, p, true, time.Hour)
	var recs []stylegraph.Recommendation
	if err == nil {
		recs, _, err = s.finish(ctx, cfg, blend(map[string][]stylegraph.Candidate{stylegraph.ReasonTrending: cs}, map[string]float64{stylegraph.ReasonTrending: 1}), limit, nil, "")
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

// Hide keeps a product out of the shopper's recommendations from now on:
// the stored list is marked changed, so the next request leaves it out.
func (s *Service) Hide(ctx context.Context, userID, productID int64) error {
	now := s.now()
	if err := s.g.Hide(ctx, userID, productID, now); err != nil {
		return err
	}
	if s.cache != nil {
		return s.cache.Changed(ctx, now, userID)
	}
	return nil
}

// Unhide lets a hidden product be recommended again.
func (s *Service) Unhide(ctx context.Context, userID, productID int64) error {
	if err := s.g.Unhide(ctx, userID, productID); err != nil {
		return err
	}
	if s.cache != nil {
		return s.cache.Drop(ctx, userID)
	}
	return nil
}
