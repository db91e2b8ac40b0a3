package api

import (
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/audit"
	"github.com/stylegraph/stylegraph/graph"
	"github.com/stylegraph/stylegraph/insights"
)

// Insights are the graph queries merchandisers run.
type Insights interface {
	Influencers(ctx context.Context, since time.Time, limit int) ([]graph.Influencer, error)
	Trending(ctx context.Context, f graph.TrendFilter) ([]graph.Trend, error)
	AudienceOf(ctx context.Context, kind string, id int64, since time.Time, limit int) (graph.Audience, error)
	BoughtTogether(ctx context.Context, productID int64, minCount, limit int) ([]graph.Pair, error)
	BrandOverlap(ctx context.Context, a, b int64) (graph.Overlap, error)
	FunnelOf(ctx context.Context, productID int64, category string, since time.Time) (graph.Funnel, error)
}

// SearchStats reports what shoppers searched for.
type SearchStats interface {
	Top(ctx context.Context, since, now time.Time, limit int) (top, zero []insights.QueryCount, err error)
	Daily(ctx context.Context, since, now time.Time) ([]insights.DayCount, error)
	Analytics(ctx context.Context, since, now time.Time, limit int, zeroOnly bool) ([]insights.QueryAnalytics, error)
}

// Auditor keeps the append-only record of privileged calls.
type Auditor interface {
	Record(ctx context.Context, e audit.Entry) error
	List(ctx context.Context, cursor string, limit int) ([]audit.Entry, string, error)
}

// report is an insight as a table: the first column labels the rows, numeric
// columns become chart series.
type report struct {
	Title   string
	Window  *window
	Columns []string
	Rows    [][]any
	Extra   map[string]any
}

type window struct {
	From time.Time `json:"from"`
	To   time.Time `json:"to"`
}

type series struct {
	Name string `json:"name"`
	Data []any  `json:"data"`
}

func (s *Server) registerInsights(o Options) {
	admin := s.adminGroup()
	admin.GET("/insights/influencers", s.insightInfluencers)
	admin.GET("/insights/trending", s.insightTrending)
	admin.GET("/insights/audience", s.insightAudience)
	admin.GET("/insights/bought-together", s.insightBoughtTogether)
	admin.GET("/insights/brand-overlap", s.insightBrandOverlap)
	admin.GET("/insights/funnel", s.insightFunnel)
	admin.GET("/insights/searches", s.insightSearches)
	admin.GET("/insights/search-analytics", s.insightSearchAnalytics)
	admin.GET("/audit", allow(stylegraph.RoleAdmin), s.auditList)
}

// audited records every admin call, whatever its outcome, after it ran.
func (s *Server) audited(c *gin.Context) {
	c.Next()
	if s.audit == nil {
		return
	}
	p := principal(c)
	params := map[string]string{}
	for k, v := range c.Request.URL.Query() {
		params[k] = strings.Join(v, ",")
	}
	rows, _ := c.Get("auditRows")
	n, _ := rows.(int)
	err := s.audit.Record(c.Request.Context(), audit.Entry{
		UserID: p.UserID, KeyID: p.KeyID, Role: p.Role, Action: c.Request.Method + " " + c.FullPath(),
		Params: params, Status: c.Writer.Status(), Rows: n, RequestID: RequestIDFromContext(c.Request.Context()),
	})
	if err != nil {
		s.log.ErrorContext(c.Request.Context(), "audit record failed", "err", err.Error())
	}
}

func (s *Server) insightInfluencers(c *gin.Context) {
	q := &query{c: c}
	w, limit := q.window(), q.int("limit", 20, 1, 500)
	if q.err != nil {
		writeError(c, q.err)
		return
	}
	rows, err := s.insights.Influencers(c.Request.Context(), w.From, limit)
	if err != nil {
		writeError(c, err)
		return
	}
	r := report{Title: "influencers", Window: &w, Columns: []string{"name", "kind", "id", "followers", "reach"}}
	for _, x := range rows {
		r.Rows = append(r.Rows, []any{x.Name, x.Kind, x.ID, x.Followers, x.Reach})
	}
	s.render(c, r)
}

func (s *Server) insightTrending(c *gin.Context) {
	q := &query{c: c}
	w, limit := q.window(), q.int("limit", 20, 1, 500)
	kind := q.oneOf("kind", "product", "product", "tag", "brand")
	category := q.text("category", 300)
	halfLife := q.int("half_life_hours", 24, 1, 24*90)
	if q.err != nil {
		writeError(c, q.err)
		return
	}
	rows, err := s.insights.Trending(c.Request.Context(), graph.TrendFilter{
		Kind: kind, Category: category, Since: w.From, Now: w.To, HalfLifeHours: float64(halfLife), Limit: limit,
	})
	if err != nil {
		writeError(c, err)
		return
	}
	r := report{Title: "trending " + kind + "s", Window: &w, Columns: []string{"name", "id", "score", "current", "previous", "change", "series"},
		Extra: map[string]any{"seriesBuckets": graph.TrendBuckets}}
	for _, x := range rows {
		var change any // nil when there is nothing to compare with
		if x.Previous > 0 {
			change = (x.Current - x.Previous) / x.Previous
		}
		r.Rows = append(r.Rows, []any{x.Name, x.ID, x.Score, x.Current, x.Previous, change, x.Series})
	}
	s.render(c, r)
}

func (s *Server) insightAudience(c *gin.Context) {
	q := &query{c: c}
	w, limit := q.window(), q.int("limit", 20, 1, 200)
	kind := q.oneOf("kind", "product", "product", "brand")
	id := q.id("id", true)
	if q.err != nil {
		writeError(c, q.err)
		return
	}
	a, err := s.insights.AudienceOf(c.Request.Context(), kind, id, w.From, limit)
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
	s.render(c, r)
}

func (s *Server) insightBoughtTogether(c *gin.Context) {
	q := &query{c: c}
	product := q.id("product", false)
	minCount, limit := q.int("min_count", 2, 1, 1_000_000), q.int("limit", 20, 1, 500)
	if q.err != nil {
		writeError(c, q.err)
		return
	}
	pairs, err := s.insights.BoughtTogether(c.Request.Context(), product, minCount, limit)
	if err != nil {
		writeError(c, err)
		return
	}
	r := report{Title: "bought together", Columns: []string{"pair", "a", "b", "both", "support", "confidence", "lift"}}
	for _, p := range pairs {
		r.Rows = append(r.Rows, []any{p.ATitle + " + " + p.BTitle, p.A, p.B, p.Both, p.Support, p.Confidence, p.Lift})
	}
	s.render(c, r)
}

func (s *Server) insightBrandOverlap(c *gin.Context) {
	q := &query{c: c}
	a, b := q.id("a", true), q.id("b", true)
	if q.err == nil && a == b {
		q.fail(stylegraph.Invalid("b", "must differ from a"))
	}
	if q.err != nil {
		writeError(c, q.err)
		return
	}
	o, err := s.insights.BrandOverlap(c.Request.Context(), a, b)
	if err != nil {
		writeError(c, err)
		return
	}
	r := report{Title: "brand overlap", Columns: []string{"audience", "users"},
		Rows:  [][]any{{"brand a", o.A}, {"brand b", o.B}, {"shared", o.Shared}},
		Extra: map[string]any{"jaccard": o.Jaccard}}
	s.render(c, r)
}

func (s *Server) insightFunnel(c *gin.Context) {
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
	f, err := s.insights.FunnelOf(c.Request.Context(), product, category, w.From)
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
	s.render(c, r)
}

func (s *Server) insightSearches(c *gin.Context) {
	q := &query{c: c}
	w, limit := q.window(), q.int("limit", 20, 1, 500)
	if q.err != nil {
		writeError(c, q.err)
		return
	}
	if s.searchStats == nil {
		writeError(c, stylegraph.Errorf(stylegraph.EUNAVAILABLE, "search statistics are not configured"))
		return
	}
	top, zero, err := s.searchStats.Top(c.Request.Context(), w.From, w.To, limit)
	if err != nil {
		writeError(c, err)
		return
	}
	days, err := s.searchStats.Daily(c.Request.Context(), w.From, w.To)
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
	s.render(c, r)
}

// insightSearchAnalytics answers click-through and conversion per query:
// the most searched queries, or (list=zero_results) the most searched of
// those that found nothing.
func (s *Server) insightSearchAnalytics(c *gin.Context) {
	q := &query{c: c}
	w, limit := q.window(), q.int("limit", 20, 1, 500)
	list := q.oneOf("list", "top", "top", "zero_results")
	if q.err != nil {
		writeError(c, q.err)
		return
	}
	if s.searchStats == nil {
		writeError(c, stylegraph.Errorf(stylegraph.EUNAVAILABLE, "search statistics are not configured"))
		return
	}
	rows, err := s.searchStats.Analytics(c.Request.Context(), w.From, w.To, limit, list == "zero_results")
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
	s.render(c, r)
}

func (s *Server) auditList(c *gin.Context) {
	q := &query{c: c}
	limit := q.int("limit", 50, 1, 500)
	filter := parseAuditFilter(q)
	if q.err != nil {
		writeError(c, q.err)
		return
	}
	entries, next, err := s.listAudit(c.Request.Context(), filter, c.Query("cursor"), limit)
	if err != nil {
		writeError(c, err)
		return
	}
	c.Set("auditRows", len(entries))
	var nc any
	if next != "" {
		nc = next
	}
	c.JSON(http.StatusOK, gin.H{"entries": entries, "nextCursor": nc})
}

// render answers with JSON shaped for charts, or CSV when the client asks.
func (s *Server) render(c *gin.Context, r report) {
	c.Set("auditRows", len(r.Rows))
	if strings.Contains(c.GetHeader("Accept"), "text/csv") {
		c.Header("Content-Type", "text/csv; charset=utf-8")
		c.Header("Content-Disposition", fmt.Sprintf("attachment; filename=%q", strings.ReplaceAll(r.Title, " ", "-")+".csv"))
		c.Status(http.StatusOK)
		w := csv.NewWriter(c.Writer)
		_ = w.Write(r.Columns)
		for _, row := range r.Rows {
			rec := make([]string, len(row))
			for i, v := range row {
				rec[i] = csvCell(v)
			}
			_ = w.Write(rec)
		}
		w.Flush()
		return
	}
	labels := make([]any, len(r.Rows))
	var ser []series
	for col := 1; col < len(r.Columns); col++ {
		// IDs are numbers but not measures: they stay in rows, out of charts.
		if name := r.Columns[col]; name == "id" || name == "a" || name == "b" || !numericColumn(r.Rows, col) {
			continue
		}
		sr := series{Name: r.Columns[col], Data: make([]any, len(r.Rows))}
		for i, row := range r.Rows {
			sr.Data[i] = row[col]
		}
		ser = append(ser, sr)
	}
	rows := make([]map[string]any, len(r.Rows))
	for i, row := range r.Rows {
		labels[i] = row[0]
		rows[i] = make(map[string]any, len(row))
		for j, v := range row {
			rows[i][r.Columns[j]] = v
		}
	}
	body := gin.H{"title": r.Title, "labels": labels, "series": ser, "rows": rows}
	if r.Window != nil {
		body["window"] = r.Window
	}
	for k, v := range r.Extra {
		body[k] = v
	}
	c.JSON(http.StatusOK, body)
}

func numericColumn(rows [][]any, col int) bool {
	for _, row := range rows {
		switch row[col].(type) {
		case int64, float64, int, nil:
		default:
			return false
		}
	}
	return true
}

// csvCell writes a value; text that a spreadsheet would run as a formula is
// prefixed with a quote (CSV injection).
func csvCell(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return defuseFormulas(x)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case []float64: // a series, in one cell
		parts := make([]string, len(x))
		for i, f := range x {
			parts[i] = strconv.FormatFloat(f, 'f', -1, 64)
		}
		return strings.Join(parts, " ")
	default:
		return fmt.Sprint(x)
	}
}

// defuseFormulas puts a ' before every character that would make a
// spreadsheet read a formula: =, +, -, @, tab or CR at the start of the cell
// or of any part a spreadsheet may split it into (after a , ; | tab or line
// break, and spaces). A spreadsheet that splits "a;=7+7" on ";" then reads
// "'=7+7", plain text; the JSON form keeps the value as it was.
func defuseFormulas(s string) string {
	var b strings.Builder
	start := true // at the start of the cell or of a part
	for _, r := range s {
		if start && strings.ContainsRune("=+-@\t\r", r) {
			b.WriteByte('\'')
		}
		switch {
		case strings.ContainsRune(",;|\t\n\r", r):
			start = true
		case r != ' ' && r != '\u00a0':
			start = false
		}
		b.WriteRune(r)
	}
	return b.String()
}
