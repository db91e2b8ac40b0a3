package recommend

import (
	"context"
	"fmt"
	"time"

	"github.com/stylegraph/stylegraph/graph"
)

// CardReader reads product cards from the graph (graph.Store).
type CardReader interface {
	Cards(ctx context.Context, userID int64, ids []int64) (map[int64]graph.Card, error)
}

// warmHead is how many items at the head of each stored list get their
// cards cached by the recompute job: a first page plus what exclusions and
// caps skip (a request decodes need+16 items and reads cards for 2×need).
const warmHead = 60

// warmChunk is how many cards one graph read asks for.
const warmChunk = 1000

// cardWarmer caches, in Redis and for as long as the lists live, the cards
// of the products at the head of stored lists, so that a request served
// from a stored list never waits on the graph for a card. Each product is
// read once per run.
type cardWarmer struct {
	g     CardReader
	cache *Cache
	ttl   time.Duration
	done  map[int64]bool
}

func (w *cardWarmer) warm(ctx context.Context, lists map[int64][]Ranked) error {
	if w.done == nil {
		w.done = map[int64]bool{}
	}
	var ids []int64
	for _, items := range lists {
		for _, r := range items[:min(warmHead, len(items))] {
			if !w.done[r.ProductID] {
				w.done[r.ProductID] = true
				ids = append(ids, r.ProductID)
			}
		}
	}
	for len(ids) > 0 {
		chunk := ids[:min(warmChunk, len(ids))]
		ids = ids[len(chunk):]
		cards, err := w.g.Cards(ctx, 0, chunk)
		if err != nil {
			return fmt.Errorf("warm product cards: %w", err)
		}
		if err := w.cache.putCards(ctx, cards, w.ttl); err != nil {
			return fmt.Errorf("warm product cards: %w", err)
		}
	}
	return nil
}

// WarmCards caches the cards of the products at the head of lists for ttl,
// as the recompute job does after storing each batch of lists.
func WarmCards(ctx context.Context, g CardReader, c *Cache, lists map[int64][]Ranked, ttl time.Duration) error {
	return (&cardWarmer{g: g, cache: c, ttl: ttl}).warm(ctx, lists)
}
