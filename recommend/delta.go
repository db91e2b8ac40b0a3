package recommend

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/graph"
)

// deltaSlack widens the delta's window before the list's computedAt: an
// engagement is written to the graph a little after it happened (the
// worker's lag), so one dated just before a list was ranked may not be in
// it. Counting it twice only boosts its neighbours a little.
const deltaSlack = time.Minute

// deltaWait bounds the delta of a request that never waits on a traversal
// (the feed mix reads ahead, within 50 ms in all).
const deltaWait = 25 * time.Millisecond

// deltaLimit is how many candidates the delta adds at most.
const deltaLimit = 100

// freshBoost is how the delta's best candidate scores against the stored
// list's best item: an engagement since the list is the newest evidence of
// the shopper's taste, so its strongest neighbour goes first.
const freshBoost = 1.1

// withDelta is the stored list st with what the shopper did since it was
// ranked: the neighbours of their new likes, purchases and carts merged in
// and what they engaged with left out, from one bounded query. The merged
// list is stored in place of st, dated when the query began: the next
// requests read it as stored, and only a further engagement runs the query
// again.
func (s *Service) withDelta(ctx context.Context, cfg Config, userID int64, st Stored) ([]Ranked, error) {
	now := s.now()
	d, err := s.g.TasteSince(ctx, userID, st.ComputedAt.Add(-deltaSlack), s.tasteParams(cfg, now, deltaLimit))
	if err != nil {
		return nil, fmt.Errorf("recommend delta: %w", err)
	}
	merged := applyDelta(st.All(), d)
	// Best effort: should it fail, the next request merges again.
	_ = s.cache.Replace(ctx, userID, merged[:min(len(merged), ListSize)], now)
	return merged, nil
}

// tasteParams are the parameters of the one-query paths (delta, cold).
func (s *Service) tasteParams(cfg Config, now time.Time, limit int) stylegraph.RecParams {
	p := stylegraph.RecParams{Now: now, HalfLife: cfg.HalfLife, Window: cfg.Window, Limit: limit, Budget: cfg.Budget}
	if cfg.SimilarMaxAge > 0 {
		p.FreshSince = now.Add(-cfg.SimilarMaxAge)
	}
	return p
}

// applyDelta merges d into ranked (a stored list, best first): what the
// shopper engaged with is left out; each new neighbour adds a score scaled
// so that the best one reaches freshBoost × the list's best score, and
// leads its reasons.
func applyDelta(ranked []Ranked, d graph.TasteDelta) []Ranked {
	gone := make(map[int64]bool, len(d.Engaged))
	for _, id := range d.Engaged {
		gone[id] = true
	}
	out := make([]Ranked, 0, len(ranked)+len(d.Candidates))
	at := make(map[int64]int, len(ranked)+len(d.Candidates))
	top := 0.0
	for _, r := range ranked {
		if gone[r.ProductID] {
			continue
		}
		at[r.ProductID] = len(out)
		out = append(out, r)
		top = max(top, r.Score)
	}
	if top <= 0 {
		top = 1
	}
	best := 0.0
	for _, c := range d.Candidates {
		best = max(best, c.Score)
	}
	if best <= 0 {
		return out
	}
	for _, c := range d.Candidates {
		if gone[c.ProductID] {
			continue
		}
		score := freshBoost * top * max(c.Score, 0) / best
		reason := reasonFor(stylegraph.ReasonCollaborative, c)
		if i, ok := at[c.ProductID]; ok {
			out[i].Score += score
			out[i].Reasons = append([]stylegraph.Reason{reason}, out[i].reasons()...)
			out[i].rawReasons = nil
			continue
		}
		at[c.ProductID] = len(out)
		out = append(out, Ranked{ProductID: c.ProductID, Score: score, Reasons: []stylegraph.Reason{reason}})
	}
	slices.SortStableFunc(out, byScore)
	return out
}

// coldRank ranks a shopper who has no stored list with one bounded query
// (the neighbours of their most recent engagements and what people they
// follow liked or bought) blended with the trending list in memory, by the
// configured weights (trending alone when the query finds nothing), without
// what they engaged with. Interests, posts and followed brands come with the
// offline job's list.
func (s *Service) coldRank(ctx context.Context, cfg Config, userID int64, n int) ([]Ranked, error) {
	now := s.now()
	c, err := s.g.ColdStart(ctx, userID, s.tasteParams(cfg, now, n))
	if err != nil {
		return nil, fmt.Errorf("recommend cold start: %w", err)
	}
	p := stylegraph.RecParams{Now: now, HalfLife: cfg.HalfLife, Window: cfg.Window, Limit: n}
	trend, err := s.trending(ctx, "", p, true, trendWait)
	if err != nil {
		return nil, fmt.Errorf("recommend trending: %w", err)
	}
	lists := map[string][]stylegraph.Candidate{
		stylegraph.ReasonCollaborative: c.Candidates, stylegraph.ReasonSocial: c.Social, stylegraph.ReasonTrending: trend,
	}
	weights := cfg.Weights
	if cfg.Weights[stylegraph.ReasonCollaborative]*float64(len(c.Candidates))+cfg.Weights[stylegraph.ReasonSocial]*float64(len(c.Social)) <= 0 {
		weights = map[string]float64{stylegraph.ReasonTrending: 1}
	}
	return applyDelta(blend(lists, weights), graph.TasteDelta{Engaged: c.Engaged}), nil
}

// byScore orders ranked items best first (stable sorts keep ties in place).
func byScore(a, b Ranked) int { return cmp.Compare(b.Score, a.Score) }
