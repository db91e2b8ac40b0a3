package api

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
)

// Budgets are the time a request may take, by kind. Each call the request
// makes to Neo4j, OpenSearch or Redis takes its share of what is left
// (package budget), so a hung dependency costs at most the budget and the
// caller gets 503 with Retry-After instead of waiting. A zero budget leaves
// that kind of request without a deadline; `serve` sets all three from the
// configuration (REQUEST_BUDGET, REQUEST_BUDGET_WRITE, REQUEST_BUDGET_ADMIN).
type Budgets struct {
	Read  time.Duration // GET
	Write time.Duration // POST, PUT, DELETE
	Admin time.Duration // admin reports, data export and erasure
}

// unbudgeted routes are long-lived (the live stream) or bound themselves
// (probes, metrics).
var unbudgeted = map[string]bool{
	"/v1/feed/stream": true,
	"/readyz":         true,
	"/livez":          true,
	"/healthz":        true,
	"/metrics":        true,
}

// budgetFor is the budget of the route (by pattern) and method; 0 means none.
func (b Budgets) budgetFor(method, route string) time.Duration {
	switch {
	case route == "" || unbudgeted[route]:
		return 0
	case strings.HasPrefix(route, "/v1/admin/"), route == "/v1/me/export",
		route == "/v1/me" && method == http.MethodDelete:
		return b.Admin
	case method == http.MethodGet || method == http.MethodHead:
		return b.Read
	}
	return b.Write
}

// withBudget gives the request's context the route's deadline.
func (s *Server) withBudget(c *gin.Context) {
	d := s.budgets.budgetFor(c.Request.Method, c.FullPath())
	if d <= 0 {
		c.Next()
		return
	}
	ctx, cancel := context.WithTimeout(c.Request.Context(), d)
	defer cancel()
	c.Request = c.Request.WithContext(ctx)
	c.Next()
}
