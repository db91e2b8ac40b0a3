package api

import (
	"net/http"

	"github.com/gin-gonic/gin"
	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
)

// traced wraps h so each request is a server span, continuing the caller's
// trace when it sends a traceparent header.
func traced(h http.Handler, tp trace.TracerProvider) http.Handler {
	return otelhttp.NewHandler(h, "http",
		otelhttp.WithTracerProvider(tp),
		otelhttp.WithPropagators(propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{})),
		// Probes and scrapes would drown the traces that matter.
		otelhttp.WithFilter(func(r *http.Request) bool {
			switch r.URL.Path {
			case "/livez", "/healthz", "/readyz", "/metrics":
				return false
			}
			return true
		}),
	)
}

// nameSpanByRoute names the request's span by its route pattern
// ("GET /v1/products/:id"), not by its path, so names stay few.
func nameSpanByRoute(c *gin.Context) {
	if route := c.FullPath(); route != "" {
		span := trace.SpanFromContext(c.Request.Context())
		span.SetName(c.Request.Method + " " + route)
		span.SetAttributes(attribute.String("http.route", route))
	}
	c.Next()
}
