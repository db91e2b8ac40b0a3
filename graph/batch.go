package graph

import (
	"context"
	"strconv"
	"time"

	"github.com/stylegraph/stylegraph"
)

// BatchStore is what the offline jobs read and write: users and products page by
// page, SIMILAR edges, engagement clean-up.
type BatchStore struct{ db *DB }

// NewBatchStore returns the batch store over db.
func NewBatchStore(db *DB) *BatchStore { return &BatchStore{db: db} }

// Scope limits a batch job to users and products with IDs in [From, To]; the
// zero Scope is everything.
type Scope struct {
	From, To int64
}

func (s Scope) bounds() (int64, int64) {
	if s.From == 0 && s.To == 0 {
		return 0, 1<<53 - 1
	}
	return s.From, s.To
}

// Neighbour is one scored similar product.
type Neighbour struct {
	ProductID int64
	Score     float64
}

// SimilarList is a product's neighbours, best first.
type SimilarList struct {
	ProductID  int64
	Neighbours []Neighbour
}

// WriteSimilar replaces each listed product's SIMILAR edges of source with
// its neighbours, stamped computedAt = at.
func (s *BatchStore) WriteSimilar(ctx context.Context, source string, lists []SimilarList, at time.Time) error {
	// Rows carry up to K neighbours each (25,000 edges a transaction at K
	// 50): larger transactions spend less on commits, and the heap holds them.
	const perTx = 500
	for start := 0; start < len(lists); start += perTx {
		end := min(start+perTx, len(lists))
		rows := make([]map[string]any, 0, end-start)
		for _, l := range lists[start:end] {
			ns := make([]map[string]any, len(l.Neighbours))
			// scores finds an existing edge's new score by its target.
			scores := make(map[string]any, len(l.Neighbours))
			for i, n := range l.Neighbours {
				ns[i] = map[string]any{"id": n.ProductID, "score": n.Score}
				scores[strconv.FormatInt(n.ProductID, 10)] = n.Score
			}
			rows = append(rows, map[string]any{"id": l.ProductID, "neighbours": ns, "scores": scores})
		}
		if _, err := s.db.runNamed(ctx, "batch_write_similar", map[string]any{"source": source, "at": at.UTC(), "rows": rows}); err != nil {
			return err
		}
	}
	return nil
}

// DropStaleSimilar deletes SIMILAR edges of source from products in scope
// computed before before, and returns how many went.
func (s *BatchStore) DropStaleSimilar(ctx context.Context, scope Scope, source string, before time.Time) (int, error) {
	from, to := scope.bounds()
	total := 0
	for {
		res, err := s.db.runNamed(ctx, "batch_drop_stale_similar", map[string]any{"source": source, "from": from, "to": to, "before": before.UTC()})
		if err != nil {
			return total, err
		}
		n := 0
		if len(res.Records) > 0 {
			n = int(recInt(res.Records[0], "n"))
		}
		total += n
		if n == 0 {
			return total, nil
		}
	}
}

// ActiveUsers returns users in scope who engaged with a product at or after
// since, in ID order.
func (s *BatchStore) ActiveUsers(ctx context.Context, scope Scope, since time.Time) ([]int64, error) {
	from, to := scope.bounds()
	res, err := s.db.runNamed(ctx, "batch_active_users", map[string]any{"from": from, "to": to, "since": since.UTC()})
	if err != nil {
		return nil, err
	}
	out := make([]int64, 0, len(res.Records))
	for _, r := range res.Records {
		out = append(out, recInt(r, "id"))
	}
	return out, nil
}

// SimilarEdges returns the SIMILAR neighbours of source stored for a
// product, best first.
func (s *BatchStore) SimilarEdges(ctx context.Context, productID int64, source string) ([]Neighbour, error) {
	res, err := s.db.runNamed(ctx, "similar_edges", map[string]any{"id": productID, "source": source})
	if err != nil {
		return nil, err
	}
	out := make([]Neighbour, 0, len(res.Records))
	for _, r := range res.Records {
		out = append(out, Neighbour{ProductID: recInt(r, "id"), Score: recFloat(r, "score")})
	}
	return out, nil
}

// ClearEngagements deletes every engagement, interest and hide edge of the
// users in scope, for evaluations that replay one split after another. It
// refuses the whole graph.
func (s *BatchStore) ClearEngagements(ctx context.Context, scope Scope) (int, error) {
	if scope.From == 0 && scope.To == 0 {
		return 0, stylegraph.Invalid("scope", "clearing engagements needs an explicit ID range")
	}
	total := 0
	for {
		res, err := s.db.runNamed(ctx, "batch_clear_engagement", map[string]any{"from": scope.From, "to": scope.To})
		if err != nil {
			return total, err
		}
		n := 0
		if len(res.Records) > 0 {
			n = int(recInt(res.Records[0], "n"))
		}
		total += n
		if n == 0 {
			return total, nil
		}
	}
}

// Engaged is one engagement the offline job reads: Kind is the relationship
// type (LIKED, PURCHASED, CARTED, VIEWED or HID).
type Engaged struct {
	ProductID int64
	Kind      string
	At        time.Time
}

// BatchUser is one user as the offline job reads them.
type BatchUser struct {
	ID      int64
	Name    string
	Engaged []Engaged
	Follows []int64
}

// BatchUsers returns up to n users in scope with IDs above after, in ID
// order, with their engagements and followees inside the scope; an empty
// page means the end.
func (s *BatchStore) BatchUsers(ctx context.Context, scope Scope, after int64, n int) ([]BatchUser, error) {
	from, to := scope.bounds()
	res, err := s.db.runNamed(ctx, "batch_users", map[string]any{"from": from, "to": to, "after": after, "users": n})
	if err != nil {
		return nil, err
	}
	out := make([]BatchUser, 0, len(res.Records))
	for _, r := range res.Records {
		u := BatchUser{ID: recInt(r, "user")}
		u.Name, _ = get(r, "name").(string)
		es, _ := get(r, "engaged").([]any)
		for _, e := range es {
			t, ok := e.([]any)
			if !ok || len(t) != 3 {
				continue
			}
			id, _ := t[0].(int64)
			kind, _ := t[1].(string)
			at, _ := t[2].(time.Time)
			u.Engaged = append(u.Engaged, Engaged{ProductID: id, Kind: kind, At: at.UTC()})
		}
		fs, _ := get(r, "follows").([]any)
		for _, f := range fs {
			if id, ok := f.(int64); ok {
				u.Follows = append(u.Follows, id)
			}
		}
		out = append(out, u)
	}
	return out, nil
}

// BatchProducts returns up to n products in scope with IDs above after, in
// ID order, as ID and title.
func (s *BatchStore) BatchProducts(ctx context.Context, scope Scope, after int64, n int) ([]stylegraph.ProductRef, error) {
	from, to := scope.bounds()
	res, err := s.db.runNamed(ctx, "batch_products", map[string]any{"from": from, "to": to, "after": after, "n": n})
	if err != nil {
		return nil, err
	}
	out := make([]stylegraph.ProductRef, 0, len(res.Records))
	for _, r := range res.Records {
		ref := stylegraph.ProductRef{ID: recInt(r, "id")}
		ref.Title, _ = get(r, "title").(string)
		out = append(out, ref)
	}
	return out, nil
}

// CountUsers returns how many users are in scope.
func (s *BatchStore) CountUsers(ctx context.Context, scope Scope) (int, error) {
	from, to := scope.bounds()
	res, err := s.db.runNamed(ctx, "batch_count_users", map[string]any{"from": from, "to": to})
	if err != nil {
		return 0, err
	}
	if len(res.Records) == 0 {
		return 0, nil
	}
	return int(recInt(res.Records[0], "n")), nil
}
