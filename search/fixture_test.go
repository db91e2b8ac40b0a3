package search_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/internal/testenv"
	"github.com/stylegraph/stylegraph/search"
)

var day0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func prod(id int64, title, brand, leaf, color, gender string, price float64, sizes ...string) stylegraph.Product {
	parents := map[string][]string{
		"Tshirts": {"Apparel", "Topwear"}, "Shirts": {"Apparel", "Topwear"}, "Jeans": {"Apparel", "Bottomwear"},
		"Casual Shoes": {"Footwear", "Shoes"}, "Sports Shoes": {"Footwear", "Shoes"}, "Flip Flops": {"Footwear", "Flip Flops"},
		"Sweatshirts": {"Apparel", "Topwear"}, "Jackets": {"Apparel", "Topwear"}, "Trousers": {"Apparel", "Bottomwear"},
	}
	return stylegraph.Product{
		ID: id, Title: title, Brand: brand, CategoryPath: append(append([]string{}, parents[leaf]...), leaf),
		Color: color, Gender: gender, Price: price, Sizes: sizes, Currency: "USD",
		CreatedAt: day0.Add(time.Duration(id) * time.Hour),
	}
}

// smallShop is the small shop most search tests run against.
func smallShop() []stylegraph.Product {
	ps := []stylegraph.Product{
		prod(1, "Nova Men Black Leather Sneakers", "Nova", "Casual Shoes", "Black", "Men", 89.5, "42", "43"),
		prod(2, "청바지 슬림핏 데님", "Seoulstreet", "Jeans", "Blue", "Women", 49, "S", "M"),
		prod(3, "Peter England Men Party Blue Jeans", "Peter England", "Jeans", "Blue", "Men", 45, "32", "34"),
		prod(4, "Puma Men Grey T-shirt", "Puma", "Tshirts", "Grey", "Men", 19.99, "M", "L"),
		prod(5, "Puma Women Pink Printed T-shirt", "Puma", "Tshirts", "Pink", "Women", 21, "S", "M"),
		prod(6, "Nike Men Red Running Shoes", "Nike", "Sports Shoes", "Red", "Men", 120, "42", "44"),
		prod(7, "Nike Women White Flip Flops", "Nike", "Flip Flops", "White", "Women", 15, "38"),
		prod(8, "Roadster Men Navy Blue Check Shirt", "Roadster", "Shirts", "Navy Blue", "Men", 35, "M", "L", "XL"),
		prod(9, "Roadster Men Olive Hooded Sweatshirt", "Roadster", "Sweatshirts", "Olive", "Men", 55, "L"),
		prod(10, "Nova Women Beige Quilted Jacket", "Nova", "Jackets", "Beige", "Women", 150, "S", "M"),
		prod(11, "Puma Men Black Track Trousers", "Puma", "Trousers", "Black", "Men", 40, "M", "L"),
		prod(12, "Adidas Men White Sneakers", "Adidas", "Casual Shoes", "White", "Men", 95, "41", "42"),
	}
	ps[0].Description = "Soft leather upper with a cushioned sole."
	ps[1].Description = "슬림한 핏의 데님 청바지"
	ps[0].Tags = []string{"streetwear"}
	ps[11].Tags = []string{"streetwear", "minimal"}
	ps[8].Season, ps[9].Season = "Winter", "Winter"
	return ps
}

// shop returns a migrated client with products indexed and refreshed.
func shop(t *testing.T, products []stylegraph.Product) *search.Client {
	t.Helper()
	c := testenv.Search(t)
	ctx := context.Background()
	if err := c.Migrate(ctx, quiet()); err != nil {
		t.Fatal(err)
	}
	rep, err := c.IndexProducts(ctx, products)
	if err != nil || len(rep.Failed) > 0 {
		t.Fatalf("index: %+v %v", rep, err)
	}
	if err := c.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	return c
}

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func ids(res stylegraph.SearchResult) []int64 {
	out := []int64{}
	for _, h := range res.Hits {
		out = append(out, h.Product.ID)
	}
	return out
}
