package wiring

import (
	"context"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/ingest"
	"github.com/stylegraph/stylegraph/search"
)

// SearchEngine is the product search the API serves: OpenSearch ranked with
// taste profiles from the graph, cached in Redis; autocomplete answers are
// kept in Redis (per index prefix) to answer from while OpenSearch is out.
func (d *Deps) SearchEngine() *search.Engine {
	saved := search.NewSavedSuggestions(d.Redis, d.Cfg.Search.KeyPrefix+"suggest:"+d.Cfg.SearchIndexPrefix, 0, d.Log)
	return search.NewEngine(d.Search, d.SearchProfiles(), d.Log).WithProfileTimeout(d.Cfg.Search.ProfileTimeout).WithSavedSuggestions(saved)
}

// SearchProfiles caches shoppers' taste profiles for personalised search.
func (d *Deps) SearchProfiles() *search.CachedProfiles {
	return search.NewCachedProfiles(d.Graph.Taste, d.Redis, d.Cfg.Search.KeyPrefix+"profile:", d.Cfg.Search.ProfileTTL)
}

// SearchSignals is the consumer that turns views, likes, carts and purchases
// of products into popularity in the search index.
func (d *Deps) SearchSignals() ingest.Handler {
	pop := search.NewPopularity(d.Search, d.Redis, d.Cfg.Search.KeyPrefix+"signal:", d.Cfg.Activity.DedupWindow)
	return ingest.HandlerFunc(func(ctx context.Context, events []stylegraph.Event) error {
		_, err := pop.Apply(ctx, productSignals(events))
		return err
	})
}

// productSignals keeps the events about products that move popularity.
func productSignals(events []stylegraph.Event) []search.Signal {
	var out []search.Signal
	for _, e := range events {
		if e.Target == nil || e.Target.Kind != stylegraph.TargetProduct || search.SignalWeight(string(e.Type)) == 0 {
			continue
		}
		out = append(out, search.Signal{EventID: e.ID, ProductID: e.Target.ID, Action: string(e.Type)})
	}
	return out
}
