package api

import (
	"context"
	"net/http"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/stylegraph/stylegraph"
)

// readyTimeout bounds /readyz as a whole: a load balancer's probe must get
// an answer even when a dependency hangs.
const readyTimeout = time.Second

// livez answers as long as the process serves HTTP; it never touches a
// dependency, so a dependency outage never gets the process restarted.
func (s *Server) livez(c *gin.Context) {
	c.JSON(http.StatusOK, gin.H{"status": "ok"})
}

// DependencyStatus is one line of the readiness report.
type DependencyStatus struct {
	Status    string  `json:"status"`
	Required  bool    `json:"required"`
	LatencyMS float64 `json:"latencyMs"`
	Error     string  `json:"error,omitempty"`
}

// readiness is what /readyz decides: the overall status, its HTTP code
// and, unless shutting down, each dependency's line.
type readiness struct {
	status string
	code   int
	deps   map[string]DependencyStatus
}

// ready pings every dependency in parallel within readyTimeout. Only a
// required dependency being down (Redis, for the API) makes it answer 503;
// an optional one down is "degraded" with 200, so one outage does not take
// every replica out of the load balancer. From the start of shutdown it
// answers 503 at once.
func (s *Server) ready(ctx context.Context) readiness {
	if s.draining() {
		return readiness{status: "shutting_down", code: http.StatusServiceUnavailable}
	}
	pctx, pcancel := context.WithTimeout(ctx, readyTimeout*7/10)
	defer pcancel()
	var (
		mu  sync.Mutex
		wg  sync.WaitGroup
		out = make(map[string]DependencyStatus, len(s.deps))
	)
	for _, d := range s.deps {
		wg.Add(1)
		go func() {
			defer wg.Done()
			start := time.Now()
			err := d.Ping(pctx)
			st := DependencyStatus{Status: "up", Required: d.Required, LatencyMS: float64(time.Since(start).Microseconds()) / 1000}
			if err != nil {
				st.Status, st.Error = "down", stylegraph.ErrorMessage(err)
				if pctx.Err() != nil {
					st.Error = "no answer within " + (readyTimeout * 7 / 10).String()
				}
			}
			mu.Lock()
			out[d.Name] = st
			mu.Unlock()
		}()
	}
	wg.Wait()
	r := readiness{status: "ready", code: http.StatusOK, deps: out}
	for _, st := range out {
		switch {
		case st.Status == "up":
		case st.Required:
			r.status, r.code = "unavailable", http.StatusServiceUnavailable
		case r.status == "ready":
			r.status = "degraded"
		}
	}
	return r
}

// readyz is the public readiness probe: the status alone. Dependency names,
// errors, latencies and lag describe the deployment to whoever asks, so
// they are served only on the internal listener (readyzDetails).
func (s *Server) readyz(c *gin.Context) {
	ctx, cancel := context.WithTimeout(c.Request.Context(), readyTimeout)
	defer cancel()
	r := s.ready(ctx)
	if r.code == http.StatusServiceUnavailable {
		c.Header("Retry-After", "1")
	}
	c.JSON(r.code, gin.H{"status": r.status})
}

// readyzDetails is /readyz on the internal listener: the same decision with
// every dependency's line and the subsystems' details (consumer lag, …).
func (s *Server) readyzDetails(c *gin.Context) {
	ctx, cancel := context.WithTimeout(c.Request.Context(), readyTimeout)
	defer cancel()
	r := s.ready(ctx)
	body := gin.H{"status": r.status}
	if r.deps != nil {
		body["dependencies"] = r.deps
		if s.details != nil {
			body["details"] = s.details(ctx)
		}
	}
	if r.code == http.StatusServiceUnavailable {
		c.Header("Retry-After", "1")
	}
	c.JSON(r.code, body)
}

// newInternal builds the handler of the internal listener (INTERNAL_ADDR):
// metrics, detailed readiness and liveness for operators and Prometheus,
// never reachable through the public port.
func (s *Server) newInternal() *gin.Engine {
	e := gin.New()
	e.Use(s.recoverPanic)
	e.GET("/livez", s.livez)
	e.GET("/healthz", s.livez)
	e.GET("/readyz", s.readyzDetails)
	e.GET("/metrics", gin.WrapH(promhttp.HandlerFor(s.reg, promhttp.HandlerOpts{Registry: s.reg})))
	return e
}

// me answers GET /v1/me: who the caller is.
func me(c *gin.Context) {
	c.JSON(http.StatusOK, principal(c))
}
