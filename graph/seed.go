package graph

import (
	"context"
	"time"
)

// TagInterest is one user's interest weight on a tag.
type TagInterest struct {
	UserID int64
	Tag    string
	Weight float64
	At     time.Time
}

// SetTagInterests writes interest weights directly, for seeding and tests;
// live weights come from the graph writer.
func (s *Store) SetTagInterests(ctx context.Context, xs []TagInterest) error {
	rows := make([]map[string]any, len(xs))
	for i, x := range xs {
		rows[i] = map[string]any{"user": x.UserID, "tag": x.Tag, "weight": x.Weight, "at": x.At.UTC()}
	}
	return s.batched(ctx, "set_tag_interests", rows)
}

// PurgeUsers deletes the users with IDs in [lo, hi) with their posts and
// comments, a few hundred users per transaction. Tests and benchmarks use it
// to remove exactly the data they created.
func (s *Store) PurgeUsers(ctx context.Context, lo, hi int64) error {
	const step = 200
	for from := lo; from < hi; from += step {
		if _, err := s.runNamed(ctx, "purge_users", map[string]any{"lo": from, "hi": min(from+step, hi)}); err != nil {
			return err
		}
	}
	return nil
}
