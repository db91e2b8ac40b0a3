package api

import (
	"context"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/stylegraph/stylegraph"
)

// Posts is what the post endpoints need (feeds.PostService).
type Posts interface {
	CreatePost(ctx context.Context, author int64, d stylegraph.PostDraft) (stylegraph.Feed, error)
	Post(ctx context.Context, viewer, postID int64) (stylegraph.Feed, error)
	DeletePost(ctx context.Context, p stylegraph.Principal, postID int64) error
	EditPost(ctx context.Context, p stylegraph.Principal, postID int64, e stylegraph.PostEdit) (stylegraph.Feed, error)
}

// Likes is what liking a post needs (feeds.LikeService).
type Likes interface {
	Like(ctx context.Context, uid, postID int64) (stylegraph.Feed, error)
	Unlike(ctx context.Context, uid, postID int64) (stylegraph.Feed, error)
}

// Comments is what the comment endpoints need (feeds.CommentService).
type Comments interface {
	AddComment(ctx context.Context, uid, postID int64, text string) (stylegraph.Comment, error)
	Comments(ctx context.Context, postID int64, cursor string, limit int) (stylegraph.CommentPage, error)
	DeleteComment(ctx context.Context, p stylegraph.Principal, postID, commentID int64) error
}

// postHandlers serve a post, its likes and its comments, acting as the
// caller.
type postHandlers struct {
	posts    Posts
	likes    Likes
	comments Comments
}

func (h postHandlers) register(r router) {
	g := r.v1.Group("", asUser)
	g.POST("/posts", detach, r.idempotent, h.createPost)
	g.GET("/posts/:id", h.post)
	g.DELETE("/posts/:id", h.deletePost)
	g.PATCH("/posts/:id", h.editPost)
	g.PUT("/posts/:id/like", h.like)
	g.DELETE("/posts/:id/like", h.unlike)
	g.POST("/posts/:id/comments", detach, r.idempotent, h.addComment)
	g.GET("/posts/:id/comments", h.listComments)
	g.DELETE("/posts/:id/comments/:commentId", h.deleteComment)
}

func (h postHandlers) createPost(c *gin.Context) {
	var d stylegraph.PostDraft
	if err := decodeStrict(c.Request.Body, &d); err != nil {
		writeError(c, err)
		return
	}
	f, err := h.posts.CreatePost(c.Request.Context(), principal(c).UserID, d)
	reply(c, http.StatusCreated, f, err)
}

func (h postHandlers) post(c *gin.Context) {
	h.onPost(c, func(ctx context.Context, p stylegraph.Principal, id int64) (stylegraph.Feed, error) {
		return h.posts.Post(ctx, p.UserID, id)
	})
}

func (h postHandlers) deletePost(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		writeError(c, err)
		return
	}
	replyEmpty(c, h.posts.DeletePost(c.Request.Context(), principal(c), id))
}

func (h postHandlers) editPost(c *gin.Context) {
	h.onPost(c, func(ctx context.Context, p stylegraph.Principal, id int64) (stylegraph.Feed, error) {
		var e stylegraph.PostEdit
		if err := decodeStrict(c.Request.Body, &e); err != nil {
			return stylegraph.Feed{}, err
		}
		return h.posts.EditPost(ctx, p, id, e)
	})
}

func (h postHandlers) like(c *gin.Context) {
	h.onPost(c, func(ctx context.Context, p stylegraph.Principal, id int64) (stylegraph.Feed, error) {
		return h.likes.Like(ctx, p.UserID, id)
	})
}

func (h postHandlers) unlike(c *gin.Context) {
	h.onPost(c, func(ctx context.Context, p stylegraph.Principal, id int64) (stylegraph.Feed, error) {
		return h.likes.Unlike(ctx, p.UserID, id)
	})
}

// onPost answers an operation on the post in the path with the post's
// feed object as the caller sees it after.
func (h postHandlers) onPost(c *gin.Context, op func(ctx context.Context, p stylegraph.Principal, id int64) (stylegraph.Feed, error)) {
	id, err := pathID(c, "id")
	if err != nil {
		writeError(c, err)
		return
	}
	f, err := op(c.Request.Context(), principal(c), id)
	reply(c, http.StatusOK, f, err)
}

func (h postHandlers) addComment(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		writeError(c, err)
		return
	}
	var body struct {
		Text string `json:"text"`
	}
	if err := decodeStrict(c.Request.Body, &body); err != nil {
		writeError(c, err)
		return
	}
	cm, err := h.comments.AddComment(c.Request.Context(), principal(c).UserID, id, body.Text)
	reply(c, http.StatusCreated, cm, err)
}

func (h postHandlers) deleteComment(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		writeError(c, err)
		return
	}
	cid, err := pathID(c, "commentId")
	if err != nil {
		writeError(c, err)
		return
	}
	replyEmpty(c, h.comments.DeleteComment(c.Request.Context(), principal(c), id, cid))
}

func (h postHandlers) listComments(c *gin.Context) {
	pageOf(c, func(ctx context.Context, id int64, cursor string, limit int) (any, error) {
		return h.comments.Comments(ctx, id, cursor, limit)
	})
}
