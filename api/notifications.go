package api

import (
	"context"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/stylegraph/stylegraph"
)

// Notifications serves the caller's notifications (notify.Store).
type Notifications interface {
	List(ctx context.Context, uid int64, cursor string, limit int) (stylegraph.NotificationPage, error)
	MarkRead(ctx context.Context, uid int64, now time.Time) error
}

// notificationHandlers serve /v1/me/notifications: always the caller's own.
type notificationHandlers struct{ n Notifications }

func (h notificationHandlers) register(r router) {
	g := r.v1.Group("/me/notifications", asUser)
	g.GET("", h.list)
	g.POST("/read", h.markRead)
}

func (h notificationHandlers) list(c *gin.Context) {
	cursorPage(c, func(ctx context.Context, cursor string, limit int) (any, error) {
		return h.n.List(ctx, principal(c).UserID, cursor, limit)
	})
}

func (h notificationHandlers) markRead(c *gin.Context) {
	replyEmpty(c, h.n.MarkRead(c.Request.Context(), principal(c).UserID, time.Now()))
}
