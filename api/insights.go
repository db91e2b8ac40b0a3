package api

import (
	"context"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/insights"
)

// Insights are the graph queries merchandisers run.
type Insights interface {
	Influencers(ctx context.Context, since time.Time, limit int) ([]stylegraph.Influencer, error)
	Trending(ctx context.Context, f stylegraph.TrendFilter) ([]stylegraph.Trend, error)
	AudienceOf(ctx context.Context, kind string, id int64, since time.Time, limit int) (stylegraph.Audience, error)
	BoughtTogether(ctx context.Context, productID int64, minCount, limit int) ([]stylegraph.ProductPair, error)
	BrandOverlap(ctx context.Context, a, b int64) (stylegraph.BrandOverlap, error)
	FunnelOf(ctx context.Context, productID int64, category string, since time.Time) (stylegraph.Funnel, error)
}

// SearchStats reports what shoppers searched for.
type SearchStats interface {
	Top(ctx context.Context, since, now time.Time, limit int) (top, zero []insights.QueryCount, err error)
	Daily(ctx context.Context, since, now time.Time) ([]insights.DayCount, error)
	Analytics(ctx context.Context, since, now time.Time, limit int, zeroOnly bool) ([]insights.QueryAnalytics, error)
}

// insightHandlers serve /v1/admin/insights/*: the graph insights and, when
// configured, search statistics.
type insightHandlers struct {
	insights Insights
	stats    SearchStats
}

func (h insightHandlers) register(r router) {
	admin := r.admin()
	admin.GET("/insights/influencers", h.influencers)
	admin.GET("/insights/trending", h.trending)
	admin.GET("/insights/audience", h.audience)
	admin.GET("/insights/bought-together", h.boughtTogether)
	admin.GET("/insights/brand-overlap", h.brandOverlap)
	admin.GET("/insights/funnel", h.funnel)
	admin.GET("/insights/searches", h.searches)
	admin.GET("/insights/search-analytics", h.searchAnalytics)
}

func (h insightHandlers) influencers(c *gin.Context) {
	q := &query{c: c}
	w, limit := q.window(), q.int("limit", 20, 1, 500)
	if q.err != nil {
		writeError(c, q.err)
		return
	}
	rows, err := h.insights.Influencers(c.Request.Context(), w.From, limit)
	if err != nil {
		writeError(c, err)
		return
	}
	r := report{Title: "influencers", Window: &w, Columns: []string{"name", "kind", "id", "followers", "reach"}}
	for _, x := range rows {
		r.Rows = append(r.Rows, []any{x.Name, x.Kind, x.ID, x.Followers, x.Reach})
	}
	render(c, r)
}

func (h insightHandlers) trending(c *gin.Context) {
	q := &query{c: c}
	w, limit := q.window(), q.int("limit", 20, 1, 500)
	kind := q.oneOf("kind", "product", "product", "tag", "brand")
	category := q.text("category", 300)
	halfLife := q.int("half_life_hours", 24, 1, 24*90)
	if q.err != nil {
		writeError(c, q.err)
		return
	}
	rows, err := h.insights.Trending(c.Request.Context(), stylegraph.TrendFilter{
		Kind: kind, Category: category, Since: w.From, Now: w.To, HalfLifeHours: float64(halfLife), Limit: limit,
	})
	if err != nil {
		writeError(c, err)
		return
	}
	r := report{Title: "trending " + kind + "s", Window: &w, Columns: []string{"name", "id", "score", "current", "previous", "change", "series"},
		Extra: map[string]any{"seriesBuckets": stylegraph.TrendBuckets}}
	for _, x := range rows {
		var change any // nil when there is nothing to compare with
		if x.Previous > 0 {
			change = (x.Current - x.Previous) / x.Previous
		}
		r.Rows = append(r.Rows, []any{x.Name, x.ID, x.Score, x.Current, x.Previous, change, x.Series})
	}
	render(c, r)
}

func (h insightHandlers) audience(c *gin.Context) {
	q := &query{c: c}
	w, limit := q.window(), q.int("limit", 20, 1, 200)
	kind := q.oneOf("kind", "product", "product", "brand")
	id := q.id("id", true)
	if q.err != nil {
		writeError(c, q.err)
		return
	}
	a, err := h.insights.AudienceOf(c.Request.Context(), kind, id, w.From, limit)
	if err != nil {
		writeError(c, err)
		return
	}
	r := report{Title: "audience of " + kind + " " + strconv.FormatInt(id, 10), Window: &w,
		Columns: []string{"segment", "kind", "users"}, Extra: map[string]any{"size": a.Size, "brands": a.Brands}}
	for _, x := range a.Segments {
		r.Rows = append(r.Rows, []any{x.Name, x.Kind, x.Users})
	}
	for _, x := range a.Brands {
		r.Rows = append(r.Rows, []any{x.Name, "followed brand", x.Users})
	}
	render(c, r)
}

func (h insightHandlers) boughtTogether(c *gin.Context) {
	q := &query{c: c}
	product := q.id("product", false)
	minCount, limit := q.int("min_count", 2, 1, 1_000_000), q.int("limit", 20, 1, 500)
	if q.err != nil {
		writeError(c, q.err)
		return
	}
	pairs, err := h.insights.BoughtTogether(c.Request.Context(), product, minCount, limit)
	if err != nil {
		writeError(c, err)
		return
	}
	r := report{Title: "bought together", Columns: []string{"pair", "a", "b", "both", "support", "confidence", "lift"}}
	for _, p := range pairs {
		r.Rows = append(r.Rows, []any{p.ATitle + " + " + p.BTitle, p.A, p.B, p.Both, p.Support, p.Confidence, p.Lift})
	}
	render(c, r)
}

func (h insightHandlers) brandOverlap(c *gin.Context) {
	q := &query{c: c}
	a, b := q.id("a", true), q.id("b", true)
	if q.err == nil && a == b {
		q.fail(stylegraph.Invalid("b", "must differ from a"))
	}
	if q.err != nil {
		writeError(c, q.err)
		return
	}
	o, err := h.insights.BrandOverlap(c.Request.Context(), a, b)
	if err != nil {
		writeError(c, err)
		return
	}
	r := report{Title: "brand overlap", Columns: []string{"audience", "users"},
		Rows:  [][]any{{"brand a", o.A}, {"brand b", o.B}, {"shared", o.Shared}},
		Extra: map[string]any{"jaccard": o.Jaccard}}
	render(c, r)
}

func (h insightHandlers) funnel(c *gin.Context) {
	q := &query{c: c}
	w := q.window()
	product := q.id("product", false)
	category := q.text("category", 300)
	if q.err == nil && (product == 0) == (category == "") {
		q.fail(stylegraph.Invalid("product", "give exactly one of product or category"))
	}
	if q.err != nil {
		writeError(c, q.err)
		return
	}
	f, err := h.insights.FunnelOf(c.Request.Context(), product, category, w.From)
	if err != nil {
		writeError(c, err)
		return
	}
	rate := func(a, b int64) any {
		if b == 0 {
			return nil
		}
		return float64(a) / float64(b)
	}
	r := report{Title: "funnel", Window: &w, Columns: []string{"step", "users", "rate"}, Rows: [][]any{
		{"view", f.Views, nil}, {"like", f.Likes, rate(f.Likes, f.Views)},
		{"cart", f.Carts, rate(f.Carts, f.Views)}, {"purchase", f.Purchases, rate(f.Purchases, f.Views)},
	}}
	render(c, r)
}

func (h insightHandlers) searches(c *gin.Context) {
	q := &query{c: c}
	w, limit := q.window(), q.int("limit", 20, 1, 500)
	if !h.statsReady(c, q) {
		return
	}
	top, zero, err := h.stats.Top(c.Request.Context(), w.From, w.To, limit)
	if err != nil {
		writeError(c, err)
		return
	}
	days, err := h.stats.Daily(c.Request.Context(), w.From, w.To)
	if err != nil {
		writeError(c, err)
		return
	}
	r := report{Title: "searches", Window: &w, Columns: []string{"query", "list", "count"}, Extra: map[string]any{"days": days}}
	for _, x := range top {
		r.Rows = append(r.Rows, []any{x.Query, "top", x.Count})
	}
	for _, x := range zero {
		r.Rows = append(r.Rows, []any{x.Query, "zero_results", x.Count})
	}
	render(c, r)
}

// searchAnalytics answers click-through and conversion per query:
// the most searched queries, or (list=zero_results) the most searched of
// those that found nothing.
func (h insightHandlers) searchAnalytics(c *gin.Context) {
	q := &query{c: c}
	w, limit := q.window(), q.int("limit", 20, 1, 500)
	list := q.oneOf("list", "top", "top", "zero_results")
	if !h.statsReady(c, q) {
		return
	}
	rows, err := h.stats.Analytics(c.Request.Context(), w.From, w.To, limit, list == "zero_results")
	if err != nil {
		writeError(c, err)
		return
	}
	r := report{Title: "search analytics", Window: &w, Columns: []string{
		"query", "searches", "zeroResults", "clicks", "clickedSearches", "clickThroughRate",
		"carts", "cartedSearches", "conversionRate", "averageClickPosition",
	}}
	for _, a := range rows {
		r.Rows = append(r.Rows, []any{a.Query, a.Searches, a.ZeroResults, a.Clicks, a.ClickedSearches, a.ClickThroughRate,
			a.Carts, a.CartedSearches, a.ConversionRate, a.AverageClickPosition})
	}
	render(c, r)
}

// statsReady answers the query's first bad parameter, else 503 when search
// statistics are not configured, and reports whether neither happened.
func (h insightHandlers) statsReady(c *gin.Context, q *query) bool {
	switch {
	case q.err != nil:
		writeError(c, q.err)
	case h.stats == nil:
		writeError(c, stylegraph.Errorf(stylegraph.EUNAVAILABLE, "search statistics are not configured"))
	default:
		return true
	}
	return false
}
