package stylegraph

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Search limits and defaults.
const (
	MaxSearchQueryRunes = 200
	MaxSearchLimit      = 100
	DefaultSearchLimit  = 20
	MaxFilterValues     = 20
	MaxCursorBytes      = 1024
)

// Sort orders a search may ask for.
const (
	SortRelevance = "relevance"
	SortPriceAsc  = "price_asc"
	SortPriceDesc = "price_desc"
	SortNewest    = "newest"
	SortPopular   = "popular"
)

// SearchRequest is one product search as a shopper asked it. Filters with
// several values match any of them (multi-select facets).
type SearchRequest struct {
	Query      string
	Brands     []string
	Categories []string // a leaf name (Tshirts) or a path (Apparel > Topwear)
	Colors     []string
	Sizes      []string
	Genders    []string
	Seasons    []string
	PriceMin   *float64
	PriceMax   *float64
	// InStock keeps only products that can be sold now.
	InStock bool
	Sort    string
	Limit   int
	Cursor  string
	// UserID personalises the ranking when non-zero and Personalize is set.
	UserID      int64
	Personalize bool
}

// Validate fills defaults and returns an EINVALID error naming the first bad
// parameter.
func (r *SearchRequest) Validate() error {
	r.Query = strings.TrimSpace(r.Query)
	if !utf8.ValidString(r.Query) {
		return Invalid("q", "must be valid UTF-8")
	}
	if utf8.RuneCountInString(r.Query) > MaxSearchQueryRunes {
		return Invalid("q", "must be at most %d characters", MaxSearchQueryRunes)
	}
	for field, vals := range map[string][]string{"brand": r.Brands, "category": r.Categories, "color": r.Colors, "size": r.Sizes, "gender": r.Genders, "season": r.Seasons} {
		if len(vals) > MaxFilterValues {
			return Invalid(field, "at most %d values", MaxFilterValues)
		}
		for _, v := range vals {
			if strings.TrimSpace(v) == "" || utf8.RuneCountInString(v) > 128 || !utf8.ValidString(v) {
				return Invalid(field, "values must be 1-128 characters of valid UTF-8")
			}
		}
	}
	for field, p := range map[string]*float64{"price_min": r.PriceMin, "price_max": r.PriceMax} {
		if p != nil && (*p < 0 || *p > 1e9 || *p != *p) {
			return Invalid(field, "must be a number between 0 and 1,000,000,000")
		}
	}
	if r.PriceMin != nil && r.PriceMax != nil && *r.PriceMin > *r.PriceMax {
		return Invalid("price_min", "must not be above price_max")
	}
	switch r.Sort {
	case "":
		r.Sort = SortRelevance
	case SortRelevance, SortPriceAsc, SortPriceDesc, SortNewest, SortPopular:
	default:
		return Invalid("sort", "must be one of relevance, price_asc, price_desc, newest, popular")
	}
	switch {
	case r.Limit == 0:
		r.Limit = DefaultSearchLimit
	case r.Limit < 0 || r.Limit > MaxSearchLimit:
		return Invalid("limit", "must be between 1 and %d", MaxSearchLimit)
	}
	if len(r.Cursor) > MaxCursorBytes {
		return Invalid("cursor", "is not a cursor this service issued")
	}
	return nil
}

// Filters returns the active filters as name → comma-joined values, the
// shape search activity events carry.
func (r SearchRequest) Filters() map[string]string {
	out := map[string]string{}
	for name, vals := range map[string][]string{"brand": r.Brands, "category": r.Categories, "color": r.Colors, "size": r.Sizes, "gender": r.Genders, "season": r.Seasons} {
		if len(vals) > 0 {
			out[name] = truncateRunes(strings.Join(vals, ","), 128)
		}
	}
	if r.PriceMin != nil {
		out["price_min"] = fmt.Sprint(*r.PriceMin)
	}
	if r.PriceMax != nil {
		out["price_max"] = fmt.Sprint(*r.PriceMax)
	}
	if r.InStock {
		out["in_stock"] = "true"
	}
	if r.Sort != "" && r.Sort != SortRelevance {
		out["sort"] = r.Sort
	}
	return out
}

func truncateRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}

// SearchResult is one page of search results.
type SearchResult struct {
	Hits  []SearchHit `json:"hits"`
	Total int64       `json:"total"`
	// Facets counts values per facet; each facet ignores its own filter so
	// a shopper can widen a multi-select choice.
	Facets      SearchFacets `json:"facets"`
	Suggestions []string     `json:"suggestions"`
	// Relaxed says nothing matched the query as typed and these hits come
	// from a looser query.
	Relaxed         bool             `json:"relaxed"`
	NextCursor      string           `json:"nextCursor,omitempty"`
	Personalization *Personalization `json:"personalization,omitempty"`
	// QueryID names this search (every page of it): apps send it back with
	// the view or add_to_cart of a hit so clicks and carts count per query.
	QueryID string `json:"queryID"`
}

// SearchHit is one product with why it matched.
type SearchHit struct {
	Product   Product             `json:"product"`
	Highlight map[string][]string `json:"highlight,omitempty"`
	Score     float64             `json:"score"`
	// Boosts names the personal boosts that raised this hit.
	Boosts []string `json:"boosts,omitempty"`
}

// SearchFacets are the counts shown next to results.
type SearchFacets struct {
	Brand    []FacetValue `json:"brand"`
	Category []FacetValue `json:"category"`
	Color    []FacetValue `json:"color"`
	Size     []FacetValue `json:"size"`
	Gender   []FacetValue `json:"gender"`
	Season   []FacetValue `json:"season"`
	Price    []PriceRange `json:"price"`
}

// FacetValue is one facet value and how many hits carry it.
type FacetValue struct {
	Value string `json:"value"`
	Count int64  `json:"count"`
}

// PriceRange is one price bucket; From is inclusive, To exclusive, and a nil
// bound is open.
type PriceRange struct {
	From  *float64 `json:"from,omitempty"`
	To    *float64 `json:"to,omitempty"`
	Count int64    `json:"count"`
}

// Personalization says whether and how the shopper's graph changed the
// ranking.
type Personalization struct {
	Enabled bool `json:"enabled"`
	// Applied lists the boosts that went into the query.
	Applied []Boost `json:"applied"`
	// Degraded says the shopper's graph did not answer in time, so this
	// page is not personalised.
	Degraded bool `json:"degraded,omitempty"`
}

// Boost is one personal preference that raised matching products.
type Boost struct {
	Kind   string  `json:"kind"` // brand, tag, liked_by_followed
	Value  string  `json:"value"`
	Weight float64 `json:"weight"`
}

// TasteProfile is what the graph knows a shopper likes: weights of the brands
// and tags they engage with, and products liked by people they follow (with
// how many of them liked it).
type TasteProfile struct {
	Brands          map[string]float64 `json:"brands,omitempty"`
	Tags            map[string]float64 `json:"tags,omitempty"`
	LikedByFollowed map[int64]int      `json:"likedByFollowed,omitempty"`
}

// Empty reports whether the profile has nothing to boost with.
func (t TasteProfile) Empty() bool {
	return len(t.Brands) == 0 && len(t.Tags) == 0 && len(t.LikedByFollowed) == 0
}

// Suggestion is one autocomplete entry.
type Suggestion struct {
	Text string `json:"text"`
	Kind string `json:"kind"` // product, brand, category
	ID   int64  `json:"id,omitempty"`
}
