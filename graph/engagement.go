package graph

import (
	"context"
	"time"
)

// Engagement kinds the bulk loader writes.
const (
	EngageLike     = "like"
	EngageView     = "view"
	EngageCart     = "cart"
	EngagePurchase = "purchase"
)

// Engagement is the state of one shopper-product edge for bulk loading.
type Engagement struct {
	UserID    int64
	ProductID int64
	Kind      string // EngageLike, EngageView, EngageCart, EngagePurchase
	At        time.Time
	Count     int // views, carts and purchases; at least 1
}

// LoadEngagements sets engagement edges in bulk for seeding and evaluation.
// It writes state (the last write wins) rather than counting events: live
// events go through the graph writer, which applies each event once.
func (s *Store) LoadEngagements(ctx context.Context, es []Engagement) error {
	rows := make([]map[string]any, len(es))
	for i, e := range es {
		rows[i] = map[string]any{"user": e.UserID, "product": e.ProductID, "kind": e.Kind, "at": e.At.UTC(), "count": max(e.Count, 1)}
	}
	return s.batched(ctx, "load_engagements", rows)
}

// InterestWeight is one INTERESTED_IN weight for bulk loading. Key is a tag name,
// a brand ID or a category path.
type InterestWeight struct {
	UserID int64
	Kind   string // tag, brand, category
	Key    any
	Weight float64
	At     time.Time
}

// LoadInterests sets INTERESTED_IN weights in bulk for seeding and evaluation.
func (s *Store) LoadInterests(ctx context.Context, is []InterestWeight) error {
	rows := make([]map[string]any, len(is))
	for i, in := range is {
		rows[i] = map[string]any{"user": in.UserID, "kind": in.Kind, "key": in.Key, "weight": in.Weight, "at": in.At.UTC()}
	}
	return s.batched(ctx, "load_interests", rows)
}
