package stylegraph

import (
	"encoding/json"
	"time"
)

// Image is one picture of a post.
type Image struct {
	ImageURL string `json:"imageURL"`
	Caption  string `json:"caption"`
}

// ProductSummary is what a feed item shows of a featured product.
type ProductSummary struct {
	ID       int64   `json:"id"`
	Title    string  `json:"title"`
	Brand    string  `json:"brand,omitempty"`
	Price    float64 `json:"price"`
	Currency string  `json:"currency,omitempty"`
	ImageURL string  `json:"imageURL,omitempty"`
}

// Post is a shopper's post, in the feed's wire format.
type Post struct {
	ID        int64            `json:"id"`
	Title     string           `json:"title"`
	Text      string           `json:"text"`
	Images    []Image          `json:"image"`
	User      User             `json:"user"`
	Tags      []string         `json:"tags"`
	Products  []ProductSummary `json:"products"`
	CreatedAt time.Time        `json:"createdDate"`
	// Mentions are the users "@<ID>" in the post names, for rendering.
	Mentions []User `json:"mentions,omitempty"`
}

// Comment is one comment on a post, in the feed's wire format.
type Comment struct {
	ID        int64     `json:"ID"`
	Text      string    `json:"text"`
	User      User      `json:"user"`
	CreatedAt time.Time `json:"createdDate"`
}

// Feed is one self-contained feed item: everything an app needs to render it.
// Likes and Comments hold the most recent few; the counts give the totals.
// LikedByMe and Reason depend on who reads it.
type Feed struct {
	ID           int64     `json:"ID"`
	CreatedAt    time.Time `json:"createdDate"`
	User         User      `json:"user"`
	Post         Post      `json:"post"`
	Likes        []User    `json:"like"`
	Comments     []Comment `json:"comment"`
	LikeCount    int64     `json:"likeCount"`
	CommentCount int64     `json:"commentCount"`
	LikedByMe    bool      `json:"likedByMe"`
	Reason       string    `json:"reason"`
	// Product is set, instead of a post, on items with reason "recommended":
	// a product recommended to the reader (ID 0, not a cursor position).
	Product *Recommendation `json:"product,omitempty"`
}

// Feed item kinds: the "kind" every item of a feed page carries, so clients
// (and the OpenAPI discriminator) tell posts from recommended products.
const (
	KindPost        = "post"
	KindRecommended = "recommended"
)

// RecommendedItem is the wire form of a feed item with reason "recommended":
// no ID, post, author, likes or comments, only the product and why.
type RecommendedItem struct {
	Kind      string         `json:"kind"`
	CreatedAt time.Time      `json:"createdDate"`
	Reason    string         `json:"reason"`
	Product   Recommendation `json:"product"`
}

// MarshalJSON writes a post item with "kind": "post" and every array present
// (never null), and a recommended item as a RecommendedItem, so both match
// the published schemas whoever builds the page.
func (f Feed) MarshalJSON() ([]byte, error) {
	if f.Product != nil {
		return json.Marshal(RecommendedItem{Kind: KindRecommended, CreatedAt: f.CreatedAt, Reason: ReasonRecommended, Product: *f.Product})
	}
	type plain Feed // without this method
	p := plain(f)
	p.Likes = orEmpty(p.Likes)
	p.Comments = orEmpty(p.Comments)
	p.Post.Images = orEmpty(p.Post.Images)
	p.Post.Tags = orEmpty(p.Post.Tags)
	p.Post.Products = orEmpty(p.Post.Products)
	return json.Marshal(struct {
		plain
		Kind string `json:"kind"`
	}{p, KindPost})
}

func orEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// Reasons a feed item is in a shopper's feed, besides ReasonInterest (it
// matches the shopper's interests) and ReasonTrending (popular now, for
// shoppers who follow nobody) shared with recommendations.
const (
	ReasonOwn       = "own"       // the shopper wrote it
	ReasonFollowing = "following" // the shopper follows its author
	ReasonBrand     = "brand"     // the shopper follows a brand it features
	ReasonTag       = "tag"       // the shopper follows one of its tags
)

// NewPost is a post to create, with the IDs already assigned.
type NewPost struct {
	ID         int64
	FeedID     int64
	AuthorID   int64
	Title      string
	Text       string
	Images     []Image
	Tags       []string
	ProductIDs []int64
	// Mentions are the user IDs mentioned in the title, text and captions;
	// users that do not exist are left out.
	Mentions  []int64
	CreatedAt time.Time
}

// FeedRef points at a feed item and says why it reached a reader: Reason,
// and the followed user or brand it came through (SourceKind "user" or
// "brand", or "" for interest and trending).
type FeedRef struct {
	FeedID     int64
	Reason     string
	SourceKind string
	SourceID   int64
}

// Recipient is a user a new post is fanned out to, and why.
type Recipient struct {
	UserID int64
	Ref    FeedRef
}

// Followee is someone a user follows: a user (with their follower count, so
// callers can tell celebrities) or a brand.
type Followee struct {
	Kind      string // "user" or "brand"
	ID        int64
	Followers int64
}

// PostAudience is what fan-out needs to know about a post.
type PostAudience struct {
	AuthorID  int64
	FeedID    int64
	Followers int64 // the author's follower count
	Brands    []int64
	Tags      []string
	// FollowerIDs are the author's followers when posts are pushed to them
	// (fewer than the celebrity threshold); nil otherwise.
	FollowerIDs []int64
}

// NewComment is a comment to create, with its ID already assigned.
type NewComment struct {
	ID        int64
	PostID    int64
	UserID    int64
	Text      string
	CreatedAt time.Time
}

// PostDraft is what a shopper sends to create a post.
type PostDraft struct {
	Title      string   `json:"title"`
	Text       string   `json:"text"`
	Images     []Image  `json:"images"`
	Tags       []string `json:"tags"`
	ProductIDs []int64  `json:"productIds"`
}

// PostEdit is what a post's author sends to change it: the fields present
// replace the post's; images and featured products stay as posted.
type PostEdit struct {
	Title *string   `json:"title"`
	Text  *string   `json:"text"`
	Tags  *[]string `json:"tags"`
}

// Page is one page of a list; NextCursor is nil on the last page.
type Page[T any] struct {
	Items      []T     `json:"items"`
	NextCursor *string `json:"nextCursor"`
}

// The pages the API returns.
type (
	// FeedPage is one page of a feed.
	FeedPage = Page[Feed]
	// TagPage is one page of tag names.
	TagPage = Page[string]
	// CommentPage is one page of a post's comments, newest first.
	CommentPage = Page[Comment]
	// UserPage is one page of users (followers, following).
	UserPage = Page[User]
	// BrandPage is one page of brands.
	BrandPage = Page[Brand]
)
