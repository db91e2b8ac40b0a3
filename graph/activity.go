package graph

import (
	"context"
	"fmt"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/stylegraph/stylegraph"
)

// ActivityStore applies the graph changes a batch of activity events makes
// (EventWriter's ActivityWriter).
type ActivityStore struct{ db *DB }

// NewActivityStore returns the activity store over db.
func NewActivityStore(db *DB) *ActivityStore { return &ActivityStore{db: db} }

// keepEventIDs bounds the event IDs a counted relationship remembers to
// recognise redeliveries.
const keepEventIDs = 50

type activityStep struct {
	name string
	rows []map[string]any
}

// ApplyActivity writes a in one transaction, so a batch is applied entirely
// or not at all. Every statement is idempotent: toggles resolve by event
// time, counted relationships and interests skip event IDs they already
// absorbed, so applying the same activity twice changes nothing.
func (s *ActivityStore) ApplyActivity(ctx context.Context, a stylegraph.Activity) error {
	if a.Empty() {
		return nil
	}
	steps := []activityStep{
		{"activity_follow", toggleRows(a.Follows)},
		{"activity_unfollow", toggleRows(a.Unfollows)},
		{"activity_like", toggleRows(a.Likes)},
		{"activity_unlike", toggleRows(a.Unlikes)},
		{"activity_hide", toggleRows(a.Hides)},
		{"activity_view", countedRows(a.Views)},
		{"activity_cart_add", countedRows(a.CartAdds)},
		{"activity_cart_remove", countedRows(a.CartRemoves)},
		{"activity_purchase", countedRows(a.Purchases)},
		{"activity_interest", interestRows(a.Interests)},
	}
	err := s.db.guarded(ctx, func(ctx context.Context) error { return s.applySteps(ctx, steps) })
	if err != nil {
		return fmt.Errorf("apply activity: %w", err)
	}
	return nil
}

// applySteps runs the activity statements in one write transaction.
func (s *ActivityStore) applySteps(ctx context.Context, steps []activityStep) error {
	sess := s.db.driver.NewSession(ctx, neo4j.SessionConfig{DatabaseName: s.db.database, AccessMode: neo4j.AccessModeWrite})
	defer sess.Close(ctx)
	_, err := sess.ExecuteWrite(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		for _, st := range steps {
			if len(st.rows) == 0 {
				continue
			}
			params := map[string]any{"rows": st.rows, "keep": keepEventIDs, "halfLife": stylegraph.InterestHalfLife.Seconds()}
			err := s.db.traced(ctx, st.name, func(ctx context.Context) error {
				res, err := tx.Run(ctx, s.db.query(st.name), params)
				if err != nil {
					return err
				}
				_, err = res.Consume(ctx)
				return err
			})
			if err != nil {
				return nil, fmt.Errorf("%s: %w", st.name, err)
			}
		}
		return nil, nil
	})
	if err != nil {
		return mapError(ctx, err)
	}
	return nil
}

func toggleRows(ts []stylegraph.Toggle) []map[string]any {
	rows := make([]map[string]any, len(ts))
	for i, t := range ts {
		rows[i] = map[string]any{"eventId": t.EventID, "userId": t.UserID, "kind": t.Kind, "id": t.ID, "name": t.Name, "at": t.At.UTC()}
	}
	return rows
}

func countedRows(cs []stylegraph.Counted) []map[string]any {
	rows := make([]map[string]any, len(cs))
	for i, c := range cs {
		rows[i] = map[string]any{"eventId": c.EventID, "userId": c.UserID, "kind": c.Kind, "id": c.ID,
			"quantity": int64(c.Quantity), "amount": c.Amount, "at": c.At.UTC()}
	}
	return rows
}

func interestRows(is []stylegraph.Interest) []map[string]any {
	rows := make([]map[string]any, len(is))
	for i, in := range is {
		rows[i] = map[string]any{"eventId": in.EventID, "userId": in.UserID, "kind": in.Kind, "id": in.ID,
			"name": in.Name, "w": in.Weight, "at": in.At.UTC()}
	}
	return rows
}
