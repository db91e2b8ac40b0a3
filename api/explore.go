package api

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"sort"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/stylegraph/stylegraph"
)

// Explorer walks the graph one neighbourhood at a time (graph.ExploreStore).
type Explorer interface {
	Neighbours(ctx context.Context, start stylegraph.NodeRef, types []string, limit int) (stylegraph.Neighbourhood, error)
}

// exploreHandlers serve the console's graph explorer.
type exploreHandlers struct{ explorer Explorer }

func (h exploreHandlers) register(r router) {
	r.admin().GET("/graph/neighbours", h.neighbours)
}

// neighbours answers GET /v1/admin/graph/neighbours?kind=&id=|key=&rel=&limit=.
func (h exploreHandlers) neighbours(c *gin.Context) {
	q := &query{c: c}
	start := stylegraph.NodeRef{Kind: q.oneOf("kind", "", stylegraph.ExploreKinds...)}
	if start.Kind == "tag" || start.Kind == "category" {
		if start.Key = q.text("key", 300); start.Key == "" && q.err == nil {
			q.fail(stylegraph.Invalid("key", "is required for kind %s", start.Kind))
		}
		if start.Kind == "tag" {
			start.Key = strings.ToLower(start.Key)
		}
	} else {
		start.ID = q.id("id", true)
	}
	limit := q.int("limit", 10, 1, 50)
	var types []string
	for _, r := range c.QueryArray("rel") {
		t, ok := stylegraph.ExploreRelations[r]
		if !ok {
			names := make([]string, 0, len(stylegraph.ExploreRelations))
			for k := range stylegraph.ExploreRelations {
				names = append(names, k)
			}
			sort.Strings(names)
			q.fail(stylegraph.Invalid("rel", "must be one of %s", strings.Join(names, ", ")))
			break
		}
		if !slices.Contains(types, t) {
			types = append(types, t)
		}
	}
	if len(types) == 0 {
		for _, t := range stylegraph.ExploreRelations {
			types = append(types, t)
		}
		sort.Strings(types)
	}
	if q.err != nil {
		writeError(c, q.err)
		return
	}
	n, err := h.explorer.Neighbours(c.Request.Context(), start, types, limit)
	if err != nil {
		writeError(c, err)
		return
	}
	c.Set("auditRows", len(n.Nodes))
	c.JSON(http.StatusOK, n)
}

// Preview is what GET /v1/admin/preview answers: one shopper's screens as
// they see them, and the search without their personalisation beside it.
type Preview struct {
	UserID          int64                       `json:"userId"`
	Recommendations []stylegraph.Recommendation `json:"recommendations"`
	Feed            json.RawMessage             `json:"feed"`
	Search          PreviewSearch               `json:"search"`
}

// PreviewSearch is one query run for the shopper with and without their graph.
type PreviewSearch struct {
	Query          string                  `json:"query"`
	Personalised   stylegraph.SearchResult `json:"personalised"`
	Unpersonalised stylegraph.SearchResult `json:"unpersonalised"`
}

// previewHandlers show merchandisers what a shopper is shown.
type previewHandlers struct {
	recommender Recommender
	feed        Timeline
	searcher    Searcher
}

func (h previewHandlers) register(r router) {
	r.admin().GET("/preview", h.preview)
}

// preview answers GET /v1/admin/preview?userId=&q=&limit=: merchandisers see
// what a shopper is shown. It is audited like every admin call and records
// no activity for the shopper.
func (h previewHandlers) preview(c *gin.Context) {
	q := &query{c: c}
	uid := q.id("userId", true)
	limit := q.int("limit", 10, 1, 50)
	text := q.text("q", 4*stylegraph.MaxSearchQueryRunes)
	if q.err != nil {
		writeError(c, q.err)
		return
	}
	ctx := c.Request.Context()
	page, err := h.recommender.Recommend(ctx, stylegraph.RecommendationQuery{UserID: uid, Limit: limit})
	recs := page.Items
	if err != nil {
		writeError(c, err)
		return
	}
	feed, err := h.feed.ReadJSON(ctx, uid, "", limit)
	if err != nil {
		writeError(c, err)
		return
	}
	out := Preview{UserID: uid, Recommendations: recs, Feed: feed, Search: PreviewSearch{Query: text}}
	for _, v := range []struct {
		personalize bool
		into        *stylegraph.SearchResult
	}{{true, &out.Search.Personalised}, {false, &out.Search.Unpersonalised}} {
		req := stylegraph.SearchRequest{Query: text, UserID: uid, Personalize: v.personalize, Limit: limit}
		if err := req.Validate(); err != nil {
			writeError(c, err)
			return
		}
		if *v.into, err = h.searcher.Search(ctx, req); err != nil {
			writeError(c, err)
			return
		}
	}
	c.Set("auditRows", len(recs))
	c.JSON(http.StatusOK, out)
}
