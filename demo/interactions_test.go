package demo

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/graph"
)

func TestInteractionsAreDeterministicSkewedAndRecent(t *testing.T) {
	ds := Generate(7, Size{Users: 200, Products: 500})
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	collect := func() []graph.Engagement {
		var all []graph.Engagement
		chunks := 0
		err := Interactions(7, ds, 12_000, now, func(es []graph.Engagement) error {
			chunks++
			all = append(all, es...)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if chunks != 3 {
			t.Fatalf("%d chunks, want 3 of at most 5000", chunks)
		}
		return all
	}
	a, b := collect(), collect()
	if diff := cmp.Diff(a, b); diff != "" {
		t.Fatalf("same seed, different engagements (-first +second):\n%s", diff)
	}
	if len(a) != 12_000 {
		t.Fatalf("%d engagements", len(a))
	}
	kinds := map[string]int{}
	perProduct := map[int64]int{}
	for _, e := range a {
		kinds[e.Kind]++
		perProduct[e.ProductID]++
		if e.At.After(now) || e.At.Before(now.Add(-60*24*time.Hour)) {
			t.Fatalf("engagement at %v outside the 60 days before %v", e.At, now)
		}
	}
	if !(kinds["view"] > kinds["like"] && kinds["like"] > kinds["cart"] && kinds["cart"] > 0 && kinds["purchase"] > 0) {
		t.Fatalf("kinds = %v", kinds)
	}
	top := 0
	for _, n := range perProduct {
		top = max(top, n)
	}
	// Skewed: the most engaged product gets far more than the mean of 24.
	if top < 5*12_000/len(ds.Products) {
		t.Fatalf("most engaged product has %d engagements: no skew", top)
	}
}

func TestInterestsFollowEngagementWeights(t *testing.T) {
	ds := Generate(3, Size{Users: 2, Products: 3})
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	in := NewInterests(ds, now)
	p := ds.Products[0]
	in.Add([]graph.Engagement{
		{UserID: 1, ProductID: p.ID, Kind: graph.EngageLike, At: now},
		{UserID: 1, ProductID: p.ID, Kind: graph.EngagePurchase, At: now.Add(-stylegraph.InterestHalfLife)},
	})
	got := map[string]float64{}
	for _, w := range in.Weights() {
		if w.Kind == "brand" && w.Key != p.BrandID {
			t.Fatalf("brand key %v, want %d", w.Key, p.BrandID)
		}
		got[w.Kind+":"+fmt.Sprint(w.Key)] = w.Weight
	}
	want := map[string]float64{"brand:" + fmt.Sprint(p.BrandID): 6, "category:" + p.Category(): 6}
	for _, tag := range p.Tags {
		want["tag:"+tag] = 6 // 3 for the like, 6 halved for the purchase a half-life ago
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("weights (-want +got):\n%s", diff)
	}
}
