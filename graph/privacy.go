package graph

import (
	"context"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j/dbtype"

	"github.com/stylegraph/stylegraph"
)

// PrivacyStore exports and erases a user's data in the graph.
type PrivacyStore struct{ db *DB }

// NewPrivacyStore returns the privacy store over db.
func NewPrivacyStore(db *DB) *PrivacyStore { return &PrivacyStore{db: db} }

// ExportUser returns everything the graph holds about a user, as plain JSON
// values, or ENOTFOUND.
func (s *PrivacyStore) ExportUser(ctx context.Context, id int64) (map[string]any, error) {
	res, err := s.db.runNamed(ctx, "user_export", map[string]any{"id": id})
	if err != nil {
		return nil, err
	}
	if len(res.Records) == 0 {
		return nil, stylegraph.Errorf(stylegraph.ENOTFOUND, "user %d not found", id)
	}
	out, _ := plain(res.Records[0].AsMap()).(map[string]any)
	return out, nil
}

// DeleteUser erases a user with their posts, comments and relationships and
// returns the feed IDs of the posts that went with them. Deleting an unknown user
// is not an error: erasure is idempotent.
func (s *PrivacyStore) DeleteUser(ctx context.Context, id int64) ([]int64, error) {
	res, err := s.db.runNamed(ctx, "user_delete", map[string]any{"id": id})
	if err != nil {
		return nil, err
	}
	var feedIDs []int64
	if len(res.Records) > 0 {
		v, _ := res.Records[0].Get("feedIds")
		xs, _ := v.([]any)
		for _, x := range xs {
			feedIDs = append(feedIDs, i64(x))
		}
	}
	return feedIDs, nil
}

// plain turns driver values into JSON-friendly ones.
func plain(v any) any {
	switch x := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(x))
		for k, val := range x {
			m[k] = plain(val)
		}
		return m
	case []any:
		out := make([]any, len(x))
		for i, val := range x {
			out[i] = plain(val)
		}
		return out
	case time.Time:
		return x.UTC()
	case dbtype.Node:
		return plain(x.Props)
	default:
		return x
	}
}
