package stylegraph

import (
	"hash/fnv"
	"strings"
	"time"
)

// Product is one catalog item.
type Product struct {
	ID           int64    `json:"id"`
	Title        string   `json:"title"`
	Description  string   `json:"description,omitempty"`
	Brand        string   `json:"brand,omitempty"`
	BrandID      int64    `json:"brandId,omitempty"`
	CategoryPath []string `json:"categoryPath,omitempty"` // top level first: Apparel > Topwear > Tshirts
	Color        string   `json:"color,omitempty"`
	Sizes        []string `json:"sizes,omitempty"`
	Price        float64  `json:"price"`
	Currency     string   `json:"currency,omitempty"`
	Images       []string `json:"images,omitempty"`
	Tags         []string `json:"tags,omitempty"`
	Gender       string   `json:"gender,omitempty"`
	Season       string   `json:"season,omitempty"`
	Usage        string   `json:"usage,omitempty"`
	// Stock is how many units can be sold; nil means stock is not tracked
	// (the product counts as in stock). Zero takes it out of
	// recommendations and lets search filter it out or rank it lower.
	Stock     *int      `json:"stock,omitempty"`
	CreatedAt time.Time `json:"createdAt"`
}

// InStock says whether the product can be sold now.
func (p Product) InStock() bool { return p.Stock == nil || *p.Stock > 0 }

// Category returns the full category path joined with " > ".
func (p Product) Category() string { return strings.Join(p.CategoryPath, " > ") }

// User is a shopper's public profile, in the feed's wire format.
type User struct {
	ID       int64  `json:"ID"`
	Name     string `json:"name"`
	ImageURL string `json:"imageURL"`
	Home     string `json:"home"`
}

// Brand is a label products are made by and users follow.
type Brand struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// BrandID derives a stable brand ID from its name, so catalogs that only
// carry brand names map to the same Brand node. It stays below 2^53 so
// JavaScript clients read it exactly.
func BrandID(name string) int64 {
	h := fnv.New64a()
	h.Write([]byte(strings.ToLower(strings.TrimSpace(name))))
	return int64(h.Sum64()&(1<<53-1)) | 1
}
