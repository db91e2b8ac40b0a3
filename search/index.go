package search

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/budget"
)

// doc is a product as indexed; field names match mappings/products.json.
// Content fields are always sent (null clears them on a partial update);
// popularity is absent so that re-indexing a product keeps its signals.
type doc struct {
	ID              int64     `json:"id"`
	Title           string    `json:"title"`
	Description     string    `json:"description"`
	Brand           string    `json:"brand"`
	BrandID         int64     `json:"brandId"`
	Category        string    `json:"category"`
	CategoryLevels  []string  `json:"categoryLevels"`
	Category1       string    `json:"category1"`
	Category2       string    `json:"category2"`
	Category3       string    `json:"category3"`
	Color           string    `json:"color"`
	Sizes           []string  `json:"sizes"`
	Gender          string    `json:"gender"`
	Season          string    `json:"season"`
	Usage           string    `json:"usage"`
	Tags            []string  `json:"tags"`
	Price           float64   `json:"price"`
	Currency        string    `json:"currency"`
	Images          []string  `json:"images"`
	Popularity      *float64  `json:"popularity,omitempty"`
	PopularityScore *float64  `json:"popularityScore,omitempty"`
	Stock           *int      `json:"stock,omitempty"`
	InStock         bool      `json:"inStock"`
	CreatedAt       time.Time `json:"createdAt"`
	IndexedAt       time.Time `json:"indexedAt"`
	Suggest         []string  `json:"suggest"`
}

// product turns an indexed document back into the domain type.
func (d doc) product() stylegraph.Product {
	p := stylegraph.Product{
		ID: d.ID, Title: d.Title, Description: d.Description, Brand: d.Brand, BrandID: d.BrandID,
		Color: d.Color, Sizes: d.Sizes, Price: d.Price, Currency: d.Currency, Images: d.Images,
		Tags: d.Tags, Gender: d.Gender, Season: d.Season, Usage: d.Usage, CreatedAt: d.CreatedAt,
		Stock: d.Stock,
	}
	if d.Category != "" {
		p.CategoryPath = strings.Split(d.Category, " > ")
	}
	return p
}

func toDoc(p stylegraph.Product) doc {
	d := doc{
		ID: p.ID, Title: p.Title, Description: p.Description, Brand: p.Brand, BrandID: p.BrandID,
		Category: p.Category(), Color: p.Color, Sizes: p.Sizes, Gender: p.Gender,
		Season: p.Season, Usage: p.Usage, Tags: p.Tags, Price: p.Price, Currency: p.Currency,
		Images: p.Images, CreatedAt: p.CreatedAt.UTC(), IndexedAt: time.Now().UTC(),
		Stock: p.Stock, InStock: p.InStock(),
	}
	if d.BrandID == 0 && p.Brand != "" {
		d.BrandID = stylegraph.BrandID(p.Brand)
	}
	// categoryLevels holds every prefix of the path so a filter on any level
	// is one term query; category1..3 are the top, second and leaf names.
	for i := range p.CategoryPath {
		d.CategoryLevels = append(d.CategoryLevels, strings.Join(p.CategoryPath[:i+1], " > "))
	}
	if n := len(p.CategoryPath); n > 0 {
		d.Category1, d.Category3 = p.CategoryPath[0], p.CategoryPath[n-1]
		if n > 1 {
			d.Category2 = p.CategoryPath[1]
		}
	}
	d.Suggest = []string{p.Title}
	if p.Brand != "" {
		d.Suggest = append(d.Suggest, p.Brand)
	}
	if d.Category3 != "" {
		d.Suggest = append(d.Suggest, d.Category3)
	}
	return d
}

// BulkReport tells which items of a bulk request failed and why.
type BulkReport struct {
	Indexed int
	Failed  []ItemError
}

// ItemError is one product the index refused.
type ItemError struct {
	ID     int64
	Status int
	Reason string
}

// IndexProducts writes products to the products alias in bulk. Items the
// cluster rejects for load (429) are retried with backoff; others are
// reported per item and not retried. Existing documents are updated in place,
// keeping their popularity.
func (c *Client) IndexProducts(ctx context.Context, products []stylegraph.Product) (BulkReport, error) {
	return c.IndexProductsInto(ctx, c.Alias("products"), products)
}

// IndexProductsInto is IndexProducts into a named index or alias (reindex,
// evaluation).
func (c *Client) IndexProductsInto(ctx context.Context, index string, products []stylegraph.Product) (BulkReport, error) {
	ops := make([]bulkOp, len(products))
	for i, p := range products {
		ops[i] = bulkOp{id: p.ID, body: map[string]any{"doc": toDoc(p), "doc_as_upsert": true}}
	}
	return c.bulk(ctx, index, ops)
}

// DeleteProducts removes products from the index; missing ones are fine.
func (c *Client) DeleteProducts(ctx context.Context, ids []int64) (BulkReport, error) {
	ops := make([]bulkOp, len(ids))
	for i, id := range ids {
		ops[i] = bulkOp{id: id, delete: true, missingOK: true}
	}
	return c.bulk(ctx, c.Alias("products"), ops)
}

// Refresh makes recent writes searchable now (tests, imports).
func (c *Client) Refresh(ctx context.Context) error {
	return c.Do(ctx, http.MethodPost, "/"+c.Alias("products")+"/_refresh", nil, nil)
}

// bulkOp is one bulk item: an update (body is the update request) or a
// delete.
type bulkOp struct {
	id     int64
	body   any
	delete bool
	// missingOK counts a 404 as done (deletes, signals for products gone).
	missingOK bool
}

const bulkChunk = 1000

func (c *Client) bulk(ctx context.Context, index string, ops []bulkOp) (BulkReport, error) {
	var rep BulkReport
	for start := 0; start < len(ops); start += bulkChunk {
		pending := ops[start:min(start+bulkChunk, len(ops))]
		for attempt := 0; len(pending) > 0; attempt++ {
			retry, err := c.bulkOnce(ctx, index, pending, &rep)
			if err != nil {
				return rep, err
			}
			if len(retry) == 0 {
				break
			}
			if attempt == 4 {
				for _, op := range retry {
					rep.Failed = append(rep.Failed, ItemError{ID: op.id, Status: http.StatusTooManyRequests, Reason: "rejected under load after retries"})
				}
				break
			}
			select {
			case <-ctx.Done():
				return rep, ctx.Err()
			case <-time.After(budget.Backoff(200*time.Millisecond, 10*time.Second, attempt+1)):
			}
			pending = retry
		}
	}
	return rep, nil
}

func (c *Client) bulkOnce(ctx context.Context, index string, ops []bulkOp, rep *BulkReport) ([]bulkOp, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	for _, op := range ops {
		meta := map[string]any{"_index": index, "_id": strconv.FormatInt(op.id, 10)}
		if op.delete {
			_ = enc.Encode(map[string]any{"delete": meta})
			continue
		}
		meta["retry_on_conflict"] = 3
		_ = enc.Encode(map[string]any{"update": meta})
		if err := enc.Encode(op.body); err != nil {
			return nil, fmt.Errorf("encode product %d: %w", op.id, err)
		}
	}
	var res struct {
		Errors bool `json:"errors"`
		Items  []map[string]struct {
			Status int `json:"status"`
			Error  *struct {
				Type   string `json:"type"`
				Reason string `json:"reason"`
			} `json:"error"`
		} `json:"items"`
	}
	if err := c.Do(ctx, http.MethodPost, "/_bulk", buf.Bytes(), &res); err != nil {
		return nil, fmt.Errorf("bulk: %w", err)
	}
	var retry []bulkOp
	for i, item := range res.Items {
		for _, r := range item {
			switch {
			case r.Status == http.StatusTooManyRequests:
				retry = append(retry, ops[i])
			case r.Status == http.StatusNotFound && ops[i].missingOK:
				rep.Indexed++
			case r.Error != nil:
				rep.Failed = append(rep.Failed, ItemError{ID: ops[i].id, Status: r.Status, Reason: r.Error.Type + ": " + r.Error.Reason})
			default:
				rep.Indexed++
			}
		}
	}
	return retry, nil
}
