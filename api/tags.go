package api

import (
	"context"

	"github.com/gin-gonic/gin"

	"github.com/stylegraph/stylegraph"
)

// Tags is what the tag endpoints need (feeds.Service): following tags and
// the posts of one.
type Tags interface {
	FollowTag(ctx context.Context, uid int64, name string) error
	UnfollowTag(ctx context.Context, uid int64, name string) error
	FollowingTags(ctx context.Context, uid int64, cursor string, limit int) (stylegraph.TagPage, error)
	TagPosts(ctx context.Context, viewer int64, name, cursor string, limit int) (stylegraph.FeedPage, error)
}

// tagHandlers serve the tag endpoints; like the feed's, they act as the
// caller.
func (h tagHandlers) register(r router) {
	g := r.v1.Group("", asUser)
	g.GET("/me/tags", h.following)
	g.PUT("/me/tags/:name", h.follow)
	g.DELETE("/me/tags/:name", h.unfollow)
	g.GET("/tags/:name/posts", h.posts)
}

type tagHandlers struct{ t Tags }

func (h tagHandlers) follow(c *gin.Context)   { h.toggle(c, h.t.FollowTag) }
func (h tagHandlers) unfollow(c *gin.Context) { h.toggle(c, h.t.UnfollowTag) }

func (h tagHandlers) toggle(c *gin.Context, op func(context.Context, int64, string) error) {
	replyEmpty(c, op(c.Request.Context(), principal(c).UserID, c.Param("name")))
}

func (h tagHandlers) following(c *gin.Context) {
	cursorPage(c, func(ctx context.Context, cursor string, limit int) (any, error) {
		return h.t.FollowingTags(ctx, principal(c).UserID, cursor, limit)
	})
}

func (h tagHandlers) posts(c *gin.Context) {
	cursorPage(c, func(ctx context.Context, cursor string, limit int) (any, error) {
		return h.t.TagPosts(ctx, principal(c).UserID, c.Param("name"), cursor, limit)
	})
}
