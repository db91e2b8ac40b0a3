package graph

import (
	"context"
	"fmt"

	"github.com/stylegraph/stylegraph"
)

// TasteStore reads shoppers' taste profiles for personalised search.
type TasteStore struct{ db *DB }

// NewTasteStore returns the taste store over db.
func NewTasteStore(db *DB) *TasteStore { return &TasteStore{db: db} }

// maxLikedProducts bounds the products liked by followed people a taste
// profile reads. Engagements, interests and follows are weighted by the
// engagement scale (stylegraph.EngagementWeights).
const maxLikedProducts = 100

// TasteProfile returns, in one query, the brands and tags a user engages
// with (weighted) and the products liked by the people they follow. An
// unknown user has an empty profile.
func (s *TasteStore) TasteProfile(ctx context.Context, userID int64) (stylegraph.TasteProfile, error) {
	res, err := s.db.runNamed(ctx, "search_taste_profile", map[string]any{
		"userId": userID, "halfLife": stylegraph.InterestHalfLife.Seconds(), "maxLiked": maxLikedProducts,
		"weights": stylegraph.EngagementWeights.Params(),
	})
	if err != nil {
		return stylegraph.TasteProfile{}, fmt.Errorf("taste profile of user %d: %w", userID, err)
	}
	prof := stylegraph.TasteProfile{Brands: map[string]float64{}, Tags: map[string]float64{}, LikedByFollowed: map[int64]int{}}
	if len(res.Records) == 0 {
		return prof, nil
	}
	r := res.Records[0]
	get := func(key string) []any {
		v, _ := r.Get(key)
		l, _ := v.([]any)
		return l
	}
	addWeighted := func(into map[string]float64, rows []any) {
		for _, row := range rows {
			m, ok := row.(map[string]any)
			if !ok {
				continue
			}
			if name := str(m["name"]); name != "" {
				into[name] += num(m["w"])
			}
		}
	}
	addWeighted(prof.Brands, get("engagedBrands"))
	addWeighted(prof.Brands, get("interestBrands"))
	addWeighted(prof.Tags, get("engagedTags"))
	addWeighted(prof.Tags, get("interestTags"))
	for _, name := range get("followedBrands") {
		if n := str(name); n != "" {
			prof.Brands[n] += stylegraph.EngagementWeights.Follow
		}
	}
	for _, name := range get("followedTags") {
		if n := str(name); n != "" {
			prof.Tags[n] += stylegraph.EngagementWeights.Follow
		}
	}
	for _, row := range get("liked") {
		m, _ := row.(map[string]any)
		id, ok := m["id"].(int64)
		if !ok {
			continue
		}
		n, _ := m["n"].(int64)
		prof.LikedByFollowed[id] = int(n)
	}
	return prof, nil
}
