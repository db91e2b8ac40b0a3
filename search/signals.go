package search

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/stylegraph/stylegraph"
)

// Signal is one shopper action on a product that moves its popularity.
type Signal struct {
	EventID   string
	ProductID int64
	Action    string // view, like, unlike, add_to_cart, purchase
}

// signalWeights say how much each action says about a product's appeal:
// the engagement scale, with an unlike taking its like back.
var signalWeights = map[string]float64{
	"view":        stylegraph.EngagementWeights.View,
	"like":        stylegraph.EngagementWeights.Like,
	"unlike":      -stylegraph.EngagementWeights.Like,
	"add_to_cart": stylegraph.EngagementWeights.Cart,
	"purchase":    stylegraph.EngagementWeights.Purchase,
}

// SignalWeight returns the popularity weight of an action, 0 for actions
// that do not count.
func SignalWeight(action string) float64 { return signalWeights[action] }

// popularityScript adds params.delta to a product's popularity. It carries
// numbers only; no text from events reaches it.
const popularityScript = `double s = ctx._source.popularityScore == null ? 0.0 : ((Number) ctx._source.popularityScore).doubleValue();
s = Math.max(0.0, s + params.delta);
ctx._source.popularityScore = s;
ctx._source.popularity = s + 1.0;
ctx._source.indexedAt = params.now;`

// Popularity applies signals to the products index in batches: one bulk
// update per product per batch, however many events it got.
type Popularity struct {
	c      *Client
	rdb    redis.UniversalClient
	prefix string
	ttl    time.Duration
}

// NewPopularity writes through c; it remembers applied event IDs in Redis
// under prefix for ttl so a redelivered batch does not count twice.
func NewPopularity(c *Client, rdb redis.UniversalClient, prefix string, ttl time.Duration) *Popularity {
	return &Popularity{c: c, rdb: rdb, prefix: prefix, ttl: ttl}
}

// Apply adds the signals' weights to their products. Events seen before are
// skipped; if the index write fails they are forgotten again so the retry
// applies them. Products not in the index are ignored.
func (p *Popularity) Apply(ctx context.Context, signals []Signal) (BulkReport, error) {
	var counted []Signal
	for _, s := range signals {
		if SignalWeight(s.Action) != 0 && s.ProductID > 0 && s.EventID != "" {
			counted = append(counted, s)
		}
	}
	if len(counted) == 0 {
		return BulkReport{}, nil
	}
	pipe := p.rdb.Pipeline()
	marks := make([]*redis.BoolCmd, len(counted))
	for i, s := range counted {
		marks[i] = pipe.SetNX(ctx, p.prefix+s.EventID, 1, p.ttl)
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return BulkReport{}, fmt.Errorf("mark popularity events: %w", err)
	}
	delta := map[int64]float64{}
	fresh := map[int64][]string{} // product → event keys marked by this call
	for i, s := range counted {
		if marks[i].Val() {
			delta[s.ProductID] += SignalWeight(s.Action)
			fresh[s.ProductID] = append(fresh[s.ProductID], p.prefix+s.EventID)
		}
	}
	ids := make([]int64, 0, len(delta))
	for id, d := range delta {
		if d != 0 {
			ids = append(ids, id)
		}
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	ops := make([]bulkOp, len(ids))
	for i, id := range ids {
		ops[i] = bulkOp{id: id, missingOK: true, body: map[string]any{
			"script": map[string]any{"lang": "painless", "source": popularityScript, "params": map[string]any{"delta": delta[id], "now": time.Now().UTC().Format(time.RFC3339Nano)}},
		}}
	}
	rep, err := p.c.bulk(ctx, p.c.Alias("products"), ops)
	// Forget the events whose write did not land, so a retry applies them
	// and only them.
	var forget []string
	switch {
	case err != nil:
		for _, keys := range fresh {
			forget = append(forget, keys...)
		}
	case len(rep.Failed) > 0:
		for _, f := range rep.Failed {
			forget = append(forget, fresh[f.ID]...)
		}
		err = fmt.Errorf("popularity: %d of %d products failed, first %d: %s", len(rep.Failed), len(ops), rep.Failed[0].ID, rep.Failed[0].Reason)
	}
	if len(forget) > 0 {
		_ = p.rdb.Del(context.WithoutCancel(ctx), forget...).Err()
	}
	return rep, err
}
