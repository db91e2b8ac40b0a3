package api

import (
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/stylegraph/stylegraph"
)

// metrics are the HTTP server's Prometheus series.
type metrics struct {
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
}

func newMetrics(reg prometheus.Registerer) *metrics {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "stylegraph_http_requests_total", Help: "HTTP requests by route, method and status.",
		}, []string{"route", "method", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "stylegraph_http_request_duration_seconds",
			Help:    "HTTP request latency by route, method and status.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
		}, []string{"route", "method", "status"}),
	}
	reg.MustRegister(m.requests, m.latency)
	return m
}

// requestContext gives each request an ID, logs one line when it ends and
// records its metrics. Routes are labelled by pattern, never by raw path, so
// IDs in URLs neither explode the series nor reach the logs.
func (s *Server) requestContext(c *gin.Context) {
	start := time.Now()
	c.Set(loggerKey, s.log)
	id := c.GetHeader("X-Request-ID")
	if !validRequestID(id) {
		id = newRequestID()
	}
	c.Header("X-Request-ID", id)
	c.Request = c.Request.WithContext(NewContextWithRequestID(c.Request.Context(), id))

	c.Next()

	route := c.FullPath()
	if route == "" {
		route = "unmatched"
	}
	status := strconv.Itoa(c.Writer.Status())
	elapsed := time.Since(start)
	s.metrics.requests.WithLabelValues(route, c.Request.Method, status).Inc()
	s.metrics.latency.WithLabelValues(route, c.Request.Method, status).Observe(elapsed.Seconds())
	s.log.LogAttrs(c.Request.Context(), slog.LevelInfo, "http request",
		slog.String("method", c.Request.Method),
		slog.String("route", route),
		slog.Int("status", c.Writer.Status()),
		slog.Float64("ms", float64(elapsed.Microseconds())/1000),
		slog.Int("bytes", c.Writer.Size()),
	)
}

// recoverPanic turns a handler panic into the JSON 500 and logs it once.
func (s *Server) recoverPanic(c *gin.Context) {
	defer func() {
		if r := recover(); r != nil {
			if r == http.ErrAbortHandler {
				panic(r)
			}
			s.log.ErrorContext(c.Request.Context(), "handler panic", "route", c.FullPath(), "panic", fmt.Sprint(r))
			if !c.Writer.Written() {
				respond(c, stylegraph.Errorf(stylegraph.EINTERNAL, "internal error"))
			} else {
				c.Abort()
			}
		}
	}()
	c.Next()
}

// limitBody caps request bodies; handlers see *http.MaxBytesError past it.
// Routes registered in bodyLimits get their own cap.
func (s *Server) limitBody(c *gin.Context) {
	if c.Request.Body != nil {
		limit := s.maxBody
		if n, ok := s.bodyLimits[c.FullPath()]; ok {
			limit = n
		}
		c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, limit)
	}
	c.Next()
}
