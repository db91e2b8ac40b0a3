package search

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/stylegraph/stylegraph"
)

// Query DSL in this file is built from Go values only: user text lands in
// JSON string values of match-type queries, never in query_string or scripts.

// textFields are the fields a shopper's words are matched against, with
// weights: the article type and title say what a product is; gender and
// colour narrow it.
var textFields = []string{"title.en^2", "category3.text^4", "brand.text^2", "gender.text^1.5", "color.text^1.5", "tags.text", "description.en^0.5"}

// fuzzyFields tolerate typos. They are unstemmed: a stemmer mangles
// misspellings ("earings" → "ear") beyond an edit's reach.
var fuzzyFields = []string{"title.plain", "category3.plain^2", "brand.text", "color.text"}

// maxFuzzyTerms bounds the per-word fuzzy clauses of one query.
const maxFuzzyTerms = 8

// facetFields maps a facet name to the keyword field it counts.
var facetFields = []struct{ name, field string }{
	{"brand", "brand"}, {"category", "category3"}, {"color", "color"},
	{"size", "sizes"}, {"gender", "gender"}, {"season", "season"},
}

// priceBuckets are the price facet's ranges.
var priceBuckets = []float64{25, 50, 100, 200, 500}

// Personal boost strengths, relative to a typical BM25 score of 5-30.
const (
	maxBrandBoost   = 6.0
	maxTagBoost     = 3.0
	followedBoost   = 8.0
	popularityBoost = 2.0
	inStockBoost    = 1.0
	maxBrandBoosts  = 10
	maxTagBoosts    = 10
	maxLikedBoosts  = 100
)

// plan is everything one OpenSearch request is built from.
type plan struct {
	req     stylegraph.SearchRequest
	profile stylegraph.TasteProfile
	after   []any
	// relaxed loosens the text query (the fallback when nothing matched).
	relaxed bool
	// bare leaves out facets, suggestions and highlights (evaluation).
	bare bool
}

// body builds the search request body for p.
func (p plan) body() map[string]any {
	filters := p.filters()
	body := map[string]any{
		"size":             p.req.Limit + 1,
		"track_total_hits": true,
		"query":            p.query(),
		"sort":             p.sort(),
		"_source":          map[string]any{"excludes": []string{"suggest", "categoryLevels", "indexedAt", "popularity"}},
	}
	if len(filters) > 0 {
		all := make([]any, 0, len(filters))
		for _, f := range filters {
			all = append(all, f.clause)
		}
		body["post_filter"] = map[string]any{"bool": map[string]any{"filter": all}}
	}
	if len(p.after) > 0 {
		body["search_after"] = p.after
	}
	if p.bare {
		return body
	}
	body["aggs"] = p.aggs(filters)
	if p.req.Query != "" {
		body["highlight"] = map[string]any{
			"encoder":   "html",
			"pre_tags":  []string{"<em>"},
			"post_tags": []string{"</em>"},
			"fields": map[string]any{
				"title":          map[string]any{"number_of_fragments": 0},
				"title.en":       map[string]any{"number_of_fragments": 0},
				"description.en": map[string]any{"fragment_size": 120, "number_of_fragments": 2},
			},
		}
		if len(p.after) == 0 {
			body["suggest"] = map[string]any{
				"text": p.req.Query,
				"did_you_mean": map[string]any{"phrase": map[string]any{
					"field": "spell", "size": 3, "gram_size": 1, "max_errors": 2, "confidence": 1,
					"direct_generator": []any{map[string]any{"field": "spell", "suggest_mode": "always", "min_word_length": 3, "prefix_length": 0}},
				}},
			}
		}
	}
	return body
}

// query is the scoring part: the shopper's words, then, for relevance
// order, popularity and personal boosts as optional clauses that reorder
// matches without adding any.
func (p plan) query() map[string]any {
	must := map[string]any{"match_all": map[string]any{}}
	if p.req.Query != "" {
		must = p.textQuery()
	}
	if p.req.Sort != stylegraph.SortRelevance {
		return must
	}
	should := []any{
		map[string]any{"rank_feature": map[string]any{"field": "popularity", "saturation": map[string]any{"pivot": 10}, "boost": popularityBoost}},
		// What can be bought now ranks above what cannot.
		map[string]any{"term": map[string]any{"inStock": map[string]any{"value": true, "boost": inStockBoost}}},
	}
	should = append(should, p.personalClauses()...)
	return map[string]any{"bool": map[string]any{"must": []any{must}, "should": should}}
}

func (p plan) textQuery() map[string]any {
	q := p.req.Query
	if p.relaxed {
		return map[string]any{"multi_match": map[string]any{
			"query": q, "type": "best_fields", "fields": append(append([]string{}, textFields...), "title"),
			"fuzziness": "AUTO", "prefix_length": 0, "max_expansions": 50, "operator": "or",
		}}
	}
	return map[string]any{"bool": map[string]any{
		"should": []any{
			// Every word should be found somewhere: article type, colour,
			// gender, brand or title, as if they were one field.
			map[string]any{"multi_match": map[string]any{
				"query": q, "type": "cross_fields", "fields": textFields,
				"operator": "or", "minimum_should_match": "2<75%",
			}},
			// Typos: each word with edit distance in its best field, summed
			// over words, so a misspelt word still combines with the others.
			fuzzyWords(q),
			// Korean and other CJK titles, matched by bigrams.
			map[string]any{"match": map[string]any{"title": map[string]any{"query": q, "boost": 1.5}}},
			// Words in the typed order read as the product's name.
			map[string]any{"match_phrase": map[string]any{"title.en": map[string]any{"query": q, "slop": 2, "boost": 2}}},
		},
		"minimum_should_match": 1,
	}}
}

func fuzzyWords(q string) map[string]any {
	var should []any
	for i, w := range strings.Fields(q) {
		if i == maxFuzzyTerms {
			break
		}
		should = append(should, map[string]any{"multi_match": map[string]any{
			"query": w, "type": "best_fields", "fields": fuzzyFields,
			"fuzziness": "AUTO", "prefix_length": 1, "max_expansions": 20,
		}})
	}
	return map[string]any{"bool": map[string]any{"should": should, "boost": 0.6}}
}

// personalClauses turn the taste profile into boosts; weights are scaled to
// the strongest preference so one heavy shopper does not swamp relevance.
func (p plan) personalClauses() []any {
	var out []any
	for _, b := range topWeights(p.profile.Brands, maxBrandBoosts) {
		out = append(out, map[string]any{"constant_score": map[string]any{
			"filter": map[string]any{"term": map[string]any{"brand": b.Value}}, "boost": round2(maxBrandBoost * b.Weight),
		}})
	}
	for _, t := range topWeights(p.profile.Tags, maxTagBoosts) {
		out = append(out, map[string]any{"constant_score": map[string]any{
			"filter": map[string]any{"term": map[string]any{"tags": t.Value}}, "boost": round2(maxTagBoost * t.Weight),
		}})
	}
	if ids := likedIDs(p.profile.LikedByFollowed, maxLikedBoosts); len(ids) > 0 {
		out = append(out, map[string]any{"constant_score": map[string]any{
			"filter": map[string]any{"terms": map[string]any{"id": ids}}, "boost": followedBoost,
		}})
	}
	return out
}

// applied lists the boosts personalClauses uses, for the response.
func (p plan) applied() []stylegraph.Boost {
	out := []stylegraph.Boost{}
	if p.req.Sort != stylegraph.SortRelevance {
		return out
	}
	for _, b := range topWeights(p.profile.Brands, maxBrandBoosts) {
		out = append(out, stylegraph.Boost{Kind: "brand", Value: b.Value, Weight: round2(maxBrandBoost * b.Weight)})
	}
	for _, t := range topWeights(p.profile.Tags, maxTagBoosts) {
		out = append(out, stylegraph.Boost{Kind: "tag", Value: t.Value, Weight: round2(maxTagBoost * t.Weight)})
	}
	if ids := likedIDs(p.profile.LikedByFollowed, maxLikedBoosts); len(ids) > 0 {
		out = append(out, stylegraph.Boost{Kind: "liked_by_followed", Value: fmt.Sprintf("%d products", len(ids)), Weight: followedBoost})
	}
	return out
}

type weighted struct {
	Value  string
	Weight float64 // 0..1, relative to the strongest
}

func topWeights(m map[string]float64, n int) []weighted {
	var out []weighted
	var max float64
	for k, w := range m {
		if w > 0 && k != "" {
			out = append(out, weighted{k, w})
			max = maxf(max, w)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Weight != out[j].Weight {
			return out[i].Weight > out[j].Weight
		}
		return out[i].Value < out[j].Value
	})
	if len(out) > n {
		out = out[:n]
	}
	for i := range out {
		out[i].Weight /= max
	}
	return out
}

func likedIDs(m map[int64]int, n int) []int64 {
	ids := make([]int64, 0, len(m))
	for id := range m {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool {
		if m[ids[i]] != m[ids[j]] {
			return m[ids[i]] > m[ids[j]]
		}
		return ids[i] < ids[j]
	})
	if len(ids) > n {
		ids = ids[:n]
	}
	return ids
}

// filter is one facet filter with the facet it belongs to.
type filter struct {
	facet  string
	clause map[string]any
}

func (p plan) filters() []filter {
	var out []filter
	add := func(facet, field string, vals []string) {
		if len(vals) > 0 {
			out = append(out, filter{facet, map[string]any{"terms": map[string]any{field: vals}}})
		}
	}
	add("brand", "brand", p.req.Brands)
	if len(p.req.Categories) > 0 {
		// A category is a leaf name or a path at any level.
		out = append(out, filter{"category", map[string]any{"bool": map[string]any{
			"should": []any{
				map[string]any{"terms": map[string]any{"category3": p.req.Categories}},
				map[string]any{"terms": map[string]any{"categoryLevels": p.req.Categories}},
			},
			"minimum_should_match": 1,
		}}})
	}
	add("color", "color", p.req.Colors)
	add("size", "sizes", p.req.Sizes)
	add("gender", "gender", p.req.Genders)
	add("season", "season", p.req.Seasons)
	if p.req.PriceMin != nil || p.req.PriceMax != nil {
		r := map[string]any{}
		if p.req.PriceMin != nil {
			r["gte"] = *p.req.PriceMin
		}
		if p.req.PriceMax != nil {
			r["lte"] = *p.req.PriceMax
		}
		out = append(out, filter{"price", map[string]any{"range": map[string]any{"price": r}}})
	}
	if p.req.InStock {
		out = append(out, filter{"inStock", map[string]any{"term": map[string]any{"inStock": true}}})
	}
	return out
}

// aggs counts each facet under every filter but its own (multi-select).
func (p plan) aggs(filters []filter) map[string]any {
	except := func(facet string) map[string]any {
		var fs []any
		for _, f := range filters {
			if f.facet != facet {
				fs = append(fs, f.clause)
			}
		}
		if len(fs) == 0 {
			return map[string]any{"match_all": map[string]any{}}
		}
		return map[string]any{"bool": map[string]any{"filter": fs}}
	}
	aggs := map[string]any{}
	for _, f := range facetFields {
		aggs[f.name] = map[string]any{
			"filter": except(f.name),
			"aggs":   map[string]any{"values": map[string]any{"terms": map[string]any{"field": f.field, "size": 20}}},
		}
	}
	var ranges []any
	from := any(nil)
	for _, to := range priceBuckets {
		r := map[string]any{"to": to}
		if from != nil {
			r["from"] = from
		}
		ranges = append(ranges, r)
		from = to
	}
	ranges = append(ranges, map[string]any{"from": from})
	// matched counts what the words matched before any filter: when that is
	// zero a looser query may help; when only filters emptied the page, not.
	aggs["matched"] = map[string]any{"filter": map[string]any{"match_all": map[string]any{}}}
	aggs["price"] = map[string]any{
		"filter": except("price"),
		"aggs":   map[string]any{"values": map[string]any{"range": map[string]any{"field": "price", "ranges": ranges}}},
	}
	return aggs
}

func (p plan) sort() []any {
	tie := map[string]any{"id": "asc"}
	switch p.req.Sort {
	case stylegraph.SortPriceAsc:
		return []any{map[string]any{"price": "asc"}, tie}
	case stylegraph.SortPriceDesc:
		return []any{map[string]any{"price": "desc"}, tie}
	case stylegraph.SortNewest:
		return []any{map[string]any{"createdAt": "desc"}, tie}
	case stylegraph.SortPopular:
		return []any{map[string]any{"popularityScore": map[string]any{"order": "desc", "missing": 0}}, tie}
	default:
		return []any{map[string]any{"_score": "desc"}, tie}
	}
}

// cursor is what nextCursor encodes: the last hit's sort values and a key
// of the request it belongs to, so a cursor is not replayed on another query.
type cursor struct {
	After []any  `json:"a"`
	Key   string `json:"k"`
}

// requestKey identifies the query, filters and sort a cursor was issued for.
func requestKey(r stylegraph.SearchRequest) string {
	parts := []string{r.Query, r.Sort, strings.Join(r.Brands, "\x1f"), strings.Join(r.Categories, "\x1f"),
		strings.Join(r.Colors, "\x1f"), strings.Join(r.Sizes, "\x1f"), strings.Join(r.Genders, "\x1f")}
	if len(r.Seasons) > 0 {
		// Only when given, so cursors issued before the filter existed still work.
		parts = append(parts, "season="+strings.Join(r.Seasons, "\x1f"))
	}
	for _, p := range []*float64{r.PriceMin, r.PriceMax} {
		if p != nil {
			b, _ := json.Marshal(*p)
			parts = append(parts, string(b))
		} else {
			parts = append(parts, "")
		}
	}
	if r.InStock {
		// Appended only when set, so cursors issued before stock existed stay valid.
		parts = append(parts, "in_stock")
	}
	sum := sha256.Sum256([]byte(strings.Join(parts, "\x1e")))
	return hex.EncodeToString(sum[:6])
}

func encodeCursor(after []any, key string) string {
	b, _ := json.Marshal(cursor{After: after, Key: key})
	return base64.RawURLEncoding.EncodeToString(b)
}

// decodeCursor checks a cursor came from this request; sort values keep
// their JSON numbers exact (product IDs are int64).
func decodeCursor(s, key string) ([]any, error) {
	bad := stylegraph.Invalid("cursor", "is not a cursor for this search")
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return nil, bad
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var c cursor
	if err := dec.Decode(&c); err != nil || c.Key != key || len(c.After) != 2 {
		return nil, bad
	}
	for _, v := range c.After {
		if _, ok := v.(json.Number); !ok {
			return nil, bad
		}
	}
	return c.After, nil
}

func round2(f float64) float64 { return float64(int64(f*100+0.5)) / 100 }

func maxf(a, b float64) float64 {
	if a > b {
		return a
	}
	return b
}
