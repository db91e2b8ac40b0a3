package demo

import (
	"math"
	"math/rand/v2"
	"time"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/graph"
)

// Interactions generates n shopper-product engagements over the 60 days
// before now and hands them to emit in chunks, so that millions never sit in
// memory at once. Each shopper has two favourite kinds of article and a
// favourite brand: most of what they touch comes from those, the rest from
// what is popular overall, so collaborative filtering has structure to find.
// Views are the most common, then likes, carts and purchases. The same seed
// gives the same engagements relative to now.
func Interactions(seed uint64, ds Dataset, n int, now time.Time, emit func([]graph.Engagement) error) error {
	if len(ds.Users) == 0 || len(ds.Products) == 0 || n <= 0 {
		return nil
	}
	rng := rand.New(rand.NewPCG(seed^0x1a7e, seed))
	ix := indexCatalog(ds.Products)
	tastes := ix.tastes(rng, ds)
	const chunk = 5000
	out := make([]graph.Engagement, 0, chunk)
	window := 60 * 24 * time.Hour
	for k := 0; k < n; k++ {
		// Active shoppers do more: a skewed choice of who acts.
		u := zipfLight(rng, len(ds.Users))
		p := ix.product(rng, tastes[u], len(ds.Products))
		kind := pickKind(rng)
		out = append(out, graph.Engagement{
			UserID: ds.Users[u].ID, ProductID: ds.Products[p].ID, Kind: kind,
			At: now.Add(-time.Duration(rng.Int64N(int64(window)))).Truncate(time.Second), Count: 1,
		})
		if len(out) == chunk {
			if err := emit(out); err != nil {
				return err
			}
			out = out[:0]
		}
	}
	if len(out) > 0 {
		return emit(out)
	}
	return nil
}

// catalogIndex lists the products (by index) of each leaf category and brand.
type catalogIndex struct {
	byLeaf  map[string][]int
	byBrand map[int64][]int
	leaves  []string // in the order first seen
}

func indexCatalog(products []stylegraph.Product) catalogIndex {
	ix := catalogIndex{byLeaf: map[string][]int{}, byBrand: map[int64][]int{}}
	for i, p := range products {
		leaf := p.Category()
		if _, ok := ix.byLeaf[leaf]; !ok {
			ix.leaves = append(ix.leaves, leaf)
		}
		ix.byLeaf[leaf] = append(ix.byLeaf[leaf], i)
		ix.byBrand[p.BrandID] = append(ix.byBrand[p.BrandID], i)
	}
	return ix
}

// taste is a shopper's two favourite kinds of article and favourite brand.
type taste struct {
	leaves [2]string
	brand  int64
}

// tastes draws one taste per shopper.
func (ix catalogIndex) tastes(rng *rand.Rand, ds Dataset) []taste {
	tastes := make([]taste, len(ds.Users))
	for i := range tastes {
		tastes[i] = taste{
			leaves: [2]string{ix.leaves[rng.IntN(len(ix.leaves))], ix.leaves[rng.IntN(len(ix.leaves))]},
			brand:  ds.Products[rng.IntN(len(ds.Products))].BrandID,
		}
	}
	return tastes
}

// product draws the product a shopper of taste t touches: mostly from their
// favourite kinds and brand, otherwise from what is popular overall.
func (ix catalogIndex) product(rng *rand.Rand, t taste, products int) int {
	var pool []int
	switch r := rng.Float64(); {
	case r < 0.45:
		pool = ix.byLeaf[t.leaves[0]]
	case r < 0.65:
		pool = ix.byLeaf[t.leaves[1]]
	case r < 0.8:
		pool = ix.byBrand[t.brand]
	}
	if len(pool) > 0 {
		return pool[zipf(rng, len(pool))]
	}
	return zipf(rng, products)
}

// pickKind draws an engagement kind: views most often, then likes, carts
// and purchases.
func pickKind(rng *rand.Rand) string {
	switch r := rng.Float64(); {
	case r < 0.07:
		return graph.EngagePurchase
	case r < 0.15:
		return graph.EngageCart
	case r < 0.40:
		return graph.EngageLike
	}
	return graph.EngageView
}

// zipfLight is a milder skew than zipf, for who is active.
func zipfLight(rng *rand.Rand, n int) int {
	x := rng.Float64() * rng.Float64()
	return min(int(x*float64(n)), n-1)
}

// engageWeight is what each kind adds to interests, as the graph writer does.
var engageWeight = map[string]float64{
	graph.EngageView:     stylegraph.EngagementWeights.View,
	graph.EngageLike:     stylegraph.EngagementWeights.Like,
	graph.EngageCart:     stylegraph.EngagementWeights.Cart,
	graph.EngagePurchase: stylegraph.EngagementWeights.Purchase,
}

// Interests accumulates the INTERESTED_IN weights the graph writer would
// have built from generated engagements: each adds its kind's weight to the
// product's tags, brand and leaf category, decayed to now.
type Interests struct {
	now     time.Time
	product map[int64]int
	ds      Dataset
	w       map[interestKey]float64
}

type interestKey struct {
	user int64
	kind string
	key  string
	id   int64
}

// NewInterests starts an accumulator for ds at now.
func NewInterests(ds Dataset, now time.Time) *Interests {
	idx := make(map[int64]int, len(ds.Products))
	for i, p := range ds.Products {
		idx[p.ID] = i
	}
	return &Interests{now: now, product: idx, ds: ds, w: map[interestKey]float64{}}
}

// Add counts engagements.
func (in *Interests) Add(es []graph.Engagement) {
	for _, e := range es {
		i, ok := in.product[e.ProductID]
		if !ok {
			continue
		}
		p := in.ds.Products[i]
		w := engageWeight[e.Kind] * math.Pow(0.5, in.now.Sub(e.At).Hours()/stylegraph.InterestHalfLife.Hours())
		for _, t := range p.Tags {
			in.w[interestKey{user: e.UserID, kind: "tag", key: t}] += w
		}
		if p.BrandID != 0 {
			in.w[interestKey{user: e.UserID, kind: "brand", id: p.BrandID}] += w
		}
		if c := p.Category(); c != "" {
			in.w[interestKey{user: e.UserID, kind: "category", key: c}] += w
		}
	}
}

// Weights returns the accumulated weights, as of now.
func (in *Interests) Weights() []graph.InterestWeight {
	out := make([]graph.InterestWeight, 0, len(in.w))
	for k, w := range in.w {
		iw := graph.InterestWeight{UserID: k.user, Kind: k.kind, Key: k.key, Weight: w, At: in.now}
		if k.kind == "brand" {
			iw.Key = k.id
		}
		out = append(out, iw)
	}
	return out
}
