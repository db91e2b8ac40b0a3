package graph

import (
	"context"
	"time"

	"github.com/stylegraph/stylegraph"
)

// FollowUser makes from follow the user to (idempotent); ENOTFOUND when to
// does not exist.
func (s *Store) FollowUser(ctx context.Context, from, to int64, at time.Time) error {
	return s.follow(ctx, "follow_user", from, to, at, "user %d not found")
}

// FollowBrand makes from follow the brand to (idempotent); ENOTFOUND when the
// brand does not exist.
func (s *Store) FollowBrand(ctx context.Context, from, to int64, at time.Time) error {
	return s.follow(ctx, "follow_brand", from, to, at, "brand %d not found")
}

func (s *Store) follow(ctx context.Context, name string, from, to int64, at time.Time, notFound string) error {
	res, err := s.runNamed(ctx, name, map[string]any{"from": from, "to": to, "at": at.UTC()})
	if err != nil {
		return err
	}
	_, err = single(res, "id", notFound, to)
	return err
}

// UnfollowUser removes a user follow (idempotent).
func (s *Store) UnfollowUser(ctx context.Context, from, to int64) error {
	_, err := s.runNamed(ctx, "unfollow_user", map[string]any{"from": from, "to": to})
	return err
}

// UnfollowBrand removes a brand follow (idempotent).
func (s *Store) UnfollowBrand(ctx context.Context, from, to int64) error {
	_, err := s.runNamed(ctx, "unfollow_brand", map[string]any{"from": from, "to": to})
	return err
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
