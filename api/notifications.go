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

// notificationRoutes registers /v1/me/notifications: always the caller's own.
func (s *Server) notificationRoutes(n Notifications) {
	g := s.v1.Group("/me/notifications", asUser)
	g.GET("", func(c *gin.Context) {
		limit, err := queryLimit(c, 0, 0)
		if err != nil {
			writeError(c, err)
			return
		}
		page, err := n.List(c.Request.Context(), principal(c).UserID, c.Query("cursor"), limit)
		if err != nil {
			writeError(c, err)
			return
		}
		c.JSON(http.StatusOK, page)
	})
	g.POST("/read", func(c *gin.Context) {
		if err := n.MarkRead(c.Request.Context(), principal(c).UserID, time.Now()); err != nil {
			writeError(c, err)
			return
		}
		c.Status(http.StatusNoContent)
	})
}
