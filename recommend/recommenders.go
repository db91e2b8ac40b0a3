package recommend

import (
	"context"

	"github.com/stylegraph/stylegraph"
)

// A recommender is one source of the blend: how its candidates are fetched
// (a graph query of its own, cypher/rec_<name>.cypher behind a graph.RecStore
// method) and how its reason is written. Its name and default weight are in
// stylegraph.RecSources and stylegraph.DefaultRecWeights, which config's
// RECS_WEIGHTS checks against.
type recommender struct {
	// fetch returns the candidates for userID; nil for sources the blend
	// does not ask per shopper (trending is a shared list, similar answers
	// for a product).
	fetch func(ctx context.Context, s *Service, cfg Config, userID int64, p stylegraph.RecParams) ([]stylegraph.Candidate, error)
	// reason writes why a candidate is recommended (Kind is set by reasonFor).
	reason func(stylegraph.Candidate) stylegraph.Reason
}

// recommenders is the one registration of every source: Service.source and
// reasonFor read it. Adding a source: docs/recommendations.md.
var recommenders = map[string]recommender{
	stylegraph.ReasonCollaborative: {fetch: collaborative, reason: text(collaborativeReason)},
	stylegraph.ReasonSocial: {fetch: func(ctx context.Context, s *Service, _ Config, userID int64, p stylegraph.RecParams) ([]stylegraph.Candidate, error) {
		return s.g.Social(ctx, userID, p)
	}, reason: socialReason},
	stylegraph.ReasonInterest: {fetch: func(ctx context.Context, s *Service, _ Config, userID int64, p stylegraph.RecParams) ([]stylegraph.Candidate, error) {
		return s.g.Interest(ctx, userID, p)
	}, reason: text(interestReason)},
	stylegraph.ReasonTrending: {reason: text(trendingReason)},
	stylegraph.ReasonSimilar:  {reason: func(c stylegraph.Candidate) stylegraph.Reason { return stylegraph.Reason{Text: similarText(c.Similar)} }},
}

// text makes a reason of a text.
func text(f func(stylegraph.Candidate) string) func(stylegraph.Candidate) stylegraph.Reason {
	return func(c stylegraph.Candidate) stylegraph.Reason { return stylegraph.Reason{Text: f(c)} }
}
