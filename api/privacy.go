package api

import (
	"context"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/audit"
)

// Privacy answers data-access and erasure requests.
type Privacy interface {
	Export(ctx context.Context, userID int64) (map[string]any, error)
	Erase(ctx context.Context, userID int64) error
}

func (s *Server) registerPrivacy() {
	s.v1.GET("/me/export", s.exportMe)
	s.v1.DELETE("/me", s.eraseMe)
}

func (s *Server) exportMe(c *gin.Context) {
	p := principal(c)
	if p.UserID <= 0 {
		writeError(c, errNoUser)
		return
	}
	data, err := s.privacy.Export(c.Request.Context(), p.UserID)
	s.auditExport(c, "GET /v1/me/export", err)
	if err != nil {
		writeError(c, err)
		return
	}
	c.Header("Content-Disposition", `attachment; filename="stylegraph-export.json"`)
	c.JSON(http.StatusOK, data)
}

func (s *Server) eraseMe(c *gin.Context) {
	p := principal(c)
	if p.UserID <= 0 {
		writeError(c, errNoUser)
		return
	}
	err := s.privacy.Erase(c.Request.Context(), p.UserID)
	s.auditExport(c, "DELETE /v1/me", err)
	if err != nil {
		writeError(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// auditExport records data-access and erasure requests; the entry names the
// user, not their data.
func (s *Server) auditExport(c *gin.Context, action string, err error) {
	if s.audit == nil {
		return
	}
	p := principal(c)
	status := http.StatusOK
	if err != nil {
		status = statusOf[stylegraph.ErrorCode(err)]
	}
	if rerr := s.audit.Record(c.Request.Context(), audit.Entry{
		UserID: p.UserID, Role: p.Role, Action: action, Status: status, RequestID: RequestIDFromContext(c.Request.Context()),
	}); rerr != nil {
		s.log.ErrorContext(c.Request.Context(), "audit record failed", "err", rerr.Error())
	}
}
