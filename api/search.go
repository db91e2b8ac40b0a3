package api

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/stylegraph/stylegraph"
)

// Searcher answers product searches and autocomplete (search.Engine).
type Searcher interface {
	Search(ctx context.Context, req stylegraph.SearchRequest) (stylegraph.SearchResult, error)
	Suggest(ctx context.Context, prefix string, limit int) ([]stylegraph.Suggestion, error)
}

// ActivityAppender records events on the activity stream (ingest.Log).
type ActivityAppender interface {
	Append(ctx context.Context, events []stylegraph.Event) error
}

// searchParams are the query parameters /v1/search takes; listed ones may
// repeat (multi-select).
var searchParams = map[string]bool{
	"q": false, "brand": true, "category": true, "color": true, "size": true, "gender": true, "season": true,
	"price_min": false, "price_max": false, "sort": false, "limit": false, "cursor": false, "personalize": false,
	"in_stock": false,
}

// searchHandlers serve /v1/search and /v1/search/suggest; activity, when
// set, records each search on the activity stream.
type searchHandlers struct {
	searcher Searcher
	activity ActivityAppender
	log      *slog.Logger
}

func (h searchHandlers) register(r router) {
	r.v1.GET("/search", h.search)
	r.v1.GET("/search/suggest", h.suggest)
}

// search answers GET /v1/search. A signed-in shopper's own graph personalises
// the ranking unless personalize=false.
func (h searchHandlers) search(c *gin.Context) {
	req, err := parseSearch(c.Request.URL.Query())
	if err != nil {
		writeError(c, err)
		return
	}
	// Later pages keep the first page's queryID: it rides in the cursor.
	qid, inner, ok := splitCursor(req.Cursor)
	if !ok {
		writeError(c, stylegraph.Invalid("cursor", "is not a cursor this API returned"))
		return
	}
	req.Cursor = inner
	if qid == "" {
		qid = newQueryID()
	}
	p := principal(c)
	req.UserID = p.UserID
	res, err := h.searcher.Search(c.Request.Context(), req)
	if err != nil {
		writeError(c, err)
		return
	}
	res.QueryID = qid
	if res.NextCursor != "" {
		res.NextCursor = qid + "." + res.NextCursor
	}
	h.recordSearch(c.Request.Context(), p, req, res)
	c.JSON(200, res)
}

// newQueryID returns 32 random hex digits.
func newQueryID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	return hex.EncodeToString(b[:])
}

// splitCursor takes "queryID.cursor" apart; an empty cursor is the first
// page and has no queryID yet.
func splitCursor(c string) (qid, inner string, ok bool) {
	if c == "" {
		return "", "", true
	}
	qid, inner, found := strings.Cut(c, ".")
	if !found || !stylegraph.ValidQueryID(qid) || inner == "" {
		return "", "", false
	}
	return qid, inner, true
}

func parseSearch(v url.Values) (stylegraph.SearchRequest, error) {
	for name, vals := range v {
		multi, known := searchParams[name]
		if name == "" {
			return stylegraph.SearchRequest{}, stylegraph.Invalid("query", "a parameter has no name")
		}
		if !known {
			return stylegraph.SearchRequest{}, stylegraph.Invalid(name, "unknown parameter")
		}
		if !multi && len(vals) > 1 {
			return stylegraph.SearchRequest{}, stylegraph.Invalid(name, "may be given once")
		}
	}
	req := stylegraph.SearchRequest{
		Query: v.Get("q"), Brands: v["brand"], Categories: v["category"], Colors: v["color"],
		Sizes: v["size"], Genders: v["gender"], Seasons: v["season"], Sort: v.Get("sort"), Cursor: v.Get("cursor"), Personalize: true,
	}
	for _, f := range []struct {
		name string
		into **float64
	}{{"price_min", &req.PriceMin}, {"price_max", &req.PriceMax}} {
		if raw := v.Get(f.name); raw != "" {
			n, err := strconv.ParseFloat(raw, 64)
			if err != nil {
				return req, stylegraph.Invalid(f.name, "must be a number")
			}
			*f.into = &n
		}
	}
	limit, err := parseInt("limit", v.Get("limit"), 0, 1, stylegraph.MaxSearchLimit)
	if err != nil {
		return req, err
	}
	req.Limit = limit
	if raw := v.Get("in_stock"); raw != "" {
		b, err := strconv.ParseBool(raw)
		if err != nil {
			return req, stylegraph.Invalid("in_stock", "must be true or false")
		}
		req.InStock = b
	}
	if raw := v.Get("personalize"); raw != "" {
		b, err := strconv.ParseBool(raw)
		if err != nil {
			return req, stylegraph.Invalid("personalize", "must be true or false")
		}
		req.Personalize = b
	}
	if _, ok := v["q"]; ok && req.Query == "" {
		return req, stylegraph.Invalid("q", "must not be empty when given")
	}
	return req, req.Validate()
}

// recordSearch appends a search activity event (query, filters, result
// count) so merchandisers see what shoppers look for, zero results included.
// It runs after the answer is ready and never fails the search.
func (h searchHandlers) recordSearch(ctx context.Context, p stylegraph.Principal, req stylegraph.SearchRequest, res stylegraph.SearchResult) {
	if h.activity == nil || p.UserID <= 0 || req.Cursor != "" {
		return
	}
	n := int(res.Total)
	if res.Relaxed {
		// The query as typed found nothing; that is what merchandisers need
		// to see, not the fallback's count.
		n = 0
	}
	ev := stylegraph.Event{Type: stylegraph.EventSearch, UserID: p.UserID, Data: stylegraph.EventData{Query: req.Query, Filters: req.Filters(), ResultCount: &n, QueryID: res.QueryID}}
	if len(ev.Data.Filters) == 0 {
		ev.Data.Filters = nil
	}
	if ev.Data.Query == "" && ev.Data.Filters == nil {
		return // browsing everything is not a search
	}
	if err := ev.Normalize(time.Now()); err != nil {
		h.log.WarnContext(ctx, "search activity not recorded", "err", stylegraph.ErrorMessage(err))
		return
	}
	go func() {
		actx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		if err := h.activity.Append(actx, []stylegraph.Event{ev}); err != nil {
			h.log.WarnContext(actx, "search activity not recorded", "err", err.Error())
		}
	}()
}

// maxSuggestLimit is the most suggestions one call returns.
const maxSuggestLimit = 20

// suggest answers GET /v1/search/suggest?q=prefix.
func (h searchHandlers) suggest(c *gin.Context) {
	v := c.Request.URL.Query()
	for name, vals := range v {
		if name == "" {
			writeError(c, stylegraph.Invalid("query", "a parameter has no name"))
			return
		}
		if name != "q" && name != "limit" {
			writeError(c, stylegraph.Invalid(name, "unknown parameter"))
			return
		}
		if len(vals) > 1 {
			writeError(c, stylegraph.Invalid(name, "may be given once"))
			return
		}
	}
	limit, err := parseInt("limit", v.Get("limit"), 0, 1, maxSuggestLimit)
	if err != nil {
		writeError(c, err)
		return
	}
	out, err := h.searcher.Suggest(c.Request.Context(), v.Get("q"), limit)
	if err != nil {
		writeError(c, err)
		return
	}
	c.JSON(200, gin.H{"suggestions": out})
}
