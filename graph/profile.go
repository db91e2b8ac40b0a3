package graph

import (
	"context"

	"github.com/stylegraph/stylegraph"
)

// ProfileStore reads users' profiles and suggests whom to follow.
type ProfileStore struct{ db *DB }

// NewProfileStore returns the profile store over db.
func NewProfileStore(db *DB) *ProfileStore { return &ProfileStore{db: db} }

// Profile returns the user's profile as viewer sees it, or ENOTFOUND.
func (s *ProfileStore) Profile(ctx context.Context, id, viewer int64) (stylegraph.Profile, error) {
	res, err := s.db.runNamed(ctx, "user_profile", map[string]any{"id": id, "viewerId": viewer})
	if err != nil {
		return stylegraph.Profile{}, err
	}
	if len(res.Records) == 0 {
		return stylegraph.Profile{}, stylegraph.Errorf(stylegraph.ENOTFOUND, "user %d not found", id)
	}
	r := res.Records[0]
	get := func(k string) any { v, _ := r.Get(k); return v }
	followed, _ := get("followedByMe").(bool)
	follows, _ := get("followsMe").(bool)
	return stylegraph.Profile{
		User:          stylegraph.User{ID: id, Name: str(get("name")), ImageURL: str(get("imageURL")), Home: str(get("home"))},
		FollowerCount: i64(get("followers")), FollowingCount: i64(get("followingUsers")),
		FollowingBrandCount: i64(get("followingBrands")), PostCount: i64(get("posts")),
		FollowedByMe: followed, FollowsMe: follows,
	}, nil
}

// WhoToFollow returns up to limit users userID may want to follow, best
// first, never userID or anyone they already follow.
func (s *ProfileStore) WhoToFollow(ctx context.Context, userID int64, limit int) ([]stylegraph.FollowSuggestion, error) {
	res, err := s.db.runNamed(ctx, "who_to_follow", map[string]any{"userId": userID, "limit": limit})
	if err != nil {
		return nil, err
	}
	out := make([]stylegraph.FollowSuggestion, 0, len(res.Records))
	for _, r := range res.Records {
		get := func(k string) any { v, _ := r.Get(k); return v }
		score, _ := get("score").(float64)
		out = append(out, stylegraph.FollowSuggestion{
			User:  stylegraph.User{ID: i64(get("id")), Name: str(get("name")), ImageURL: str(get("imageURL")), Home: str(get("home"))},
			Score: score, Reason: str(get("reason")),
		})
	}
	return out, nil
}
