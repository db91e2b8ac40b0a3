package graph

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/stylegraph/stylegraph"
)

// PostStore writes and reads posts, their likes and comments, and renders feed
// items.
type PostStore struct{ db *DB }

// NewPostStore returns the post store over db.
func NewPostStore(db *DB) *PostStore { return &PostStore{db: db} }

// CreatePost writes a post with its tags and featured products. Unknown
// product IDs are an EINVALID error naming "products".
func (s *PostStore) CreatePost(ctx context.Context, p stylegraph.NewPost) error {
	ids := p.ProductIDs
	if ids == nil {
		ids = []int64{}
	}
	if len(ids) > 0 {
		res, err := s.db.runNamed(ctx, "count_products", map[string]any{"ids": ids})
		if err != nil {
			return err
		}
		found := map[int64]bool{}
		if len(res.Records) > 0 {
			v, _ := res.Records[0].Get("found")
			for _, x := range v.([]any) {
				found[x.(int64)] = true
			}
		}
		for _, id := range ids {
			if !found[id] {
				return stylegraph.Invalid("products", "product %d does not exist", id)
			}
		}
	}
	images, err := json.Marshal(nonNilImages(p.Images))
	if err != nil {
		return fmt.Errorf("encode images: %w", err)
	}
	tags := p.Tags
	if tags == nil {
		tags = []string{}
	}
	_, err = s.db.runNamed(ctx, "create_post", map[string]any{
		"id": p.ID, "feedId": p.FeedID, "authorId": p.AuthorID, "title": p.Title, "text": p.Text,
		"images": string(images), "createdAt": p.CreatedAt.UTC(), "tags": tags, "productIds": ids,
		"mentions": nonNilIDs(p.Mentions),
	})
	return err
}

func nonNilImages(xs []stylegraph.Image) []stylegraph.Image {
	if xs == nil {
		return []stylegraph.Image{}
	}
	return xs
}

// FeedItems renders the feed items with the given feed IDs from the graph,
// with the most recent likes likers and comments comments. Items that do not
// exist (deleted posts) are left out; the rest keep the order of feedIDs.
// Reason and LikedByMe are left for the reader to fill.
func (s *PostStore) FeedItems(ctx context.Context, feedIDs []int64, likes, comments int) ([]stylegraph.Feed, error) {
	if len(feedIDs) == 0 {
		return nil, nil
	}
	res, err := s.db.runNamed(ctx, "feed_items", map[string]any{"feedIds": feedIDs, "likes": likes, "comments": comments})
	if err != nil {
		return nil, err
	}
	byID := make(map[int64]stylegraph.Feed, len(res.Records))
	for _, r := range res.Records {
		f, err := feedFromRecord(r)
		if err != nil {
			return nil, err
		}
		byID[f.ID] = f
	}
	out := make([]stylegraph.Feed, 0, len(byID))
	for _, id := range feedIDs {
		if f, ok := byID[id]; ok {
			out = append(out, f)
		}
	}
	return out, nil
}

func feedFromRecord(r *neo4j.Record) (stylegraph.Feed, error) {
	get := func(k string) any { v, _ := r.Get(k); return v }
	pm, _ := get("post").(map[string]any)
	author := userFrom(get("author"))
	post := stylegraph.Post{
		ID:       i64(pm["id"]),
		Title:    str(pm["title"]),
		Text:     str(pm["text"]),
		Images:   []stylegraph.Image{},
		User:     author,
		Tags:     strs(get("tags")),
		Products: []stylegraph.ProductSummary{},
	}
	for _, m := range anys(get("mentions")) {
		post.Mentions = append(post.Mentions, userFrom(m))
	}
	if t, ok := pm["createdAt"].(time.Time); ok {
		post.CreatedAt = t.UTC()
	}
	if raw := str(pm["images"]); raw != "" {
		if err := json.Unmarshal([]byte(raw), &post.Images); err != nil {
			return stylegraph.Feed{}, fmt.Errorf("decode images of post %d: %w", post.ID, err)
		}
	}
	for _, x := range anys(get("products")) {
		m, _ := x.(map[string]any)
		ps := stylegraph.ProductSummary{ID: i64(m["id"]), Title: str(m["title"]), Brand: str(m["brand"]), Price: num(m["price"]), Currency: str(m["currency"])}
		if imgs := strs(m["images"]); len(imgs) > 0 {
			ps.ImageURL = imgs[0]
		}
		post.Products = append(post.Products, ps)
	}
	f := stylegraph.Feed{
		ID:           i64(pm["feedId"]),
		CreatedAt:    post.CreatedAt,
		User:         author,
		Post:         post,
		Likes:        []stylegraph.User{},
		Comments:     []stylegraph.Comment{},
		LikeCount:    i64(get("likeCount")),
		CommentCount: i64(get("commentCount")),
	}
	for _, x := range anys(get("likers")) {
		f.Likes = append(f.Likes, userFrom(x))
	}
	for _, x := range anys(get("comments")) {
		f.Comments = append(f.Comments, commentFrom(x))
	}
	return f, nil
}

func commentFrom(v any) stylegraph.Comment {
	m, _ := v.(map[string]any)
	c := stylegraph.Comment{ID: i64(m["id"]), Text: str(m["text"]), User: userFrom(m["user"])}
	if t, ok := m["createdAt"].(time.Time); ok {
		c.CreatedAt = t.UTC()
	}
	return c
}

func userFrom(v any) stylegraph.User {
	m, _ := v.(map[string]any)
	return stylegraph.User{ID: i64(m["id"]), Name: str(m["name"]), ImageURL: str(m["imageURL"]), Home: str(m["home"])}
}

// PostRef returns a post's feed ID and author, or ENOTFOUND.
func (s *PostStore) PostRef(ctx context.Context, postID int64) (feedID, authorID int64, err error) {
	res, err := s.db.runNamed(ctx, "post_ref", map[string]any{"id": postID})
	if err != nil {
		return 0, 0, err
	}
	if len(res.Records) == 0 {
		return 0, 0, stylegraph.Errorf(stylegraph.ENOTFOUND, "post %d not found", postID)
	}
	r := res.Records[0]
	f, _ := r.Get("feedId")
	a, _ := r.Get("authorId")
	return i64(f), i64(a), nil
}

// DeletePost removes a post and its comments and returns its feed ID, or
// ENOTFOUND.
func (s *PostStore) DeletePost(ctx context.Context, postID int64) (int64, error) {
	res, err := s.db.runNamed(ctx, "delete_post", map[string]any{"id": postID})
	if err != nil {
		return 0, err
	}
	return single(res, "feedId", "post %d not found", postID)
}

// EditPost replaces a post's title, text and tags and returns its feed ID,
// or ENOTFOUND.
func (s *PostStore) EditPost(ctx context.Context, postID int64, title, text string, tags []string, mentions []int64) (int64, error) {
	res, err := s.db.runNamed(ctx, "edit_post", map[string]any{
		"id": postID, "title": title, "text": text, "tags": nonNil(tags), "mentions": nonNilIDs(mentions),
	})
	if err != nil {
		return 0, err
	}
	return single(res, "feedId", "post %d not found", postID)
}

// PostMentions returns the IDs of the users a post mentions.
func (s *PostStore) PostMentions(ctx context.Context, postID int64) ([]int64, error) {
	res, err := s.db.runNamed(ctx, "post_mentions", map[string]any{"id": postID})
	if err != nil {
		return nil, err
	}
	return int64s(res, "id"), nil
}

// LikePost records a like (idempotent) and returns the post's feed ID, or
// ENOTFOUND.
func (s *PostStore) LikePost(ctx context.Context, userID, postID int64, at time.Time) (int64, error) {
	res, err := s.db.runNamed(ctx, "like_post", map[string]any{"userId": userID, "postId": postID, "at": at.UTC()})
	if err != nil {
		return 0, err
	}
	return single(res, "feedId", "post %d not found", postID)
}

// UnlikePost removes a like (idempotent) and returns the post's feed ID, or
// ENOTFOUND.
func (s *PostStore) UnlikePost(ctx context.Context, userID, postID int64) (int64, error) {
	res, err := s.db.runNamed(ctx, "unlike_post", map[string]any{"userId": userID, "postId": postID})
	if err != nil {
		return 0, err
	}
	return single(res, "feedId", "post %d not found", postID)
}

// AddComment writes a comment (idempotent by comment ID) and returns the
// post's feed ID, or ENOTFOUND.
func (s *PostStore) AddComment(ctx context.Context, c stylegraph.NewComment) (int64, error) {
	res, err := s.db.runNamed(ctx, "create_comment", map[string]any{
		"id": c.ID, "userId": c.UserID, "postId": c.PostID, "text": c.Text, "at": c.CreatedAt.UTC(),
		"tags": nonNil(stylegraph.Hashtags(c.Text)), "mentions": nonNilIDs(stylegraph.Mentions(c.Text)),
	})
	if err != nil {
		return 0, err
	}
	return single(res, "feedId", "post %d not found", c.PostID)
}

// Comments returns up to limit comments on a post below the comment ID
// before, newest first, or ENOTFOUND when the post does not exist.
func (s *PostStore) Comments(ctx context.Context, postID, before int64, limit int) ([]stylegraph.Comment, error) {
	res, err := s.db.runNamed(ctx, "post_comments", map[string]any{"postId": postID, "before": before, "limit": limit})
	if err != nil {
		return nil, err
	}
	if len(res.Records) == 0 {
		return nil, stylegraph.Errorf(stylegraph.ENOTFOUND, "post %d not found", postID)
	}
	v, _ := res.Records[0].Get("comments")
	out := []stylegraph.Comment{}
	for _, x := range anys(v) {
		out = append(out, commentFrom(x))
	}
	return out, nil
}

// CommentAuthor returns who wrote the comment on the post, or ENOTFOUND.
func (s *PostStore) CommentAuthor(ctx context.Context, postID, commentID int64) (int64, error) {
	res, err := s.db.runNamed(ctx, "comment_ref", map[string]any{"id": commentID, "postId": postID})
	if err != nil {
		return 0, err
	}
	return single(res, "authorId", "comment %d not found on post %d", commentID, postID)
}

// DeleteComment removes the comment and returns its post's feed ID, or
// ENOTFOUND.
func (s *PostStore) DeleteComment(ctx context.Context, postID, commentID int64) (int64, error) {
	res, err := s.db.runNamed(ctx, "delete_comment", map[string]any{"id": commentID, "postId": postID})
	if err != nil {
		return 0, err
	}
	return single(res, "feedId", "comment %d not found on post %d", commentID, postID)
}
