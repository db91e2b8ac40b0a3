package search

import (
	"context"
	"net/http"
	"strconv"

	"github.com/stylegraph/stylegraph"
)

// Products returns the indexed products among ids, as the index holds them
// (what a reconciler compares with the graph); absent IDs are left out.
func (c *Client) Products(ctx context.Context, ids []int64) (map[int64]stylegraph.Product, error) {
	out := make(map[int64]stylegraph.Product, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	keys := make([]string, len(ids))
	for i, id := range ids {
		keys[i] = strconv.FormatInt(id, 10)
	}
	var res struct {
		Docs []struct {
			Found  bool `json:"found"`
			Source doc  `json:"_source"`
		} `json:"docs"`
	}
	if err := c.Do(ctx, http.MethodPost, "/"+c.Alias("products")+"/_mget", map[string]any{"ids": keys}, &res); err != nil {
		return nil, err
	}
	for _, d := range res.Docs {
		if d.Found {
			out[d.Source.ID] = d.Source.product()
		}
	}
	return out, nil
}

// ProductIDsAfter returns up to n indexed product IDs in [from, to] above
// after, in ID order.
func (c *Client) ProductIDsAfter(ctx context.Context, from, to, after int64, n int) ([]int64, error) {
	lo := max(from, after+1)
	body := map[string]any{
		"size":    n,
		"_source": false,
		"query":   map[string]any{"range": map[string]any{"id": map[string]any{"gte": lo, "lte": to}}},
		"sort":    []any{map[string]any{"id": "asc"}},
	}
	var res struct {
		Hits struct {
			Hits []struct {
				ID string `json:"_id"`
			} `json:"hits"`
		} `json:"hits"`
	}
	if err := c.Do(ctx, http.MethodPost, "/"+c.Alias("products")+"/_search", body, &res); err != nil {
		return nil, err
	}
	ids := make([]int64, 0, len(res.Hits.Hits))
	for _, h := range res.Hits.Hits {
		id, err := strconv.ParseInt(h.ID, 10, 64)
		if err != nil {
			continue // not a product document
		}
		ids = append(ids, id)
	}
	return ids, nil
}
