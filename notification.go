package stylegraph

import "time"

// Notification types.
const (
	NotifyLike      = "like"       // someone liked the user's post
	NotifyComment   = "comment"    // someone commented on the user's post
	NotifyMention   = "mention"    // someone mentioned the user in a post
	NotifyFollow    = "follow"     // someone followed the user
	NotifyBrandDrop = "brand_drop" // a brand the user follows released a product
)

// Notification is one entry of a user's notifications. Activity of one type
// about one thing aggregates into one notification ("Ana and 4 others liked
// your post"): Actors holds the most recent few, ActorCount all of them.
type Notification struct {
	ID         string             `json:"id"`
	Type       string             `json:"type"`
	Target     NotificationTarget `json:"target"`
	Actors     []User             `json:"actors"`
	ActorCount int64              `json:"actorCount"`
	Text       string             `json:"text"`
	Read       bool               `json:"read"`
	UpdatedAt  time.Time          `json:"updatedAt"`
}

// NotificationTarget is what a notification is about: a post, the user
// (follows) or a product (brand drops).
type NotificationTarget struct {
	Kind string `json:"kind"`
	ID   int64  `json:"id"`
}

// NotificationPage is one page of notifications, newest first, with the
// number of unread ones overall.
type NotificationPage struct {
	Items      []Notification `json:"items"`
	Unread     int64          `json:"unread"`
	NextCursor *string        `json:"nextCursor"`
}
