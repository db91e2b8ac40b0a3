package api

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/catalog"
)

// Catalog is what the product and user endpoints need.
type Catalog interface {
	Product(ctx context.Context, id int64) (stylegraph.Product, error)
	PutProduct(ctx context.Context, p stylegraph.Product) (stylegraph.Product, error)
	DeleteProduct(ctx context.Context, id int64) error
	PutUser(ctx context.Context, u stylegraph.User) (stylegraph.User, error)
	PutProducts(ctx context.Context, raws []json.RawMessage) ([]catalog.ItemResult, error)
}

// ProductsResponse answers POST /v1/products: counts and one result per
// product, in request order.
type ProductsResponse struct {
	Upserted int                  `json:"upserted"`
	Rejected int                  `json:"rejected"`
	Failed   int                  `json:"failed"`
	Results  []catalog.ItemResult `json:"results"`
}

// catalogHandlers serve the product and user profile endpoints.
type catalogHandlers struct{ cat Catalog }

func (h catalogHandlers) register(r router) {
	editors := allow(stylegraph.RoleMerchandiser, stylegraph.RoleAdmin, stylegraph.RoleService)
	r.v1.GET("/products/:id", h.getProduct)
	// A product write goes to the graph and then the index: it must not stop
	// half-way because the caller hung up.
	r.v1.PUT("/products/:id", editors, detach, h.putProduct)
	r.v1.DELETE("/products/:id", editors, detach, h.deleteProduct)
	r.bodyLimit("/v1/products", catalog.MaxBatchBytes)
	r.v1.POST("/products", editors, detach, h.postProducts)
	r.v1.PUT("/users/:id", detach, h.putUser)
}

func (h catalogHandlers) getProduct(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		writeError(c, err)
		return
	}
	p, err := h.cat.Product(c.Request.Context(), id)
	reply(c, http.StatusOK, p, err)
}

func (h catalogHandlers) putProduct(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		writeError(c, err)
		return
	}
	body, err := io.ReadAll(c.Request.Body)
	if err != nil {
		writeError(c, err)
		return
	}
	// The ID may be left out of the body; when present it must match the path.
	body, err = withID(body, id)
	if err != nil {
		writeError(c, err)
		return
	}
	p, err := catalog.DecodeProduct(body)
	if err != nil {
		writeError(c, err)
		return
	}
	if p.ID != id {
		writeError(c, stylegraph.Invalid("id", "must match the ID in the path"))
		return
	}
	p, err = h.cat.PutProduct(c.Request.Context(), p)
	reply(c, http.StatusOK, p, err)
}

// postProducts upserts a batch: bad items are rejected one by one and the
// rest are written, so one typo does not hold back a catalog sync.
func (h catalogHandlers) postProducts(c *gin.Context) {
	body, err := io.ReadAll(c.Request.Body)
	if err != nil {
		writeError(c, err)
		return
	}
	raws, err := catalog.SplitProducts(body)
	if err != nil {
		writeError(c, err)
		return
	}
	results, err := h.cat.PutProducts(c.Request.Context(), raws)
	if err != nil {
		writeError(c, err)
		return
	}
	resp := ProductsResponse{Results: results}
	for _, r := range results {
		switch r.Status {
		case catalog.Upserted:
			resp.Upserted++
		case catalog.Rejected:
			resp.Rejected++
		case catalog.Failed:
			resp.Failed++
		}
	}
	c.JSON(http.StatusOK, resp)
}

// withID adds "id" to a JSON object that lacks it, leaving every other byte
// for strict decoding to judge.
func withID(body []byte, id int64) ([]byte, error) {
	// Decoded strictly: a duplicate name must not be collapsed here
	// before the product decoder could refuse it.
	var obj map[string]json.RawMessage
	if err := stylegraph.DecodeJSON(body, &obj); err != nil {
		return nil, err
	}
	if _, ok := obj["id"]; ok {
		return body, nil
	}
	obj["id"] = json.RawMessage(strconv.FormatInt(id, 10))
	return json.Marshal(obj)
}

func (h catalogHandlers) deleteProduct(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		writeError(c, err)
		return
	}
	replyEmpty(c, h.cat.DeleteProduct(c.Request.Context(), id))
}

// userProfile is the body of PUT /v1/users/{id}.
type userProfile struct {
	Name     string `json:"name"`
	ImageURL string `json:"imageURL"`
	Home     string `json:"home"`
}

func (h catalogHandlers) putUser(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		writeError(c, err)
		return
	}
	p := principal(c)
	if !p.Is(stylegraph.RoleService, stylegraph.RoleAdmin) && p.UserID != id {
		writeError(c, stylegraph.Errorf(stylegraph.EFORBIDDEN, "a shopper may only edit their own profile"))
		return
	}
	var in userProfile
	if err := decodeStrict(c.Request.Body, &in); err != nil {
		writeError(c, err)
		return
	}
	u, err := h.cat.PutUser(c.Request.Context(), stylegraph.User{ID: id, Name: in.Name, ImageURL: in.ImageURL, Home: in.Home})
	reply(c, http.StatusOK, u, err)
}
