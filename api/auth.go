package api

import (
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/stylegraph/stylegraph"
)

// identify turns the request's bearer token or API key into its caller.
// It only checks credentials (no I/O); guard decides what happens next.
func (s *Server) identify(c *gin.Context) (stylegraph.Principal, error) {
	authz := c.GetHeader("Authorization")
	key := c.GetHeader("X-API-Key")
	switch {
	case authz != "":
		scheme, token, ok := strings.Cut(authz, " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(token) == "" {
			return stylegraph.Principal{}, stylegraph.Errorf(stylegraph.EUNAUTHORIZED, "Authorization header must be 'Bearer <token>'")
		}
		return s.auth.VerifyToken(strings.TrimSpace(token))
	case key != "":
		return s.auth.VerifyAPIKey(key)
	default:
		return stylegraph.Principal{}, stylegraph.Errorf(stylegraph.EUNAUTHORIZED, "authentication required: send 'Authorization: Bearer <token>' or 'X-API-Key'")
	}
}

// allow admits only callers holding one of the roles.
func allow(roles ...stylegraph.Role) gin.HandlerFunc {
	return func(c *gin.Context) {
		p, _ := stylegraph.PrincipalFromContext(c.Request.Context())
		if !p.Is(roles...) {
			writeError(c, stylegraph.Errorf(stylegraph.EFORBIDDEN, "role %q may not call this endpoint", p.Role))
			return
		}
		c.Next()
	}
}

// principal returns the authenticated caller; routes under /v1 always have one.
func principal(c *gin.Context) stylegraph.Principal {
	p, _ := stylegraph.PrincipalFromContext(c.Request.Context())
	return p
}

// serviceRoutes are the only routes backends may call: ingest and catalog
// (and introspection of their own key).
var serviceRoutes = map[string]bool{
	"POST /v1/events":         true,
	"GET /v1/products/:id":    true,
	"PUT /v1/products/:id":    true,
	"POST /v1/products":       true,
	"DELETE /v1/products/:id": true,
	"PUT /v1/users/:id":       true,
	"GET /v1/me":              true,
}

// scopeServices keeps service callers to ingest and catalog, so a leaked
// backend key cannot read shoppers' feeds or the admin insights.
var scopeServices = scopeRole(stylegraph.RoleService, serviceRoutes, "service credentials may only call ingest and catalog endpoints")

// scopeRole keeps callers of role to routes ("METHOD /pattern"), refusing
// them anything else with msg.
func scopeRole(role stylegraph.Role, routes map[string]bool, msg string) gin.HandlerFunc {
	return func(c *gin.Context) {
		if principal(c).Role == role && !routes[c.Request.Method+" "+c.FullPath()] {
			writeError(c, stylegraph.Errorf(stylegraph.EFORBIDDEN, "%s", msg))
			return
		}
		c.Next()
	}
}
