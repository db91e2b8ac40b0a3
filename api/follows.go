package api

import (
	"context"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/stylegraph/stylegraph"
)

// Follows is what the follow endpoints need (feeds.FollowService).
type Follows interface {
	Follow(ctx context.Context, uid int64, kind string, id int64) error
	Unfollow(ctx context.Context, uid int64, kind string, id int64) error
	Followers(ctx context.Context, uid int64, cursor string, limit int) (stylegraph.UserPage, error)
	Following(ctx context.Context, uid int64, cursor string, limit int) (stylegraph.UserPage, error)
	FollowingBrands(ctx context.Context, uid int64, cursor string, limit int) (stylegraph.BrandPage, error)
}

// Profiles is what the profile endpoints need (feeds.ProfileService).
type Profiles interface {
	Profile(ctx context.Context, viewer, id int64) (stylegraph.Profile, error)
	UserPosts(ctx context.Context, viewer, author int64, cursor string, limit int) (stylegraph.FeedPage, error)
	WhoToFollow(ctx context.Context, uid int64, limit int) ([]stylegraph.FollowSuggestion, error)
}

// followHandlers serve follows and users' profiles, acting as the caller.
type followHandlers struct {
	follows  Follows
	profiles Profiles
}

func (h followHandlers) register(r router) {
	g := r.v1.Group("", asUser)
	g.PUT("/me/following/:kind/:id", h.follow)
	g.DELETE("/me/following/:kind/:id", h.unfollow)
	g.GET("/users/:id/followers", h.followers)
	g.GET("/users/:id/following", h.following)
	g.GET("/users/:id", h.profile)
	g.GET("/users/:id/posts", h.userPosts)
	g.GET("/me/suggestions/users", h.whoToFollow)
}

func (h followHandlers) follow(c *gin.Context)   { h.followOp(c, h.follows.Follow) }
func (h followHandlers) unfollow(c *gin.Context) { h.followOp(c, h.follows.Unfollow) }

func (h followHandlers) followOp(c *gin.Context, op func(context.Context, int64, string, int64) error) {
	id, err := pathID(c, "id")
	if err != nil {
		writeError(c, err)
		return
	}
	replyEmpty(c, op(c.Request.Context(), principal(c).UserID, c.Param("kind"), id))
}

func (h followHandlers) followers(c *gin.Context) {
	pageOf(c, func(ctx context.Context, id int64, cursor string, limit int) (any, error) {
		return h.follows.Followers(ctx, id, cursor, limit)
	})
}

func (h followHandlers) following(c *gin.Context) {
	kind := c.DefaultQuery("kind", "users")
	pageOf(c, func(ctx context.Context, id int64, cursor string, limit int) (any, error) {
		switch kind {
		case "users":
			return h.follows.Following(ctx, id, cursor, limit)
		case "brands":
			return h.follows.FollowingBrands(ctx, id, cursor, limit)
		}
		return nil, stylegraph.Invalid("kind", "must be users or brands")
	})
}

func (h followHandlers) profile(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		writeError(c, err)
		return
	}
	p, err := h.profiles.Profile(c.Request.Context(), principal(c).UserID, id)
	reply(c, http.StatusOK, p, err)
}

func (h followHandlers) whoToFollow(c *gin.Context) {
	limit, err := queryLimit(c, 0, 0)
	if err != nil {
		writeError(c, err)
		return
	}
	out, err := h.profiles.WhoToFollow(c.Request.Context(), principal(c).UserID, limit)
	reply(c, http.StatusOK, gin.H{"items": out}, err)
}

func (h followHandlers) userPosts(c *gin.Context) {
	viewer := principal(c).UserID
	pageOf(c, func(ctx context.Context, id int64, cursor string, limit int) (any, error) {
		return h.profiles.UserPosts(ctx, viewer, id, cursor, limit)
	})
}
