package graph

import (
	"context"

	"github.com/stylegraph/stylegraph"
)

// AudienceStore finds who a post reaches: the author's followers, followers of its brands
// and tags, and shoppers interested in them (fan-out and notifications).
type AudienceStore struct{ db *DB }

// NewAudienceStore returns the audience store over db.
func NewAudienceStore(db *DB) *AudienceStore { return &AudienceStore{db: db} }

// PostAudience is what fan-out needs to know about a post, with the author's
// follower IDs when they number fewer than pushBelow (fan-out pushes to
// them; a celebrity's followers pull).
func (s *AudienceStore) PostAudience(ctx context.Context, postID, pushBelow int64) (stylegraph.PostAudience, error) {
	res, err := s.db.runNamed(ctx, "post_audience", map[string]any{"id": postID, "pushBelow": pushBelow})
	if err != nil {
		return stylegraph.PostAudience{}, err
	}
	if len(res.Records) == 0 {
		return stylegraph.PostAudience{}, stylegraph.Errorf(stylegraph.ENOTFOUND, "post %d not found", postID)
	}
	r := res.Records[0]
	get := func(k string) any { v, _ := r.Get(k); return v }
	a := stylegraph.PostAudience{
		AuthorID: i64(get("authorId")), FeedID: i64(get("feedId")), Followers: i64(get("followers")),
		Tags: strs(get("tags")), Brands: []int64{},
	}
	for _, b := range anys(get("brands")) {
		a.Brands = append(a.Brands, i64(b))
	}
	if ids := anys(get("followerIds")); len(ids) > 0 {
		a.FollowerIDs = make([]int64, len(ids))
		for i, x := range ids {
			a.FollowerIDs[i] = i64(x)
		}
	}
	return a, nil
}

// BrandFollowerIDs maps each follower of any of the brands to one brand they
// follow.
func (s *AudienceStore) BrandFollowerIDs(ctx context.Context, brandIDs []int64) (map[int64]int64, error) {
	out := map[int64]int64{}
	if len(brandIDs) == 0 {
		return out, nil
	}
	res, err := s.db.runNamed(ctx, "brand_followers", map[string]any{"ids": brandIDs})
	if err != nil {
		return nil, err
	}
	for _, r := range res.Records {
		u, _ := r.Get("id")
		b, _ := r.Get("brand")
		out[i64(u)] = i64(b)
	}
	return out, nil
}

// TagFollowerIDs returns up to limit users who follow any of the tags, the
// most recent followers first.
func (s *AudienceStore) TagFollowerIDs(ctx context.Context, tags []string, limit int) ([]int64, error) {
	if len(tags) == 0 || limit <= 0 {
		return nil, nil
	}
	res, err := s.db.runNamed(ctx, "tag_followers", map[string]any{"tags": tags, "limit": limit})
	if err != nil {
		return nil, err
	}
	return int64s(res, "id"), nil
}

// InterestedUserIDs returns up to limit users whose decayed interest in the
// tags and brands sums to at least min, strongest first.
func (s *AudienceStore) InterestedUserIDs(ctx context.Context, tags []string, brandIDs []int64, min float64, limit int) ([]int64, error) {
	if len(tags) == 0 && len(brandIDs) == 0 {
		return nil, nil
	}
	res, err := s.db.runNamed(ctx, "interested_users", map[string]any{
		"tags": nonNil(tags), "brands": nonNilIDs(brandIDs), "min": min, "limit": limit,
		"halfLife": stylegraph.InterestHalfLife.Seconds(),
	})
	if err != nil {
		return nil, err
	}
	return int64s(res, "id"), nil
}

// FollowerCount returns how many users follow a user (0 when unknown).
func (s *AudienceStore) FollowerCount(ctx context.Context, userID int64) (int64, error) {
	res, err := s.db.runNamed(ctx, "follower_count", map[string]any{"id": userID})
	if err != nil {
		return 0, err
	}
	if len(res.Records) == 0 {
		return 0, nil
	}
	v, _ := res.Records[0].Get("n")
	return i64(v), nil
}

// BrandFollowersCapped returns up to limit followers of a brand, the most
// recent followers first.
func (s *AudienceStore) BrandFollowersCapped(ctx context.Context, brandID int64, limit int) ([]int64, error) {
	res, err := s.db.runNamed(ctx, "brand_followers_capped", map[string]any{"brand": brandID, "limit": limit})
	if err != nil {
		return nil, err
	}
	return int64s(res, "id"), nil
}
