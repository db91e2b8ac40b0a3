package recommend

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/stylegraph/stylegraph/graph"
)

// CardReader reads product cards from the graph (graph.RecStore).
type CardReader interface {
	Cards(ctx context.Context, userID int64, ids []int64) (map[int64]graph.Card, error)
}

// warmChunk is how many cards one graph read asks for.
const warmChunk = 1000

// cardWarmer caches, in Redis and for as long as the lists live, the cards
// of every product on stored lists, so that a request served from a stored
// list never waits on the graph for a card: not only the head, since served
// items a shopper ignores sink and pages go deep. Each product is read once
// per run (a run's lists cover at most the catalogue).
type cardWarmer struct {
	g     CardReader
	cache *Cache
	ttl   time.Duration
	done  map[int64]bool
}

func (w *cardWarmer) warm(ctx context.Context, lists map[int64][]Ranked) error {
	var listed []int64
	for _, items := range lists {
		listed = appendListed(listed, items)
	}
	return w.warmIDs(ctx, listed)
}

// appendListed appends the IDs of the products on a list.
func appendListed(ids []int64, items []Ranked) []int64 {
	for _, r := range items {
		ids = append(ids, r.ProductID)
	}
	return ids
}

// warmIDs caches the cards of the products among listed not cached yet by
// this run.
func (w *cardWarmer) warmIDs(ctx context.Context, listed []int64) error {
	if w.done == nil {
		w.done = map[int64]bool{}
	}
	var ids []int64
	for _, id := range listed {
		if !w.done[id] {
			w.done[id] = true
			ids = append(ids, id)
		}
	}
	for len(ids) > 0 {
		chunk := ids[:min(warmChunk, len(ids))]
		ids = ids[len(chunk):]
		cards, err := w.g.Cards(ctx, 0, chunk)
		if err != nil {
			return fmt.Errorf("warm product cards: %w", err)
		}
		if _, err := w.cache.putCards(ctx, cards, w.ttl); err != nil {
			return fmt.Errorf("warm product cards: %w", err)
		}
	}
	return nil
}

// WarmCards caches the cards of the products on lists for ttl,
// as the recompute job does after storing each batch of lists.
func WarmCards(ctx context.Context, g CardReader, c *Cache, lists map[int64][]Ranked, ttl time.Duration) error {
	return (&cardWarmer{g: g, cache: c, ttl: ttl}).warm(ctx, lists)
}

// encodeItem splices one recommendation's JSON, as encoding/json writes a
// stylegraph.Recommendation, from its product's kept encoding and the
// reasons as stored; nil when the score has no JSON form.
func encodeItem(product []byte, score float64, r Ranked) []byte {
	if math.IsNaN(score) || math.IsInf(score, 0) {
		return nil
	}
	reasons := r.rawReasons
	if r.Reasons != nil || reasons == nil {
		b, err := json.Marshal(r.Reasons)
		if err != nil {
			return nil
		}
		reasons = b
	}
	b := make([]byte, 0, len(product)+len(reasons)+48)
	b = append(b, `{"product":`...)
	b = append(b, product...)
	b = append(b, `,"score":`...)
	b = appendFloat(b, score)
	b = append(b, `,"reasons":`...)
	b = append(b, reasons...)
	return append(b, '}')
}

// appendFloat writes f as encoding/json does (ES6 number formatting).
func appendFloat(b []byte, f float64) []byte {
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' {
		// clean up e-09 to e-9
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b
}
