package graph

import (
	"context"
	"time"
)

// SeedStore loads and removes data in bulk: seeding, evaluation, tests and
// benchmarks. Live changes go through the other stores.
type SeedStore struct{ db *DB }

// NewSeedStore returns the seed store over db.
func NewSeedStore(db *DB) *SeedStore { return &SeedStore{db: db} }

// TagInterest is one user's interest weight on a tag.
type TagInterest struct {
	UserID int64
	Tag    string
	Weight float64
	At     time.Time
}

// SetTagInterests writes interest weights directly, for seeding and tests;
// live weights come from the graph writer.
func (s *SeedStore) SetTagInterests(ctx context.Context, xs []TagInterest) error {
	rows := make([]map[string]any, len(xs))
	for i, x := range xs {
		rows[i] = map[string]any{"user": x.UserID, "tag": x.Tag, "weight": x.Weight, "at": x.At.UTC()}
	}
	return s.db.batched(ctx, "set_tag_interests", rows)
}

// PurgeUsers deletes the users with IDs in [lo, hi) with their posts and
// comments, a few hundred users per transaction. Tests and benchmarks use it
// to remove exactly the data they created.
func (s *SeedStore) PurgeUsers(ctx context.Context, lo, hi int64) error {
	const step = 200
	for from := lo; from < hi; from += step {
		if _, err := s.db.runNamed(ctx, "purge_users", map[string]any{"lo": from, "hi": min(from+step, hi)}); err != nil {
			return err
		}
	}
	return nil
}

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
func (s *SeedStore) LoadEngagements(ctx context.Context, es []Engagement) error {
	rows := make([]map[string]any, len(es))
	for i, e := range es {
		rows[i] = map[string]any{"user": e.UserID, "product": e.ProductID, "kind": e.Kind, "at": e.At.UTC(), "count": max(e.Count, 1)}
	}
	return s.db.batched(ctx, "load_engagements", rows)
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
func (s *SeedStore) LoadInterests(ctx context.Context, is []InterestWeight) error {
	rows := make([]map[string]any, len(is))
	for i, in := range is {
		rows[i] = map[string]any{"user": in.UserID, "kind": in.Kind, "key": in.Key, "weight": in.Weight, "at": in.At.UTC()}
	}
	return s.db.batched(ctx, "load_interests", rows)
}

// Follow is one follow edge to create.
type Follow struct {
	From, To int64
	At       time.Time
}

// FollowUsers adds user -> user follow edges (idempotent).
func (s *SeedStore) FollowUsers(ctx context.Context, edges []Follow) error {
	return s.db.batched(ctx, "follow_users", followRows(edges))
}

// FollowBrands adds user -> brand follow edges (idempotent).
func (s *SeedStore) FollowBrands(ctx context.Context, edges []Follow) error {
	return s.db.batched(ctx, "follow_brands", followRows(edges))
}

func followRows(edges []Follow) []map[string]any {
	rows := make([]map[string]any, len(edges))
	for i, e := range edges {
		rows[i] = map[string]any{"from": e.From, "to": e.To, "at": e.At.UTC()}
	}
	return rows
}
