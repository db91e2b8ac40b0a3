package api

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/stylegraph/stylegraph"
)

// markDegraded lets the layers below record that a dependency was done
// without (stylegraph.MarkDegraded); the answer then carries
// "X-Degraded: neo4j,…" so clients and dashboards can tell a fallback answer.
func (s *Server) markDegraded(c *gin.Context) {
	c.Request = c.Request.WithContext(stylegraph.NewContextWithDegradation(c.Request.Context()))
	c.Writer = degradedWriter{ResponseWriter: c.Writer, c: c}
	c.Next()
}

// degradedWriter adds the header when the status is set, which every gin
// render does before the body is written.
type degradedWriter struct {
	gin.ResponseWriter
	c *gin.Context
}

func (w degradedWriter) WriteHeader(code int) {
	if deps := stylegraph.Degraded(w.c.Request.Context()); len(deps) > 0 {
		w.Header().Set("X-Degraded", strings.Join(deps, ","))
	}
	w.ResponseWriter.WriteHeader(code)
}

// Unwrap lets http.ResponseController reach the connection (live streams
// clear their write deadline through it).
func (w degradedWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
