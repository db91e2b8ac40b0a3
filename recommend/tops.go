package recommend

import (
	"context"
	"log/slog"
	"time"

	"github.com/stylegraph/stylegraph/graph"
)

// TopRefresher recomputes the interest recommender's top products per tag,
// brand and category (graph.RecStore).
type TopRefresher interface {
	RefreshTopProducts(ctx context.Context, scope graph.TopScope, now time.Time) (int, error)
}

// TopsEvery is how often the worker refreshes the top products.
const TopsEvery = 10 * time.Minute

// KeepTopsFresh refreshes the top products every interval until ctx ends,
// so the interest recommender follows what shoppers engage with between
// batch runs (`stylegraph recompute` refreshes them too). A lock in Redis
// makes one worker of many do each refresh.
func KeepTopsFresh(ctx context.Context, g TopRefresher, c *Cache, every time.Duration, log *slog.Logger) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		ok, err := c.rdb.SetNX(ctx, c.prefix+"tops-lock", time.Now().Unix(), every*9/10).Result()
		if err == nil && ok {
			start := time.Now()
			n, err := g.RefreshTopProducts(ctx, graph.TopScope{}, start)
			if err != nil && ctx.Err() == nil {
				log.Warn("refresh top products", "err", err.Error())
			} else if err == nil {
				log.Info("top products refreshed", "lists", n, "ms", time.Since(start).Milliseconds())
			}
		}
	}
}
