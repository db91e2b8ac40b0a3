package graph

import (
	"context"
	"time"

	"github.com/stylegraph/stylegraph"
)

// InsightStore answers the merchandisers' insights: influencers, trending, audiences,
// products bought together, brand overlap and funnels.
type InsightStore struct{ db *DB }

// NewInsightStore returns the insight store over db.
func NewInsightStore(db *DB) *InsightStore { return &InsightStore{db: db} }

// Influencers ranks users and brands by followers, with the distinct shoppers
// their content reached since since.
func (s *InsightStore) Influencers(ctx context.Context, since time.Time, limit int) ([]stylegraph.Influencer, error) {
	res, err := s.db.runNamed(ctx, "insights_influencers", map[string]any{"since": since.UTC(), "limit": limit})
	if err != nil {
		return nil, err
	}
	out := make([]stylegraph.Influencer, 0, len(res.Records))
	for _, r := range res.Records {
		m := r.AsMap()
		out = append(out, stylegraph.Influencer{Kind: str(m["kind"]), ID: i64(m["id"]), Name: str(m["name"]), Followers: i64(m["followers"]), Reach: i64(m["reach"])})
	}
	return out, nil
}

// Trending ranks by time-decayed engagement in [Since, Now) and reports the
// change against the window of the same length before it.
func (s *InsightStore) Trending(ctx context.Context, f stylegraph.TrendFilter) ([]stylegraph.Trend, error) {
	window := f.Now.Sub(f.Since)
	params := trendScore(f.Since, f.Now, time.Duration(f.HalfLifeHours*float64(time.Hour)))
	params["kind"], params["category"], params["prevSince"], params["limit"] = f.Kind, nullable(f.Category), f.Since.Add(-window).UTC(), f.Limit
	params["windowSeconds"], params["buckets"] = window.Seconds(), stylegraph.TrendBuckets
	res, err := s.db.runNamed(ctx, "insights_trending", params)
	if err != nil {
		return nil, err
	}
	out := make([]stylegraph.Trend, 0, len(res.Records))
	for _, r := range res.Records {
		m := r.AsMap()
		t := stylegraph.Trend{ID: i64(m["id"]), Name: str(m["name"]), Score: num(m["score"]), Current: num(m["current"]), Previous: num(m["previous"])}
		series, _ := m["series"].([]any)
		for _, v := range series {
			t.Series = append(t.Series, num(v))
		}
		out = append(out, t)
	}
	return out, nil
}

// AudienceOf reports the audience of a product or brand (kind) since since.
func (s *InsightStore) AudienceOf(ctx context.Context, kind string, id int64, since time.Time, limit int) (stylegraph.Audience, error) {
	res, err := s.db.runNamed(ctx, "insights_audience", map[string]any{"kind": kind, "id": id, "since": since.UTC(), "limit": limit})
	if err != nil {
		return stylegraph.Audience{}, err
	}
	var a stylegraph.Audience
	if len(res.Records) == 0 {
		return a, nil
	}
	m := res.Records[0].AsMap()
	a.Size = i64(m["size"])
	a.Segments = segments(m["segments"])
	a.Brands = segments(m["brands"])
	return a, nil
}

func segments(v any) []stylegraph.Segment {
	xs, _ := v.([]any)
	out := make([]stylegraph.Segment, 0, len(xs))
	for _, x := range xs {
		m, _ := x.(map[string]any)
		out = append(out, stylegraph.Segment{Kind: str(m["kind"]), ID: i64(m["id"]), Name: str(m["name"]), Users: i64(m["users"])})
	}
	return out
}

// BoughtTogether returns product pairs bought or liked together at least
// minCount times, for one product (productID > 0) or overall.
func (s *InsightStore) BoughtTogether(ctx context.Context, productID int64, minCount, limit int) ([]stylegraph.ProductPair, error) {
	var pid any
	candidates := 25 // overall: pairs starting at the most engaged products
	if productID > 0 {
		pid, candidates = productID, 1
	}
	res, err := s.db.runNamed(ctx, "insights_bought_together", map[string]any{
		"productId": pid, "minCount": minCount, "limit": limit, "candidates": candidates,
	})
	if err != nil {
		return nil, err
	}
	out := make([]stylegraph.ProductPair, 0, len(res.Records))
	for _, r := range res.Records {
		m := r.AsMap()
		out = append(out, stylegraph.ProductPair{A: i64(m["a"]), ATitle: str(m["aTitle"]), B: i64(m["b"]), BTitle: str(m["bTitle"]),
			Both: i64(m["both"]), Support: num(m["support"]), Confidence: num(m["confidence"]), Lift: num(m["lift"])})
	}
	return out, nil
}

// BrandOverlap measures the shared audience of brands a and b.
func (s *InsightStore) BrandOverlap(ctx context.Context, a, b int64) (stylegraph.BrandOverlap, error) {
	res, err := s.db.runNamed(ctx, "insights_brand_overlap", map[string]any{"a": a, "b": b})
	if err != nil {
		return stylegraph.BrandOverlap{}, err
	}
	if len(res.Records) == 0 {
		return stylegraph.BrandOverlap{}, nil
	}
	m := res.Records[0].AsMap()
	return stylegraph.BrandOverlap{A: i64(m["a"]), B: i64(m["b"]), Shared: i64(m["shared"]), Jaccard: num(m["jaccard"])}, nil
}

// FunnelOf reports the funnel of one product (productID > 0) or of every
// product under category since since.
func (s *InsightStore) FunnelOf(ctx context.Context, productID int64, category string, since time.Time) (stylegraph.Funnel, error) {
	var pid any
	if productID > 0 {
		pid = productID
	}
	res, err := s.db.runNamed(ctx, "insights_funnel", map[string]any{"productId": pid, "category": nullable(category), "since": since.UTC()})
	if err != nil {
		return stylegraph.Funnel{}, err
	}
	var f stylegraph.Funnel
	for _, r := range res.Records {
		m := r.AsMap()
		n := i64(m["users"])
		switch str(m["step"]) {
		case "VIEWED":
			f.Views = n
		case "LIKED":
			f.Likes = n
		case "CARTED":
			f.Carts = n
		case "PURCHASED":
			f.Purchases = n
		}
	}
	return f, nil
}
