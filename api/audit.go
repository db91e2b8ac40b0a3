package api

import (
	"context"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/audit"
)

// Auditor keeps the append-only record of privileged calls.
type Auditor interface {
	Record(ctx context.Context, e audit.Entry) error
	List(ctx context.Context, cursor string, limit int) ([]audit.Entry, string, error)
}

// adminGroup is /v1/admin: audited first (refused attempts are on record
// too), then only merchandisers and admins.
func (s *Server) adminGroup() *gin.RouterGroup {
	if s.admin == nil {
		s.admin = s.v1.Group("/admin", s.audited, allow(stylegraph.RoleMerchandiser, stylegraph.RoleAdmin))
	}
	return s.admin
}

// audited records every admin call, whatever its outcome, after it ran.
func (s *Server) audited(c *gin.Context) {
	c.Next()
	if s.audit == nil {
		return
	}
	p := principal(c)
	params := map[string]string{}
	for k, v := range c.Request.URL.Query() {
		params[k] = strings.Join(v, ",")
	}
	rows, _ := c.Get("auditRows")
	n, _ := rows.(int)
	err := s.audit.Record(c.Request.Context(), audit.Entry{
		UserID: p.UserID, KeyID: p.KeyID, Role: p.Role, Action: c.Request.Method + " " + c.FullPath(),
		Params: params, Status: c.Writer.Status(), Rows: n, RequestID: RequestIDFromContext(c.Request.Context()),
	})
	if err != nil {
		s.log.ErrorContext(c.Request.Context(), "audit record failed", "err", err.Error())
	}
}

// auditHandlers serve GET /v1/admin/audit, to admins only.
type auditHandlers struct{ audit Auditor }

func (h auditHandlers) register(r router) {
	r.admin().GET("/audit", allow(stylegraph.RoleAdmin), h.list)
}

func (h auditHandlers) list(c *gin.Context) {
	q := &query{c: c}
	limit := q.int("limit", 50, 1, 500)
	filter := parseAuditFilter(q)
	if q.err != nil {
		writeError(c, q.err)
		return
	}
	entries, next, err := h.listAudit(c.Request.Context(), filter, c.Query("cursor"), limit)
	if err != nil {
		writeError(c, err)
		return
	}
	c.Set("auditRows", len(entries))
	var nc any
	if next != "" {
		nc = next
	}
	c.JSON(http.StatusOK, gin.H{"entries": entries, "nextCursor": nc})
}
