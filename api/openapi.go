package api

import (
	_ "embed"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
)

// openAPISpec is the API contract, served at /openapi.yaml and checked
// against the routes by the tests.
//
//go:embed openapi.yaml
var openAPISpec []byte

// OpenAPISpec returns the embedded OpenAPI document.
func OpenAPISpec() []byte { return openAPISpec }

func (s *Server) openAPI(c *gin.Context) {
	c.Data(http.StatusOK, "application/yaml", openAPISpec)
}

// Route is one registered method and path, in OpenAPI's {param} form.
type Route struct {
	Method string
	Path   string
}

// Routes lists every route the server answers.
func (s *Server) Routes() []Route {
	var out []Route
	for _, r := range s.engine.Routes() {
		parts := strings.Split(r.Path, "/")
		for i, p := range parts {
			if strings.HasPrefix(p, ":") || strings.HasPrefix(p, "*") {
				parts[i] = "{" + p[1:] + "}"
			}
		}
		out = append(out, Route{Method: r.Method, Path: strings.Join(parts, "/")})
	}
	return out
}
