package graph

import (
	"context"
	"time"

	"github.com/stylegraph/stylegraph"
)

// Follow makes t.UserID follow the user, brand or tag t names at t.At
// (idempotent). It runs the statement the graph writer runs for follow
// events, so both keep one tombstone rule: an unfollow newer than t.At wins.
// ENOTFOUND when the followed user or brand does not exist.
func (s *Store) Follow(ctx context.Context, t Toggle) error {
	return s.toggleFollow(ctx, "activity_follow", t)
}

// Unfollow stops t.UserID following what t names (idempotent), leaving the
// tombstone the graph writer leaves for unfollow events.
func (s *Store) Unfollow(ctx context.Context, t Toggle) error {
	return s.toggleFollow(ctx, "activity_unfollow", t)
}

// FollowUser, FollowBrand and FollowTag are Follow of one kind of target.
func (s *Store) FollowUser(ctx context.Context, from, to int64, at time.Time) error {
	return s.Follow(ctx, Toggle{UserID: from, Kind: "user", ID: to, At: at})
}

func (s *Store) FollowBrand(ctx context.Context, from, to int64, at time.Time) error {
	return s.Follow(ctx, Toggle{UserID: from, Kind: "brand", ID: to, At: at})
}

func (s *Store) FollowTag(ctx context.Context, from int64, name string, at time.Time) error {
	return s.Follow(ctx, Toggle{UserID: from, Kind: "tag", Name: name, At: at})
}

// UnfollowUser, UnfollowBrand and UnfollowTag are Unfollow of one kind of
// target.
func (s *Store) UnfollowUser(ctx context.Context, from, to int64, at time.Time) error {
	return s.Unfollow(ctx, Toggle{UserID: from, Kind: "user", ID: to, At: at})
}

func (s *Store) UnfollowBrand(ctx context.Context, from, to int64, at time.Time) error {
	return s.Unfollow(ctx, Toggle{UserID: from, Kind: "brand", ID: to, At: at})
}

func (s *Store) UnfollowTag(ctx context.Context, from int64, name string, at time.Time) error {
	return s.Unfollow(ctx, Toggle{UserID: from, Kind: "tag", Name: name, At: at})
}

func (s *Store) toggleFollow(ctx context.Context, name string, t Toggle) error {
	row := toggleRows([]Toggle{t})[0]
	row["existing"] = true // unlike an event, a request cannot create the user it names
	res, err := s.runNamed(ctx, name, map[string]any{"rows": []map[string]any{row}})
	if err != nil {
		return err
	}
	if name == "activity_follow" && (len(res.Records) == 0 || i64(get(res.Records[0], "found")) == 0) {
		return stylegraph.Errorf(stylegraph.ENOTFOUND, "%s %d not found", t.Kind, t.ID)
	}
	return nil
}

// Followers returns up to limit followers of a user with IDs above after, in
// ID order; ENOTFOUND when the user does not exist.
func (s *Store) Followers(ctx context.Context, userID, after int64, limit int) ([]stylegraph.User, error) {
	return s.userPage(ctx, "user_followers", userID, after, limit)
}

// Following returns up to limit users a user follows with IDs above after,
// in ID order; ENOTFOUND when the user does not exist.
func (s *Store) Following(ctx context.Context, userID, after int64, limit int) ([]stylegraph.User, error) {
	return s.userPage(ctx, "user_following", userID, after, limit)
}

func (s *Store) userPage(ctx context.Context, name string, userID, after int64, limit int) ([]stylegraph.User, error) {
	res, err := s.runNamed(ctx, name, map[string]any{"id": userID, "after": after, "limit": limit})
	if err != nil {
		return nil, err
	}
	if len(res.Records) == 0 {
		return nil, stylegraph.Errorf(stylegraph.ENOTFOUND, "user %d not found", userID)
	}
	v, _ := res.Records[0].Get("users")
	out := []stylegraph.User{}
	for _, x := range anys(v) {
		out = append(out, userFrom(x))
	}
	return out, nil
}

// FollowingBrands returns up to limit brands a user follows with IDs above
// after, in ID order; ENOTFOUND when the user does not exist.
func (s *Store) FollowingBrands(ctx context.Context, userID, after int64, limit int) ([]stylegraph.Brand, error) {
	res, err := s.runNamed(ctx, "user_following_brands", map[string]any{"id": userID, "after": after, "limit": limit})
	if err != nil {
		return nil, err
	}
	if len(res.Records) == 0 {
		return nil, stylegraph.Errorf(stylegraph.ENOTFOUND, "user %d not found", userID)
	}
	v, _ := res.Records[0].Get("brands")
	out := []stylegraph.Brand{}
	for _, x := range anys(v) {
		m, _ := x.(map[string]any)
		out = append(out, stylegraph.Brand{ID: i64(m["id"]), Name: str(m["name"])})
	}
	return out, nil
}

// Followees returns every user (with follower count) and brand a user follows.
func (s *Store) Followees(ctx context.Context, userID int64) ([]stylegraph.Followee, error) {
	res, err := s.runNamed(ctx, "followees", map[string]any{"userId": userID})
	if err != nil {
		return nil, err
	}
	out := make([]stylegraph.Followee, 0, len(res.Records))
	for _, r := range res.Records {
		k, _ := r.Get("kind")
		id, _ := r.Get("id")
		n, _ := r.Get("followers")
		out = append(out, stylegraph.Followee{Kind: str(k), ID: i64(id), Followers: i64(n)})
	}
	return out, nil
}

// Follow is one follow edge to create.
type Follow struct {
	From, To int64
	At       time.Time
}

// FollowUsers adds user -> user follow edges (idempotent).
func (s *Store) FollowUsers(ctx context.Context, edges []Follow) error {
	return s.batched(ctx, "follow_users", followRows(edges))
}

// FollowBrands adds user -> brand follow edges (idempotent).
func (s *Store) FollowBrands(ctx context.Context, edges []Follow) error {
	return s.batched(ctx, "follow_brands", followRows(edges))
}

func followRows(edges []Follow) []map[string]any {
	rows := make([]map[string]any, len(edges))
	for i, e := range edges {
		rows[i] = map[string]any{"from": e.From, "to": e.To, "at": e.At.UTC()}
	}
	return rows
}
