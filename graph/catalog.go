package graph

import (
	"context"
	"strings"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/stylegraph/stylegraph"
)

// CatalogStore writes and reads the catalog: products with their brand, categories
// and tags, and users' profiles.
type CatalogStore struct{ db *DB }

// NewCatalogStore returns the catalog store over db.
func NewCatalogStore(db *DB) *CatalogStore { return &CatalogStore{db: db} }

// UpsertUsers creates or updates user profiles.
func (s *CatalogStore) UpsertUsers(ctx context.Context, users []stylegraph.User) error {
	rows := make([]map[string]any, len(users))
	for i, u := range users {
		rows[i] = map[string]any{"id": u.ID, "name": u.Name, "imageURL": u.ImageURL, "home": u.Home}
	}
	return s.db.batched(ctx, "upsert_users", rows)
}

// User returns one user's profile or ENOTFOUND.
func (s *CatalogStore) User(ctx context.Context, id int64) (stylegraph.User, error) {
	res, err := s.db.runNamed(ctx, "get_user", map[string]any{"id": id})
	if err != nil {
		return stylegraph.User{}, err
	}
	if len(res.Records) == 0 {
		return stylegraph.User{}, stylegraph.Errorf(stylegraph.ENOTFOUND, "user %d not found", id)
	}
	r := res.Records[0]
	name, _ := r.Get("name")
	img, _ := r.Get("imageURL")
	home, _ := r.Get("home")
	return stylegraph.User{ID: id, Name: str(name), ImageURL: str(img), Home: str(home)}, nil
}

// UpsertProducts creates or updates products with their brand, category chain
// and tags.
func (s *CatalogStore) UpsertProducts(ctx context.Context, products []stylegraph.Product) error {
	rows := make([]map[string]any, len(products))
	for i, p := range products {
		rows[i] = productRow(p)
	}
	return s.db.batched(ctx, "upsert_products", rows)
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
func (s *CatalogStore) Product(ctx context.Context, id int64) (stylegraph.Product, error) {
	res, err := s.db.runNamed(ctx, "get_product", map[string]any{"id": id})
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
func (s *CatalogStore) ProductsAfter(ctx context.Context, scope Scope, after int64, n int) ([]stylegraph.Product, error) {
	from, to := scope.bounds()
	res, err := s.db.runNamed(ctx, "products_page", map[string]any{"from": from, "to": to, "after": after, "n": n})
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
func (s *CatalogStore) ExistingProducts(ctx context.Context, ids []int64) (map[int64]bool, error) {
	found := make(map[int64]bool, len(ids))
	if len(ids) == 0 {
		return found, nil
	}
	res, err := s.db.runNamed(ctx, "count_products", map[string]any{"ids": ids})
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

// NewProductIDs returns which of ids the graph does not hold yet.
func (s *CatalogStore) NewProductIDs(ctx context.Context, ids []int64) ([]int64, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	res, err := s.db.runNamed(ctx, "new_products", map[string]any{"ids": ids})
	if err != nil {
		return nil, err
	}
	return int64s(res, "id"), nil
}

// DeleteProduct removes a product and its relationships (likes, views, cart
// and purchase edges included); its brand, categories and tags stay. It
// reports whether the product existed.
func (s *CatalogStore) DeleteProduct(ctx context.Context, id int64) (bool, error) {
	res, err := s.db.runNamed(ctx, "delete_product", map[string]any{"id": id})
	if err != nil {
		return false, err
	}
	if len(res.Records) == 0 {
		return false, nil
	}
	existed, _ := res.Records[0].Get("existed")
	b, _ := existed.(bool)
	return b, nil
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
