package stylegraph

// Profile is a user's public profile as a viewer sees it: the feed's User
// object, follow and post counts, and how the viewer and the user relate.
type Profile struct {
	User                User  `json:"user"`
	FollowerCount       int64 `json:"followerCount"`
	FollowingCount      int64 `json:"followingCount"`
	FollowingBrandCount int64 `json:"followingBrandCount"`
	PostCount           int64 `json:"postCount"`
	// FollowedByMe says the viewer follows the user; FollowsMe the reverse.
	FollowedByMe bool `json:"followedByMe"`
	FollowsMe    bool `json:"followsMe"`
}
