package notify

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/stylegraph/stylegraph"
)

// Drop is a product a brand released, told to the brand's followers.
type Drop struct {
	BrandID   int64
	Brand     string
	ProductID int64
	Title     string
	At        time.Time
}

// dropBatch is how many followers share one pipelined round trip.
const dropBatch = 500

// AddDrop tells each recipient of the drop, aggregated per brand: one
// notification per brand, naming its newest product, that moves to the top
// with each drop; actorCount counts the brand's distinct products. The same
// drop twice counts once and keeps its time.
func (s *Store) AddDrop(ctx context.Context, d Drop, recipients []int64) error {
	g := stylegraph.NotifyBrandDrop + ":brand:" + itoa(d.BrandID)
	ms := d.At.UnixMilli()
	for start := 0; start < len(recipients); start += dropBatch {
		pipe := s.r.Pipeline()
		for _, uid := range recipients[start:min(start+dropBatch, len(recipients))] {
			list, gk, sk := s.listKey(uid), s.groupKey(uid, g), s.actorSetKey(uid, g)
			pipe.HSet(ctx, gk, "type", stylegraph.NotifyBrandDrop, "kind", "product", "id", d.ProductID, "at", ms,
				"brand", d.Brand, "title", d.Title)
			pipe.SAdd(ctx, sk, d.ProductID)
			pipe.ZAdd(ctx, list, redis.Z{Score: float64(ms), Member: g})
			pipe.ZRemRangeByRank(ctx, list, 0, -Cap-1)
			for _, k := range []string{list, gk, sk} {
				pipe.Expire(ctx, k, ttl)
			}
		}
		if _, err := pipe.Exec(ctx); err != nil {
			return fmt.Errorf("add drop of product %d: %w", d.ProductID, err)
		}
	}
	return nil
}

// dropText is "Nike dropped Air Max" or "Nike dropped Air Max and 2 more".
func dropText(f map[string]string, products int64) string {
	brand, title := f["brand"], f["title"]
	if brand == "" {
		brand = "A brand you follow"
	}
	if title == "" {
		title = "a new product"
	}
	text := brand + " dropped " + title
	if products > 1 {
		text += " and " + strconv.FormatInt(products-1, 10) + " more"
	}
	return text
}
