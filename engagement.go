package stylegraph

import "time"

// Weights says how much one engagement of each kind tells about a shopper's
// taste and a product's appeal.
type Weights struct {
	View, Like, Cart, Purchase, Follow float64
}

// EngagementWeights is the one scale of engagement: interests, search
// popularity, taste profiles, trending and the demo and evaluation loaders
// all weigh engagement by it (docs/graph-model.md). Follow counts towards
// brands and tags only.
var EngagementWeights = Weights{View: 1, Like: 3, Cart: 4, Purchase: 6, Follow: 5}

// Params returns w as the $weights map the Cypher queries read
// ($weights.view, $weights.like, ...), so no query holds a weight itself.
func (w Weights) Params() map[string]any {
	return map[string]any{"view": w.View, "like": w.Like, "cart": w.Cart, "purchase": w.Purchase, "follow": w.Follow}
}

// InterestHalfLife is how fast INTERESTED_IN weights fade. Half-lives reach
// Cypher in seconds, as $halfLife.
const InterestHalfLife = 30 * 24 * time.Hour
