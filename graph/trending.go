package graph

import (
	"time"

	"github.com/stylegraph/stylegraph"
)

// trendScore is the one definition of a product's trending score, shared by
// the recommender (rec_trending, rec_trending_category) and the insights
// (insights_trending): every engagement in [since, now] weighs its kind's
// stylegraph.EngagementWeights, halved every halfLife before now. It returns
// the parameters those queries read ($since, $now, $weights, $halfLife in
// seconds); callers add their own.
func trendScore(since, now time.Time, halfLife time.Duration) map[string]any {
	return map[string]any{"since": since.UTC(), "now": now.UTC(), "halfLife": halfLife.Seconds(),
		"weights": stylegraph.EngagementWeights.Params()}
}
