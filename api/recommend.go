package api

import (
	"context"
	"encoding/json"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/stylegraph/stylegraph"
)

// Recommender answers the recommendation endpoints.
type Recommender interface {
	Recommend(ctx context.Context, q stylegraph.RecommendationQuery) (stylegraph.RecommendationPage, error)
	Similar(ctx context.Context, productID int64, limit int) ([]stylegraph.Recommendation, error)
	Trending(ctx context.Context, category string, limit int) ([]stylegraph.Recommendation, error)
	Hide(ctx context.Context, userID, productID int64) error
	Unhide(ctx context.Context, userID, productID int64) error
}

// RecommendationList is the body of every recommendation answer. Next is
// the cursor of the following page (GET /v1/recommendations only), absent on
// the last page.
type RecommendationList struct {
	Items []stylegraph.Recommendation `json:"items"`
	Next  string                      `json:"next,omitempty"`
	// Degraded is set when the graph could not be asked and the list is the
	// shopper's last answer or the last trending list, kept in Redis.
	Degraded bool `json:"degraded,omitempty"`
}

// recommendationList wraps items, marked degraded when a fallback answered.
func recommendationList(c *gin.Context, items []stylegraph.Recommendation) RecommendationList {
	return RecommendationList{Items: items, Degraded: len(stylegraph.Degraded(c.Request.Context())) > 0}
}

// defaultRecLimit and maxRecLimit bound ?limit= on recommendation lists.
const (
	defaultRecLimit = 20
	maxRecLimit     = 100
)

// recommendHandlers serve recommendations, similar products, trending and
// hidden products.
type recommendHandlers struct{ r Recommender }

func (h recommendHandlers) register(r router) {
	r.v1.GET("/recommendations", h.recommendations)
	// The rate-limit spend rides on the stored list's read.
	r.spendWith("/v1/recommendations", onRecsRead)
	r.v1.GET("/products/:id/similar", h.similar)
	r.v1.GET("/trending", h.trending)
	r.v1.PUT("/me/hidden/:productId", allow(stylegraph.RoleShopper, stylegraph.RoleMerchandiser, stylegraph.RoleAdmin), h.hide)
	r.v1.DELETE("/me/hidden/:productId", allow(stylegraph.RoleShopper, stylegraph.RoleMerchandiser, stylegraph.RoleAdmin), h.unhide)
}

// recommendations answers for the caller; an admin may name the
// shopper with ?userId=.
func (h recommendHandlers) recommendations(c *gin.Context) {
	p := principal(c)
	limit, err := queryLimit(c, defaultRecLimit, maxRecLimit)
	if err != nil {
		writeError(c, err)
		return
	}
	userID := p.UserID
	if q, ok := c.GetQuery("userId"); ok {
		id, err := parseID("userId", q)
		if err != nil {
			writeError(c, err)
			return
		}
		if id != p.UserID && !p.Is(stylegraph.RoleService, stylegraph.RoleAdmin) {
			writeError(c, stylegraph.Errorf(stylegraph.EFORBIDDEN, "shoppers get only their own recommendations"))
			return
		}
		userID = id
	}
	if userID == 0 {
		writeError(c, stylegraph.Invalid("userId", "userId is required for service callers"))
		return
	}
	offset, err := parseOffsetCursor(c.Query("cursor"))
	if err != nil {
		writeError(c, err)
		return
	}
	category := c.Query("category")
	if len(category) > 200 {
		writeError(c, stylegraph.Invalid("category", "category must be at most 200 characters"))
		return
	}
	page, err := h.r.Recommend(c.Request.Context(), stylegraph.RecommendationQuery{UserID: userID, Limit: limit, Offset: offset, Category: category})
	if err != nil {
		writeError(c, err)
		return
	}
	body := recommendationList(c, page.Items)
	if page.Next > 0 {
		body.Next = offsetCursor(page.Next)
	}
	writeRecommendations(c, body)
}

// writeRecommendations answers 200 with body. Items that come with their
// JSON already encoded (Recommendation.Encoded) are spliced in as they are:
// a precomputed answer is then copied bytes, not encoded per request.
func writeRecommendations(c *gin.Context, body RecommendationList) {
	if body.Items == nil {
		c.JSON(http.StatusOK, body)
		return
	}
	n := 64
	for _, it := range body.Items {
		if it.Encoded == nil {
			c.JSON(http.StatusOK, body)
			return
		}
		n += len(it.Encoded) + 1
	}
	b := make([]byte, 0, n)
	b = append(b, `{"items":[`...)
	for i, it := range body.Items {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, it.Encoded...)
	}
	b = append(b, ']')
	if body.Next != "" {
		next, _ := json.Marshal(body.Next)
		b = append(b, `,"next":`...)
		b = append(b, next...)
	}
	if body.Degraded {
		b = append(b, `,"degraded":true`...)
	}
	b = append(b, '}')
	c.Data(http.StatusOK, "application/json; charset=utf-8", b)
}

func (h recommendHandlers) similar(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		writeError(c, err)
		return
	}
	limit, err := queryLimit(c, defaultRecLimit, maxRecLimit)
	if err != nil {
		writeError(c, err)
		return
	}
	items, err := h.r.Similar(c.Request.Context(), id, limit)
	if err != nil {
		writeError(c, err)
		return
	}
	writeRecommendations(c, recommendationList(c, items))
}

func (h recommendHandlers) trending(c *gin.Context) {
	limit, err := queryLimit(c, defaultRecLimit, maxRecLimit)
	if err != nil {
		writeError(c, err)
		return
	}
	items, err := h.r.Trending(c.Request.Context(), c.Query("category"), limit)
	if err != nil {
		writeError(c, err)
		return
	}
	writeRecommendations(c, recommendationList(c, items))
}

func (h recommendHandlers) hide(c *gin.Context) {
	id, err := pathID(c, "productId")
	if err != nil {
		writeError(c, err)
		return
	}
	if err := h.r.Hide(c.Request.Context(), principal(c).UserID, id); err != nil {
		writeError(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

func (h recommendHandlers) unhide(c *gin.Context) {
	id, err := pathID(c, "productId")
	if err != nil {
		writeError(c, err)
		return
	}
	if err := h.r.Unhide(c.Request.Context(), principal(c).UserID, id); err != nil {
		writeError(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}
