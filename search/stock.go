package search

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/stylegraph/stylegraph"
)

// The stock baseline is what a team would stand up in a day: the product
// fields the engine searches (title, article type, colour, gender, brand) in
// an index with OpenSearch's built-in english analyzer, queried with one
// multi_match and fuzziness AUTO; no synonyms, no custom analysis, no
// boosts. It lives in an index of its own (<prefix>-stock) that only the
// evaluation creates.
//
//go:embed mappings/eval/stock.json
var stockMapping []byte

// StockBody is the stock baseline's query for q.
func StockBody(q string, k int) map[string]any {
	return map[string]any{"size": k, "query": map[string]any{"multi_match": map[string]any{
		"query": q, "fields": []string{"title", "articleType", "colour", "gender", "brand"}, "fuzziness": "AUTO",
	}}}
}

// IndexStock (re)creates the stock baseline's index and fills it with products.
func (c *Client) IndexStock(ctx context.Context, products []stylegraph.Product) error {
	index := c.Alias("stock")
	_ = c.Do(ctx, http.MethodDelete, "/"+index, nil, nil) // absent the first time
	var body map[string]any
	if err := json.Unmarshal(stockMapping, &body); err != nil {
		return fmt.Errorf("stock mapping: %w", err)
	}
	if err := c.Do(ctx, http.MethodPut, "/"+index, body, nil); err != nil {
		return fmt.Errorf("create %s: %w", index, err)
	}
	ops := make([]bulkOp, len(products))
	for i, p := range products {
		leaf := ""
		if n := len(p.CategoryPath); n > 0 {
			leaf = p.CategoryPath[n-1]
		}
		ops[i] = bulkOp{id: p.ID, body: map[string]any{"doc": map[string]any{
			"id": p.ID, "title": p.Title, "articleType": leaf, "colour": p.Color, "gender": p.Gender, "brand": p.Brand,
		}, "doc_as_upsert": true}}
	}
	rep, err := c.bulk(ctx, index, ops)
	if err != nil {
		return err
	}
	if len(rep.Failed) > 0 {
		return fmt.Errorf("stock index: %d products refused, first: %s", len(rep.Failed), rep.Failed[0].Reason)
	}
	return c.Do(ctx, http.MethodPost, "/"+index+"/_refresh", nil, nil)
}

// StockCount is how many products the stock index holds (0 when absent).
func (c *Client) StockCount(ctx context.Context) int {
	var count struct {
		Count int `json:"count"`
	}
	if err := c.Do(ctx, http.MethodGet, "/"+c.Alias("stock")+"/_count", nil, &count); err != nil {
		return 0
	}
	return count.Count
}

// StockRank ranks with the stock baseline.
func (c *Client) StockRank(ctx context.Context, q string, k int) ([]int64, error) {
	return c.rankIDsIn(ctx, c.Alias("stock"), StockBody(q, k), k)
}
