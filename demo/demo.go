// Package demo generates the demo data set `make run` loads: shoppers,
// invented brands and fashion-like products, and a follow graph with a few
// popular accounts. It is deterministic for a seed, so demos and docs agree.
package demo

import (
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/graph"
)

// Size says how much to generate.
type Size struct {
	Users    int
	Products int
}

// Dataset is one generated demo world.
type Dataset struct {
	Users        []stylegraph.User
	Brands       []stylegraph.Brand
	Products     []stylegraph.Product
	Follows      []graph.Follow // user -> user
	BrandFollows []graph.Follow // user -> brand
}

var brandNames = []string{
	"Northwind Atelier", "Juniper & Vale", "Seoulstreet", "Marlowe Denim", "Kestrel Sport", "Hanok Studio",
	"Pale Fern", "Ironbark Outdoor", "Lumen Knit", "Cobalt Row", "Mireille", "Tidewater", "Oakhaven",
	"Ember Athletics", "Silk Road Co", "Bluestem", "Quill & Thread", "Arden Lane", "Nova Footwear", "Sora",
}

type article struct {
	path   []string
	gender []string
	sizes  []string
	price  [2]float64
	tags   []string
}

var articles = []article{
	{[]string{"Apparel", "Topwear", "Tshirts"}, []string{"Men", "Women", "Unisex"}, []string{"XS", "S", "M", "L", "XL"}, [2]float64{12, 45}, []string{"casual", "cotton", "basics"}},
	{[]string{"Apparel", "Topwear", "Shirts"}, []string{"Men", "Women"}, []string{"S", "M", "L", "XL"}, [2]float64{25, 90}, []string{"formal", "office"}},
	{[]string{"Apparel", "Topwear", "Sweatshirts"}, []string{"Men", "Women", "Unisex"}, []string{"S", "M", "L", "XL"}, [2]float64{30, 110}, []string{"streetwear", "hoodie"}},
	{[]string{"Apparel", "Topwear", "Jackets"}, []string{"Men", "Women"}, []string{"S", "M", "L", "XL"}, [2]float64{60, 320}, []string{"outerwear", "winter"}},
	{[]string{"Apparel", "Bottomwear", "Jeans"}, []string{"Men", "Women"}, []string{"28", "30", "32", "34", "36"}, [2]float64{40, 180}, []string{"denim", "casual"}},
	{[]string{"Apparel", "Bottomwear", "Trousers"}, []string{"Men", "Women"}, []string{"28", "30", "32", "34"}, [2]float64{35, 140}, []string{"office", "tailored"}},
	{[]string{"Apparel", "Bottomwear", "Skirts"}, []string{"Women"}, []string{"XS", "S", "M", "L"}, [2]float64{25, 120}, []string{"summer", "minimal"}},
	{[]string{"Apparel", "Dress", "Dresses"}, []string{"Women"}, []string{"XS", "S", "M", "L"}, [2]float64{40, 260}, []string{"party", "summer"}},
	{[]string{"Footwear", "Shoes", "Sneakers"}, []string{"Men", "Women", "Unisex"}, []string{"38", "39", "40", "41", "42", "43", "44"}, [2]float64{50, 220}, []string{"streetwear", "sport"}},
	{[]string{"Footwear", "Shoes", "Boots"}, []string{"Men", "Women"}, []string{"38", "39", "40", "41", "42", "43"}, [2]float64{80, 300}, []string{"winter", "leather"}},
	{[]string{"Footwear", "Flip Flops", "Flip Flops"}, []string{"Men", "Women", "Unisex"}, []string{"38", "40", "42", "44"}, [2]float64{8, 40}, []string{"beach", "summer"}},
	{[]string{"Accessories", "Bags", "Handbags"}, []string{"Women"}, nil, [2]float64{45, 400}, []string{"leather", "minimal"}},
	{[]string{"Accessories", "Bags", "Backpacks"}, []string{"Unisex"}, nil, [2]float64{35, 160}, []string{"travel", "streetwear"}},
	{[]string{"Accessories", "Watches", "Watches"}, []string{"Men", "Women"}, nil, [2]float64{80, 600}, []string{"classic", "gift"}},
	{[]string{"Accessories", "Eyewear", "Sunglasses"}, []string{"Unisex"}, nil, [2]float64{20, 250}, []string{"summer", "beach"}},
}

var colors = []string{"Black", "White", "Navy Blue", "Grey", "Beige", "Olive", "Red", "Pink", "Brown", "Blue", "Green", "Cream"}
var adjectives = []string{"Relaxed", "Slim", "Oversized", "Classic", "Essential", "Cropped", "Vintage", "Textured", "Lightweight", "Heritage"}
var seasons = []string{"Spring", "Summer", "Fall", "Winter"}
var firstNames = []string{"Mina", "Jisoo", "Alex", "Sam", "Yuna", "Leo", "Noor", "Ava", "Kai", "Hana", "Omar", "Lena", "Theo", "Sora", "Iris", "Jun"}
var cities = []string{"Seoul", "Busan", "London", "Berlin", "New York", "Tokyo", "Paris", "Mumbai", "Sydney", "Toronto"}

// Generate builds a dataset for seed. Product and user IDs start at 1, so
// sample tokens like `--sub 1` name a real shopper.
func Generate(seed uint64, size Size) Dataset {
	rng := rand.New(rand.NewPCG(seed, seed^0x5eed))
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var ds Dataset
	for _, n := range brandNames {
		ds.Brands = append(ds.Brands, stylegraph.Brand{ID: stylegraph.BrandID(n), Name: n})
	}
	for i := 1; i <= size.Users; i++ {
		name := fmt.Sprintf("%s %c.", firstNames[rng.IntN(len(firstNames))], 'A'+rune(rng.IntN(26)))
		ds.Users = append(ds.Users, stylegraph.User{
			ID: int64(i), Name: name, Home: cities[rng.IntN(len(cities))],
			ImageURL: fmt.Sprintf("https://img.example.com/avatars/%d.jpg", i),
		})
	}
	for i := 1; i <= size.Products; i++ {
		a := articles[rng.IntN(len(articles))]
		b := ds.Brands[zipf(rng, len(ds.Brands))]
		color := colors[rng.IntN(len(colors))]
		gender := a.gender[rng.IntN(len(a.gender))]
		leaf := a.path[len(a.path)-1]
		title := fmt.Sprintf("%s %s %s %s %s", b.Name, gender, color, adjectives[rng.IntN(len(adjectives))], singular(leaf))
		price := math.Round((a.price[0]+rng.Float64()*(a.price[1]-a.price[0]))*100) / 100
		ds.Products = append(ds.Products, stylegraph.Product{
			ID: int64(i), Title: title, Brand: b.Name, BrandID: b.ID,
			Description:  fmt.Sprintf("A %s %s in %s by %s, made for %s days.", adjectives[rng.IntN(len(adjectives))], singular(leaf), color, b.Name, seasons[rng.IntN(len(seasons))]),
			CategoryPath: append([]string(nil), a.path...), Color: color, Sizes: a.sizes, Price: price, Currency: "USD",
			Images: []string{fmt.Sprintf("https://img.example.com/products/%d/1.jpg", i)},
			Tags:   pick(rng, a.tags, 2), Gender: gender, Season: seasons[rng.IntN(len(seasons))],
			Usage: "Casual", CreatedAt: base.Add(time.Duration(rng.IntN(300*24)) * time.Hour),
		})
	}
	// Follows: a Zipf-like choice of whom to follow gives a few popular
	// accounts and a long tail, as real social graphs have.
	for _, u := range ds.Users {
		n := 3 + rng.IntN(15)
		seen := map[int64]bool{u.ID: true}
		for j := 0; j < n; j++ {
			to := ds.Users[zipf(rng, len(ds.Users))].ID
			if seen[to] {
				continue
			}
			seen[to] = true
			ds.Follows = append(ds.Follows, graph.Follow{From: u.ID, To: to, At: base.Add(time.Duration(rng.IntN(300*24)) * time.Hour)})
		}
		for j := 0; j < 1+rng.IntN(3); j++ {
			ds.BrandFollows = append(ds.BrandFollows, graph.Follow{From: u.ID, To: ds.Brands[zipf(rng, len(ds.Brands))].ID, At: base})
		}
	}
	return ds
}

// zipf returns an index in [0,n) skewed towards 0.
func zipf(rng *rand.Rand, n int) int {
	x := math.Pow(rng.Float64(), 2.5)
	return min(int(x*float64(n)), n-1)
}

func pick(rng *rand.Rand, from []string, k int) []string {
	idx := rng.Perm(len(from))
	out := make([]string, 0, k)
	for _, i := range idx[:min(k, len(from))] {
		out = append(out, from[i])
	}
	return out
}

func singular(s string) string {
	switch s {
	case "Tshirts":
		return "T-Shirt"
	case "Dresses":
		return "Dress"
	case "Watches":
		return "Watch"
	case "Flip Flops":
		return "Flip Flops"
	case "Jeans", "Trousers", "Sunglasses":
		return s
	}
	if len(s) > 1 && s[len(s)-1] == 's' {
		return s[:len(s)-1]
	}
	return s
}
