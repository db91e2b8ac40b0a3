package graph

import (
	"context"
	"strings"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/stylegraph/stylegraph"
)

// batchSize bounds one UNWIND transaction: large enough to amortise the
// round trip, small enough to keep transactions short.
const batchSize = 500

// UpsertUsers creates or updates user profiles.
func (s *Store) UpsertUsers(ctx context.Context, users []stylegraph.User) error {
	rows := make([]map[string]any, len(users))
	for i, u := range users {
		rows[i] = map[string]any{"id": u.ID, "name": u.Name, "imageURL": u.ImageURL, "home": u.Home}
	}
	return s.batched(ctx, "upsert_users", rows)
}

// UpsertProducts creates or updates products with their brand, category chain
// and tags.
func (s *Store) UpsertProducts(ctx context.Context, products []stylegraph.Product) error {
	rows := make([]map[string]any, len(products))
	for i, p := range products {
		rows[i] = productRow(p)
	}
	return s.batched(ctx, "upsert_products", rows)
}

func productRow(p stylegraph.Product) map[string]any {
	props := map[string]any{
		"title": p.Title, "description": p.Description, "color": p.Color, "sizes": nonNil(p.Sizes),
		"price": p.Price, "currency": p.Currency, "images": nonNil(p.Images), "gender": p.Gender,
		"season": p.Season, "usage": p.Usage, "createdAt": p.CreatedAt.UTC(),
	}
	if p.Stock != nil {
		// Absent stock leaves what is stored; inStock is what the
		// recommenders filter on.
		props["stock"], props["inStock"] = *p.Stock, *p.Stock > 0
	}
	row := map[string]any{"id": p.ID, "props": props, "tags": nonNil(p.Tags), "brandId": nil, "brand": p.Brand, "leaf": nil}
	if p.Brand != "" {
		id := p.BrandID
		if id == 0 {
			id = stylegraph.BrandID(p.Brand)
		}
		row["brandId"] = id
	}
	var cats []map[string]any
	var parent any
	for i := range p.CategoryPath {
		path := strings.Join(p.CategoryPath[:i+1], " > ")
		cats = append(cats, map[string]any{"path": path, "name": p.CategoryPath[i], "level": i + 1, "parent": parent})
		parent = path
	}
	row["categories"] = nonNilMaps(cats)
	row["leaf"] = parent
	return row
}

// Product returns one product or ENOTFOUND.
func (s *Store) Product(ctx context.Context, id int64) (stylegraph.Product, error) {
	res, err := s.runNamed(ctx, "get_product", map[string]any{"id": id})
	if err != nil {
		return stylegraph.Product{}, err
	}
	if len(res.Records) == 0 {
		return stylegraph.Product{}, stylegraph.Errorf(stylegraph.ENOTFOUND, "product %d not found", id)
	}
	return productFrom(res.Records[0]), nil
}

// ProductsAfter returns up to n products in scope with IDs above after, in
// ID order, with brand, category and tags as Product returns them.
func (s *Store) ProductsAfter(ctx context.Context, scope Scope, after int64, n int) ([]stylegraph.Product, error) {
	from, to := scope.bounds()
	res, err := s.runNamed(ctx, "products_page", map[string]any{"from": from, "to": to, "after": after, "n": n})
	if err != nil {
		return nil, err
	}
	out := make([]stylegraph.Product, len(res.Records))
	for i, r := range res.Records {
		out[i] = productFrom(r)
	}
	return out, nil
}

// ExistingProducts reports which of ids are products in the graph.
func (s *Store) ExistingProducts(ctx context.Context, ids []int64) (map[int64]bool, error) {
	found := make(map[int64]bool, len(ids))
	if len(ids) == 0 {
		return found, nil
	}
	res, err := s.runNamed(ctx, "count_products", map[string]any{"ids": ids})
	if err != nil {
		return nil, err
	}
	if len(res.Records) > 0 {
		v, _ := res.Records[0].Get("found")
		for _, x := range v.([]any) {
			found[x.(int64)] = true
		}
	}
	return found, nil
}

// productFrom decodes a row of get_product.cypher or products_page.cypher.
func productFrom(r *neo4j.Record) stylegraph.Product {
	node, _ := r.Get("p")
	n := node.(neo4j.Node)
	id, _ := n.Props["id"].(int64)
	p := stylegraph.Product{
		ID:          id,
		Title:       str(n.Props["title"]),
		Description: str(n.Props["description"]),
		Color:       str(n.Props["color"]),
		Sizes:       strs(n.Props["sizes"]),
		Price:       num(n.Props["price"]),
		Currency:    str(n.Props["currency"]),
		Images:      strs(n.Props["images"]),
		Gender:      str(n.Props["gender"]),
		Season:      str(n.Props["season"]),
		Usage:       str(n.Props["usage"]),
	}
	if t, ok := n.Props["createdAt"].(time.Time); ok {
		p.CreatedAt = t.UTC()
	}
	p.Stock = stockOf(n)
	if v, _ := r.Get("brandId"); v != nil {
		p.BrandID = v.(int64)
	}
	if v, _ := r.Get("brand"); v != nil {
		p.Brand = v.(string)
	}
	if v, _ := r.Get("category"); v != nil {
		p.CategoryPath = strings.Split(v.(string), " > ")
	}
	if v, _ := r.Get("tags"); v != nil {
		p.Tags = strs(v)
	}
	return p
}

// batched runs the named UNWIND query over rows in batches, each in its own
// retried write transaction.
func (s *Store) batched(ctx context.Context, name string, rows []map[string]any) error {
	for start := 0; start < len(rows); start += batchSize {
		end := min(start+batchSize, len(rows))
		if _, err := s.runNamed(ctx, name, map[string]any{"rows": rows[start:end]}); err != nil {
			return err
		}
	}
	return nil
}

// stockOf reads a product node's stock: the tracked count, 0 for a product
// only marked out of stock, nil when untracked.
func stockOf(n neo4j.Node) *int {
	if v, ok := n.Props["stock"].(int64); ok {
		s := int(v)
		return &s
	}
	if n.Props["inStock"] == false {
		s := 0
		return &s
	}
	return nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func nonNilMaps(m []map[string]any) []map[string]any {
	if m == nil {
		return []map[string]any{}
	}
	return m
}

func str(v any) string { s, _ := v.(string); return s }

func num(v any) float64 {
	switch n := v.(type) {
	case float64:
		return n
	case int64:
		return float64(n)
	}
	return 0
}

func strs(v any) []string {
	xs, _ := v.([]any)
	out := make([]string, 0, len(xs))
	for _, x := range xs {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}
