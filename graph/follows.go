package graph

import (
	"context"
	"time"

	"github.com/stylegraph/stylegraph"
)

// FollowStore writes and reads follows of users, brands and tags.
type FollowStore struct{ db *DB }

// NewFollowStore returns the follow store over db.
func NewFollowStore(db *DB) *FollowStore { return &FollowStore{db: db} }

// Follow makes t.UserID follow the user, brand or tag t names at t.At
// (idempotent). It runs the statement the graph writer runs for follow
// events, so both keep one tombstone rule: an unfollow newer than t.At wins.
// ENOTFOUND when the followed user or brand does not exist.
func (s *FollowStore) Follow(ctx context.Context, t stylegraph.Toggle) error {
	return s.toggleFollow(ctx, "activity_follow", t)
}

// Unfollow stops t.UserID following what t names (idempotent), leaving the
// tombstone the graph writer leaves for unfollow events.
func (s *FollowStore) Unfollow(ctx context.Context, t stylegraph.Toggle) error {
	return s.toggleFollow(ctx, "activity_unfollow", t)
}

// FollowUser, FollowBrand and FollowTag are Follow of one kind of target.
func (s *FollowStore) FollowUser(ctx context.Context, from, to int64, at time.Time) error {
	return s.Follow(ctx, stylegraph.Toggle{UserID: from, Kind: "user", ID: to, At: at})
}

func (s *FollowStore) FollowBrand(ctx context.Context, from, to int64, at time.Time) error {
	return s.Follow(ctx, stylegraph.Toggle{UserID: from, Kind: "brand", ID: to, At: at})
}

func (s *FollowStore) FollowTag(ctx context.Context, from int64, name string, at time.Time) error {
	return s.Follow(ctx, stylegraph.Toggle{UserID: from, Kind: "tag", Name: name, At: at})
}

// UnfollowUser, UnfollowBrand and UnfollowTag are Unfollow of one kind of
// target.
func (s *FollowStore) UnfollowUser(ctx context.Context, from, to int64, at time.Time) error {
	return s.Unfollow(ctx, stylegraph.Toggle{UserID: from, Kind: "user", ID: to, At: at})
}

func (s *FollowStore) UnfollowBrand(ctx context.Context, from, to int64, at time.Time) error {
	return s.Unfollow(ctx, stylegraph.Toggle{UserID: from, Kind: "brand", ID: to, At: at})
}

func (s *FollowStore) UnfollowTag(ctx context.Context, from int64, name string, at time.Time) error {
	return s.Unfollow(ctx, stylegraph.Toggle{UserID: from, Kind: "tag", Name: name, At: at})
}

func (s *FollowStore) toggleFollow(ctx context.Context, name string, t stylegraph.Toggle) error {
	row := toggleRows([]stylegraph.Toggle{t})[0]
	row["existing"] = true // unlike an event, a request cannot create the user it names
	res, err := s.db.runNamed(ctx, name, map[string]any{"rows": []map[string]any{row}})
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
func (s *FollowStore) Followers(ctx context.Context, userID, after int64, limit int) ([]stylegraph.User, error) {
	return s.userPage(ctx, "user_followers", userID, after, limit)
}

// Following returns up to limit users a user follows with IDs above after,
// in ID order; ENOTFOUND when the user does not exist.
func (s *FollowStore) Following(ctx context.Context, userID, after int64, limit int) ([]stylegraph.User, error) {
	return s.userPage(ctx, "user_following", userID, after, limit)
}

func (s *FollowStore) userPage(ctx context.Context, name string, userID, after int64, limit int) ([]stylegraph.User, error) {
	res, err := s.db.runNamed(ctx, name, map[string]any{"id": userID, "after": after, "limit": limit})
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
func (s *FollowStore) FollowingBrands(ctx context.Context, userID, after int64, limit int) ([]stylegraph.Brand, error) {
	res, err := s.db.runNamed(ctx, "user_following_brands", map[string]any{"id": userID, "after": after, "limit": limit})
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
func (s *FollowStore) Followees(ctx context.Context, userID int64) ([]stylegraph.Followee, error) {
	res, err := s.db.runNamed(ctx, "followees", map[string]any{"userId": userID})
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

// FollowingTags returns up to limit tags userID follows, in name order after
// the name after.
func (s *FollowStore) FollowingTags(ctx context.Context, userID int64, after string, limit int) ([]string, error) {
	res, err := s.db.runNamed(ctx, "following_tags", map[string]any{"userId": userID, "after": after, "limit": limit})
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(res.Records))
	for _, r := range res.Records {
		v, _ := r.Get("name")
		out = append(out, str(v))
	}
	return out, nil
}
