package graph_test

import (
	"context"
	"math"
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/graph"
	"github.com/stylegraph/stylegraph/internal/testenv"
)

func TestInsights(t *testing.T) {
	s := testenv.Graph(t)
	ctx := context.Background()
	base := testenv.IDBase(t)
	now := time.Now().UTC().Add(-time.Minute)
	old := now.Add(-36 * time.Hour)
	graph.LoadFixture(t, s.DB, "insights_fixture.cypher", map[string]any{"base": base, "now": now, "old": old})
	day := now.Add(-24 * time.Hour)
	category := "Top" + itoa(base)

	t.Run("funnel", func(t *testing.T) {
		f, err := s.Insights.FunnelOf(ctx, base+201, "", day)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(stylegraph.Funnel{Views: 3, Likes: 1, Carts: 1, Purchases: 1}, f); diff != "" {
			t.Errorf("product funnel (-want +got):\n%s", diff)
		}
		f, err = s.Insights.FunnelOf(ctx, 0, category, day)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(stylegraph.Funnel{Views: 3, Likes: 1, Carts: 1, Purchases: 2}, f); diff != "" {
			t.Errorf("category funnel (-want +got):\n%s", diff)
		}
	})

	t.Run("bought together", func(t *testing.T) {
		pairs, err := s.Insights.BoughtTogether(ctx, base+201, 1, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(pairs) != 1 || pairs[0].B != base+202 || pairs[0].Both != 2 || pairs[0].Confidence != 1 {
			t.Fatalf("pairs %+v, want p1→p2 bought by both shoppers with confidence 1", pairs)
		}
		// support = 2/N and lift = N/2 for this pair, whatever N the shared
		// database holds.
		if p := pairs[0]; math.Abs(p.Support*p.Lift-1) > 1e-9 {
			t.Errorf("support %v × lift %v != 1", p.Support, p.Lift)
		}
	})

	t.Run("brand overlap", func(t *testing.T) {
		o, err := s.Insights.BrandOverlap(ctx, base+100, base+101)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(stylegraph.BrandOverlap{A: 4, B: 3, Shared: 2, Jaccard: 0.4}, o); diff != "" {
			t.Errorf("overlap (-want +got):\n%s", diff)
		}
	})

	t.Run("trending", func(t *testing.T) {
		got, err := s.Insights.Trending(ctx, stylegraph.TrendFilter{Kind: "product", Category: category, Since: day, Now: now.Add(time.Minute), HalfLifeHours: 24, Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		// p1: 3 views + like 3 + cart 4 + purchase 6 = 16; p2: 2 purchases = 12;
		// p3 was only liked in the previous window.
		if len(got) != 2 || got[0].ID != base+201 || got[0].Current != 16 || got[1].ID != base+202 || got[1].Current != 12 {
			t.Fatalf("trending products %+v", got)
		}
		// Every engagement is a minute old: all in the last of the 8 slices.
		for i, want := range []float64{16, 12} {
			series := make([]float64, stylegraph.TrendBuckets)
			series[stylegraph.TrendBuckets-1] = want
			if diff := cmp.Diff(series, got[i].Series); diff != "" {
				t.Errorf("series of %d (-want +got):\n%s", got[i].ID, diff)
			}
		}
		tags, err := s.Insights.Trending(ctx, stylegraph.TrendFilter{Kind: "tag", Category: category, Since: day, Now: now.Add(time.Minute), HalfLifeHours: 24, Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		if len(tags) != 1 || tags[0].Name != "tag-"+itoa(base) || tags[0].Current != 28 {
			t.Fatalf("trending tags %+v", tags)
		}
		brands, err := s.Insights.Trending(ctx, stylegraph.TrendFilter{Kind: "brand", Category: category, Since: day, Now: now.Add(time.Minute), HalfLifeHours: 24, Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		if len(brands) != 1 || brands[0].ID != base+100 || brands[0].Previous != 0 {
			t.Fatalf("trending brands %+v", brands)
		}
		prev, err := s.Insights.Trending(ctx, stylegraph.TrendFilter{Kind: "brand", Category: category, Since: old.Add(-time.Minute), Now: day, HalfLifeHours: 24, Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		if len(prev) != 1 || prev[0].ID != base+101 || prev[0].Current != 3 {
			t.Fatalf("brand B trend in the earlier window: %+v", prev)
		}
		// The like a minute into that window is in its first slice.
		if diff := cmp.Diff([]float64{3, 0, 0, 0, 0, 0, 0, 0}, prev[0].Series); diff != "" {
			t.Errorf("series of brand B in the earlier window (-want +got):\n%s", diff)
		}
	})

	t.Run("audience", func(t *testing.T) {
		a, err := s.Insights.AudienceOf(ctx, "product", base+201, day, 10)
		if err != nil {
			t.Fatal(err)
		}
		want := stylegraph.Audience{
			Size:     3,
			Segments: []stylegraph.Segment{{Kind: "tag", Name: "tag-" + itoa(base), Users: 2}},
			Brands:   []stylegraph.Segment{{ID: base + 100, Name: "brandA-" + itoa(base), Users: 3}, {ID: base + 101, Name: "brandB-" + itoa(base), Users: 1}},
		}
		if diff := cmp.Diff(want, a); diff != "" {
			t.Errorf("audience (-want +got):\n%s", diff)
		}
	})

	t.Run("influencers", func(t *testing.T) {
		got, err := s.Insights.Influencers(ctx, day, 100000)
		if err != nil {
			t.Fatal(err)
		}
		mine := map[int64]stylegraph.Influencer{}
		for _, in := range got {
			if in.ID > base && in.ID < base+1000 {
				mine[in.ID] = in
			}
		}
		if in := mine[base+1]; in.Followers != 3 || in.Reach != 2 || in.Kind != "user" {
			t.Errorf("user 1 = %+v, want 3 followers and reach 2", in)
		}
		if in := mine[base+100]; in.Followers != 4 || in.Reach != 2 || in.Kind != "brand" {
			t.Errorf("brand A = %+v, want 4 followers and reach 2", in)
		}
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
