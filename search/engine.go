package search

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/stylegraph/stylegraph"
)

// Profiles returns what the graph knows a shopper likes. graph.TasteStore
// implements it; CachedProfiles keeps answers briefly in Redis.
type Profiles interface {
	TasteProfile(ctx context.Context, userID int64) (stylegraph.TasteProfile, error)
}

// Engine answers product searches and autocomplete over the products alias.
type Engine struct {
	c        *Client
	profiles Profiles
	log      *slog.Logger
	// profileTimeout bounds the graph lookup: a slow graph costs the
	// shopper personalisation, not the search.
	profileTimeout time.Duration
	// saved, when set, keeps autocomplete answers and serves them while
	// OpenSearch is unavailable.
	saved *SavedSuggestions
}

// DefaultProfileTimeout bounds the taste-profile lookup of one search.
const DefaultProfileTimeout = 500 * time.Millisecond

// NewEngine returns an engine on c; profiles may be nil (no personalisation).
func NewEngine(c *Client, profiles Profiles, log *slog.Logger) *Engine {
	if log == nil {
		log = slog.Default()
	}
	return &Engine{c: c, profiles: profiles, log: log, profileTimeout: DefaultProfileTimeout}
}

// WithProfileTimeout sets how long a search waits for the shopper's taste
// profile before answering without it.
func (e *Engine) WithProfileTimeout(d time.Duration) *Engine {
	if d > 0 {
		e.profileTimeout = d
	}
	return e
}

// WithSavedSuggestions makes autocomplete keep its answers in s and answer
// from them, marked degraded ("opensearch"), when OpenSearch is unavailable.
func (e *Engine) WithSavedSuggestions(s *SavedSuggestions) *Engine {
	e.saved = s
	return e
}

// Search runs one validated request. An unreachable cluster is EUNAVAILABLE.
func (e *Engine) Search(ctx context.Context, req stylegraph.SearchRequest) (stylegraph.SearchResult, error) {
	if err := req.Validate(); err != nil {
		return stylegraph.SearchResult{}, err
	}
	key := requestKey(req)
	p := plan{req: req}
	if req.Cursor != "" {
		after, err := decodeCursor(req.Cursor, key)
		if err != nil {
			return stylegraph.SearchResult{}, err
		}
		p.after = after
	}
	var pers *stylegraph.Personalization
	if req.UserID > 0 {
		pers = &stylegraph.Personalization{Applied: []stylegraph.Boost{}}
		if req.Personalize && e.profiles != nil {
			var ok bool
			p.profile, ok = e.profile(ctx, req.UserID)
			pers.Enabled, pers.Degraded = true, !ok
			pers.Applied = p.applied()
		}
	}
	res, matched, err := e.run(ctx, p)
	if err != nil {
		return stylegraph.SearchResult{}, err
	}
	// Relax only when the words matched nothing at all; when filters alone
	// emptied the page, looser words would not be what the shopper asked.
	if res.Total == 0 && matched == 0 && req.Query != "" && req.Cursor == "" {
		// Nothing matched as typed: retry with the best spelling suggestion,
		// else with a looser query, and say so.
		relaxed := p
		relaxed.relaxed = true
		if len(res.Suggestions) > 0 {
			relaxed.req.Query, relaxed.relaxed = res.Suggestions[0], false
		}
		again, _, err := e.run(ctx, relaxed)
		if err != nil {
			return stylegraph.SearchResult{}, err
		}
		if again.Total > 0 {
			again.Suggestions, again.Relaxed = res.Suggestions, true
			// Cursors of the fallback page belong to the query that produced it.
			again.NextCursor = ""
			res = again
		}
	}
	res.Personalization = pers
	return res, nil
}

func (e *Engine) profile(ctx context.Context, userID int64) (stylegraph.TasteProfile, bool) {
	ctx, cancel := context.WithTimeout(ctx, e.profileTimeout)
	defer cancel()
	prof, err := e.profiles.TasteProfile(ctx, userID)
	if err != nil {
		// Search still answers; only the personal ordering is lost.
		e.log.WarnContext(ctx, "taste profile unavailable; searching without personalisation", "err", err.Error())
		return stylegraph.TasteProfile{}, false
	}
	return prof, true
}

// response is the part of an OpenSearch search answer we read.
type response struct {
	Hits struct {
		Total struct {
			Value int64 `json:"value"`
		} `json:"total"`
		Hits []struct {
			Score     *float64            `json:"_score"`
			Source    doc                 `json:"_source"`
			Highlight map[string][]string `json:"highlight"`
			Sort      []json.RawMessage   `json:"sort"`
		} `json:"hits"`
	} `json:"hits"`
	Aggregations map[string]struct {
		DocCount int64 `json:"doc_count"`
		Values   struct {
			Buckets []struct {
				Key      any      `json:"key"`
				From     *float64 `json:"from"`
				To       *float64 `json:"to"`
				DocCount int64    `json:"doc_count"`
			} `json:"buckets"`
		} `json:"values"`
	} `json:"aggregations"`
	Suggest map[string][]struct {
		Options []struct {
			Text string `json:"text"`
		} `json:"options"`
	} `json:"suggest"`
}

// run sends one search and shapes the page; matched is how many products
// the words matched before the facet filters.
func (e *Engine) run(ctx context.Context, p plan) (stylegraph.SearchResult, int64, error) {
	var r response
	if err := e.c.Do(ctx, http.MethodPost, "/"+e.c.Alias("products")+"/_search", p.body(), &r); err != nil {
		return stylegraph.SearchResult{}, 0, fmt.Errorf("search products: %w", err)
	}
	out := stylegraph.SearchResult{Hits: []stylegraph.SearchHit{}, Total: r.Hits.Total.Value, Suggestions: []string{}}
	for i, h := range r.Hits.Hits {
		if i == p.req.Limit {
			after := make([]any, len(r.Hits.Hits[i-1].Sort))
			for j, v := range r.Hits.Hits[i-1].Sort {
				after[j] = json.Number(v)
			}
			out.NextCursor = encodeCursor(after, requestKey(p.req))
			break
		}
		hit := stylegraph.SearchHit{Product: h.Source.product(), Highlight: highlights(h.Highlight)}
		if h.Score != nil {
			hit.Score = round2(*h.Score)
		}
		hit.Boosts = boostsFor(h.Source, p)
		out.Hits = append(out.Hits, hit)
	}
	out.Facets = facets(r)
	for _, s := range r.Suggest["did_you_mean"] {
		for _, o := range s.Options {
			if o.Text != "" && !strings.EqualFold(o.Text, p.req.Query) && !slices.Contains(out.Suggestions, o.Text) {
				out.Suggestions = append(out.Suggestions, o.Text)
			}
		}
	}
	return out, r.Aggregations["matched"].DocCount, nil
}

// highlights folds the analysed subfields into the names clients know.
func highlights(h map[string][]string) map[string][]string {
	if len(h) == 0 {
		return nil
	}
	out := map[string][]string{}
	if v, ok := h["title.en"]; ok {
		out["title"] = v
	} else if v, ok := h["title"]; ok {
		out["title"] = v
	}
	if v, ok := h["description.en"]; ok {
		out["description"] = v
	}
	return out
}

// boostsFor names the personal boosts a hit received.
func boostsFor(d doc, p plan) []string {
	if p.req.Sort != stylegraph.SortRelevance || p.profile.Empty() {
		return nil
	}
	var out []string
	for _, b := range topWeights(p.profile.Brands, maxBrandBoosts) {
		if b.Value == d.Brand {
			out = append(out, "brand:"+b.Value)
		}
	}
	for _, t := range topWeights(p.profile.Tags, maxTagBoosts) {
		if slices.Contains(d.Tags, t.Value) {
			out = append(out, "tag:"+t.Value)
		}
	}
	if slices.Contains(likedIDs(p.profile.LikedByFollowed, maxLikedBoosts), d.ID) {
		out = append(out, "liked_by_followed")
	}
	return out
}

func facets(r response) stylegraph.SearchFacets {
	values := func(name string) []stylegraph.FacetValue {
		out := []stylegraph.FacetValue{}
		for _, b := range r.Aggregations[name].Values.Buckets {
			if s, ok := b.Key.(string); ok {
				out = append(out, stylegraph.FacetValue{Value: s, Count: b.DocCount})
			}
		}
		return out
	}
	f := stylegraph.SearchFacets{
		Brand: values("brand"), Category: values("category"), Color: values("color"),
		Size: values("size"), Gender: values("gender"), Season: values("season"), Price: []stylegraph.PriceRange{},
	}
	for _, b := range r.Aggregations["price"].Values.Buckets {
		f.Price = append(f.Price, stylegraph.PriceRange{From: b.From, To: b.To, Count: b.DocCount})
	}
	return f
}

// Suggest completes a prefix from product titles, brands and categories.
func (e *Engine) Suggest(ctx context.Context, prefix string, limit int) ([]stylegraph.Suggestion, error) {
	prefix, limit, err := suggestParams(prefix, limit)
	if err != nil {
		return nil, err
	}
	var r suggestResponse
	if err := e.c.Do(ctx, http.MethodPost, "/"+e.c.Alias("products")+"/_search", suggestBody(prefix, limit), &r); err != nil {
		err = fmt.Errorf("suggest: %w", err)
		if e.saved == nil || stylegraph.ErrorCode(err) != stylegraph.EUNAVAILABLE {
			return nil, err
		}
		out, serr := e.saved.Suggest(ctx, prefix, limit)
		if serr != nil {
			return nil, errors.Join(err, serr)
		}
		stylegraph.MarkDegraded(ctx, "opensearch")
		return out, nil
	}
	out := r.suggestions(limit)
	if e.saved != nil {
		e.saved.saveLater(ctx, out)
	}
	return out, nil
}

// suggestParams trims and checks a suggestion prefix and limit (0: 8).
func suggestParams(prefix string, limit int) (string, int, error) {
	prefix = strings.TrimSpace(prefix)
	switch {
	case prefix == "":
		return "", 0, stylegraph.Invalid("q", "is required")
	case !utf8.ValidString(prefix) || utf8.RuneCountInString(prefix) > 100:
		return "", 0, stylegraph.Invalid("q", "must be valid UTF-8 of at most 100 characters")
	case limit == 0:
		limit = 8
	case limit < 0 || limit > 20:
		return "", 0, stylegraph.Invalid("limit", "must be between 1 and 20")
	}
	return prefix, limit, nil
}

// suggestResponse is the part of a suggestBody answer Suggest reads.
type suggestResponse struct {
	Hits struct {
		Hits []struct {
			Source struct {
				ID    int64  `json:"id"`
				Title string `json:"title"`
			} `json:"_source"`
		} `json:"hits"`
	} `json:"hits"`
	Aggregations map[string]struct {
		Values struct {
			Buckets []struct {
				Key string `json:"key"`
			} `json:"buckets"`
		} `json:"values"`
	} `json:"aggregations"`
}

// suggestions lists at most limit distinct texts (case folded): brands and
// categories first, few and opening a whole shelf, then product titles.
func (r suggestResponse) suggestions(limit int) []stylegraph.Suggestion {
	out := []stylegraph.Suggestion{}
	seen := map[string]bool{}
	add := func(s stylegraph.Suggestion) {
		k := strings.ToLower(s.Text)
		if s.Text == "" || seen[k] || len(out) >= limit {
			return
		}
		seen[k] = true
		out = append(out, s)
	}
	for _, b := range r.Aggregations["brands"].Values.Buckets {
		add(stylegraph.Suggestion{Text: b.Key, Kind: "brand"})
	}
	for _, b := range r.Aggregations["categories"].Values.Buckets {
		add(stylegraph.Suggestion{Text: b.Key, Kind: "category"})
	}
	for _, h := range r.Hits.Hits {
		add(stylegraph.Suggestion{Text: h.Source.Title, Kind: "product", ID: h.Source.ID})
	}
	return out
}

func suggestBody(prefix string, limit int) map[string]any {
	titles := map[string]any{"multi_match": map[string]any{
		"query": prefix, "type": "bool_prefix", "operator": "and",
		"fields": []string{"title.sayt", "title.sayt._2gram", "title.sayt._3gram"},
	}}
	brand := map[string]any{"match_bool_prefix": map[string]any{"brand.text": map[string]any{"query": prefix, "operator": "and"}}}
	category := map[string]any{"match_bool_prefix": map[string]any{"category3.text": map[string]any{"query": prefix, "operator": "and"}}}
	// The query finds every product whose title, brand or category starts
	// with the prefix, for the brand and category counts; only title matches
	// become product suggestions (post_filter).
	return map[string]any{
		"size":    limit,
		"_source": []string{"id", "title"},
		"query": map[string]any{"bool": map[string]any{
			"should": []any{
				titles,
				map[string]any{"rank_feature": map[string]any{"field": "popularity", "saturation": map[string]any{"pivot": 10}}},
			},
			"must": []any{map[string]any{"bool": map[string]any{"should": []any{titles, brand, category}, "minimum_should_match": 1}}},
		}},
		"post_filter": titles,
		"aggs": map[string]any{
			"brands":     map[string]any{"filter": brand, "aggs": map[string]any{"values": map[string]any{"terms": map[string]any{"field": "brand", "size": 3}}}},
			"categories": map[string]any{"filter": category, "aggs": map[string]any{"values": map[string]any{"terms": map[string]any{"field": "category3", "size": 3}}}},
		},
	}
}

// RequestBody returns the OpenSearch request body Search sends first for
// req, unpersonalised (benchmarks compare the engine with it sent directly).
func (e *Engine) RequestBody(req stylegraph.SearchRequest) (map[string]any, error) {
	if err := req.Validate(); err != nil {
		return nil, err
	}
	return plan{req: req}.body(), nil
}
