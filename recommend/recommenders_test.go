package recommend

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/stylegraph/stylegraph"
)

// TestEverySourceRegistered: each source the blend and RECS_WEIGHTS know has
// a registration with a reason, a fetch unless it is the shared trending
// list, and a default weight.
func TestEverySourceRegistered(t *testing.T) {
	def := stylegraph.DefaultRecWeights()
	for _, src := range stylegraph.RecSources {
		r, ok := recommenders[src]
		if !ok {
			t.Errorf("source %q is not registered", src)
			continue
		}
		if r.reason == nil {
			t.Errorf("source %q has no reason", src)
		}
		if r.fetch == nil && src != stylegraph.ReasonTrending {
			t.Errorf("source %q has no fetch", src)
		}
		if def[src] <= 0 {
			t.Errorf("source %q has no default weight", src)
		}
	}
	for src := range def {
		if _, ok := recommenders[src]; !ok {
			t.Errorf("default weight for unregistered source %q", src)
		}
	}
}

// TestRegisteredSourceServed: a source registered in the table is what
// Service.source runs and reasonFor explains.
func TestRegisteredSourceServed(t *testing.T) {
	const name = "throwaway"
	want := []stylegraph.Candidate{{ProductID: 7, Score: 2}, {ProductID: 3, Score: 1}}
	recommenders[name] = recommender{
		fetch: func(context.Context, *Service, Config, int64, stylegraph.RecParams) ([]stylegraph.Candidate, error) {
			return want, nil
		},
		reason: text(func(stylegraph.Candidate) string { return "picked for the test" }),
	}
	t.Cleanup(func() { delete(recommenders, name) })
	got, err := (&Service{}).source(context.Background(), DefaultConfig(), name, 1, stylegraph.RecParams{})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("source (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(stylegraph.Reason{Kind: name, Text: "picked for the test"}, reasonFor(name, got[0])); diff != "" {
		t.Errorf("reason (-want +got):\n%s", diff)
	}
	if _, err := (&Service{}).source(context.Background(), DefaultConfig(), "nobody", 1, stylegraph.RecParams{}); err == nil {
		t.Error("an unregistered source ran")
	}
}
