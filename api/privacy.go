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

// privacyHandlers serve the caller's data export and erasure; both are
// audited when an Auditor is set.
type privacyHandlers struct {
	privacy Privacy
	audit   Auditor
}

func (h privacyHandlers) register(r router) {
	r.v1.GET("/me/export", h.exportMe)
	r.v1.DELETE("/me", h.eraseMe)
}

func (h privacyHandlers) exportMe(c *gin.Context) {
	p := principal(c)
	if p.UserID <= 0 {
		writeError(c, errNoUser)
		return
	}
	data, err := h.privacy.Export(c.Request.Context(), p.UserID)
	h.auditExport(c, "GET /v1/me/export", err)
	if err != nil {
		writeError(c, err)
		return
	}
	c.Header("Content-Disposition", `attachment; filename="stylegraph-export.json"`)
	c.JSON(http.StatusOK, data)
}

func (h privacyHandlers) eraseMe(c *gin.Context) {
	p := principal(c)
	if p.UserID <= 0 {
		writeError(c, errNoUser)
		return
	}
	err := h.privacy.Erase(c.Request.Context(), p.UserID)
	h.auditExport(c, "DELETE /v1/me", err)
	if err != nil {
		writeError(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// auditExport records data-access and erasure requests; the entry names the
// user, not their data.
func (h privacyHandlers) auditExport(c *gin.Context, action string, err error) {
	if h.audit == nil {
		return
	}
	p := principal(c)
	status := http.StatusOK
	if err != nil {
		status = statusOf[stylegraph.ErrorCode(err)]
	}
	if rerr := h.audit.Record(c.Request.Context(), audit.Entry{
		UserID: p.UserID, Role: p.Role, Action: action, Status: status, RequestID: RequestIDFromContext(c.Request.Context()),
	}); rerr != nil {
		logger(c).ErrorContext(c.Request.Context(), "audit record failed", "err", rerr.Error())
	}
}
