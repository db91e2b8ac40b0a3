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

// FollowSuggestion is a user someone may want to follow, with why: "friends"
// (followed by people they follow), "taste" (likes what they like) or
// "brands" (follows the brands they follow), whichever weighs most.
type FollowSuggestion struct {
	User   User    `json:"user"`
	Score  float64 `json:"score"`
	Reason string  `json:"reason"`
}
