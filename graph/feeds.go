package graph

import (
	"context"
	"time"

	"github.com/stylegraph/stylegraph"
)

// PostAudience is what fan-out needs to know about a post, with the author's
// follower IDs when they number fewer than pushBelow (fan-out pushes to
// them; a celebrity's followers pull).
func (s *Store) PostAudience(ctx context.Context, postID, pushBelow int64) (stylegraph.PostAudience, error) {
	res, err := s.runNamed(ctx, "post_audience", map[string]any{"id": postID, "pushBelow": pushBelow})
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
func (s *Store) BrandFollowerIDs(ctx context.Context, brandIDs []int64) (map[int64]int64, error) {
	out := map[int64]int64{}
	if len(brandIDs) == 0 {
		return out, nil
	}
	res, err := s.runNamed(ctx, "brand_followers", map[string]any{"ids": brandIDs})
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
func (s *Store) TagFollowerIDs(ctx context.Context, tags []string, limit int) ([]int64, error) {
	if len(tags) == 0 || limit <= 0 {
		return nil, nil
	}
	res, err := s.runNamed(ctx, "tag_followers", map[string]any{"tags": tags, "limit": limit})
	if err != nil {
		return nil, err
	}
	return int64s(res, "id"), nil
}

// InterestedUserIDs returns up to limit users whose decayed interest in the
// tags and brands sums to at least min, strongest first.
func (s *Store) InterestedUserIDs(ctx context.Context, tags []string, brandIDs []int64, min float64, limit int) ([]int64, error) {
	if len(tags) == 0 && len(brandIDs) == 0 {
		return nil, nil
	}
	res, err := s.runNamed(ctx, "interested_users", map[string]any{
		"tags": nonNil(tags), "brands": nonNilIDs(brandIDs), "min": min, "limit": limit,
		"halfLife": stylegraph.InterestHalfLife.Seconds(),
	})
	if err != nil {
		return nil, err
	}
	return int64s(res, "id"), nil
}

func nonNilIDs(xs []int64) []int64 {
	if xs == nil {
		return []int64{}
	}
	return xs
}

// TimelineBefore returns up to limit items of a user's timeline computed from
// the graph (own posts, followed users' posts, followed brands' posts) with
// feed IDs below before, newest first.
func (s *Store) TimelineBefore(ctx context.Context, userID, before int64, limit int) ([]stylegraph.FeedRef, error) {
	res, err := s.runNamed(ctx, "timeline_before", map[string]any{"userId": userID, "before": before, "limit": limit})
	if err != nil {
		return nil, err
	}
	out := make([]stylegraph.FeedRef, 0, len(res.Records))
	for _, r := range res.Records {
		id, _ := r.Get("feedId")
		reason, _ := r.Get("reason")
		kind, _ := r.Get("kind")
		src, _ := r.Get("source")
		out = append(out, stylegraph.FeedRef{FeedID: i64(id), Reason: str(reason), SourceKind: str(kind), SourceID: i64(src)})
	}
	return out, nil
}

// TrendingFeedIDs returns up to limit posts since the given time ranked by
// likes and comments. Posts are not products: this is not trendScore's
// ranking, which weighs shoppers' engagement with products.
func (s *Store) TrendingFeedIDs(ctx context.Context, since time.Time, limit int) ([]int64, error) {
	res, err := s.runNamed(ctx, "trending_posts", map[string]any{"since": since.UTC(), "limit": limit})
	if err != nil {
		return nil, err
	}
	return int64s(res, "feedId"), nil
}

// LikedFeedIDs returns the feed IDs of up to limit posts a user liked, most
// recent first.
func (s *Store) LikedFeedIDs(ctx context.Context, userID int64, limit int) ([]int64, error) {
	res, err := s.runNamed(ctx, "liked_posts", map[string]any{"userId": userID, "limit": limit})
	if err != nil {
		return nil, err
	}
	return int64s(res, "feedId"), nil
}

// AuthorFeedIDs returns the feed IDs of an author's most recent posts.
func (s *Store) AuthorFeedIDs(ctx context.Context, authorID int64, limit int) ([]int64, error) {
	res, err := s.runNamed(ctx, "author_posts", map[string]any{"authorId": authorID, "limit": limit})
	if err != nil {
		return nil, err
	}
	return int64s(res, "feedId"), nil
}

// FollowerCount returns how many users follow a user (0 when unknown).
func (s *Store) FollowerCount(ctx context.Context, userID int64) (int64, error) {
	res, err := s.runNamed(ctx, "follower_count", map[string]any{"id": userID})
	if err != nil {
		return 0, err
	}
	if len(res.Records) == 0 {
		return 0, nil
	}
	v, _ := res.Records[0].Get("n")
	return i64(v), nil
}

// Profile returns the user's profile as viewer sees it, or ENOTFOUND.
func (s *Store) Profile(ctx context.Context, id, viewer int64) (stylegraph.Profile, error) {
	res, err := s.runNamed(ctx, "user_profile", map[string]any{"id": id, "viewerId": viewer})
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

// AuthorFeedIDsBefore returns a page of the author's posts' feed IDs, newest
// first, below before.
func (s *Store) AuthorFeedIDsBefore(ctx context.Context, authorID, before int64, limit int) ([]int64, error) {
	res, err := s.runNamed(ctx, "author_posts_before", map[string]any{"authorId": authorID, "before": before, "limit": limit})
	if err != nil {
		return nil, err
	}
	return int64s(res, "feedId"), nil
}

// WhoToFollow returns up to limit users userID may want to follow, best
// first, never userID or anyone they already follow.
func (s *Store) WhoToFollow(ctx context.Context, userID int64, limit int) ([]stylegraph.FollowSuggestion, error) {
	res, err := s.runNamed(ctx, "who_to_follow", map[string]any{"userId": userID, "limit": limit})
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
