package demo

import (
	"math/rand/v2"
	"time"

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
	byLeaf := map[string][]int{}
	byBrand := map[int64][]int{}
	var leaves []string
	for i, p := range ds.Products {
		leaf := p.Category()
		if _, ok := byLeaf[leaf]; !ok {
			leaves = append(leaves, leaf)
		}
		byLeaf[leaf] = append(byLeaf[leaf], i)
		byBrand[p.BrandID] = append(byBrand[p.BrandID], i)
	}
	type taste struct {
		leaves [2]string
		brand  int64
	}
	tastes := make([]taste, len(ds.Users))
	for i := range tastes {
		tastes[i] = taste{
			leaves: [2]string{leaves[rng.IntN(len(leaves))], leaves[rng.IntN(len(leaves))]},
			brand:  ds.Products[rng.IntN(len(ds.Products))].BrandID,
		}
	}
	const chunk = 5000
	out := make([]graph.Engagement, 0, chunk)
	window := 60 * 24 * time.Hour
	for k := 0; k < n; k++ {
		// Active shoppers do more: a skewed choice of who acts.
		u := zipfLight(rng, len(ds.Users))
		t := tastes[u]
		var pool []int
		switch r := rng.Float64(); {
		case r < 0.45:
			pool = byLeaf[t.leaves[0]]
		case r < 0.65:
			pool = byLeaf[t.leaves[1]]
		case r < 0.8:
			pool = byBrand[t.brand]
		}
		var p int
		if len(pool) > 0 {
			p = pool[zipf(rng, len(pool))]
		} else {
			p = zipf(rng, len(ds.Products))
		}
		kind := graph.EngageView
		switch r := rng.Float64(); {
		case r < 0.07:
			kind = graph.EngagePurchase
		case r < 0.15:
			kind = graph.EngageCart
		case r < 0.40:
			kind = graph.EngageLike
		}
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

// zipfLight is a milder skew than zipf, for who is active.
func zipfLight(rng *rand.Rand, n int) int {
	x := rng.Float64() * rng.Float64()
	return min(int(x*float64(n)), n-1)
}
