package api

import (
	"context"
	"net/http"
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
	limit, err := queryLimit(c, 0, 0)
	if err != nil {
		writeError(c, err)
		return
	}
	page, err := h.n.List(c.Request.Context(), principal(c).UserID, c.Query("cursor"), limit)
	if err != nil {
		writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, page)
}

func (h notificationHandlers) markRead(c *gin.Context) {
	if err := h.n.MarkRead(c.Request.Context(), principal(c).UserID, time.Now()); err != nil {
		writeError(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}
