package api

import (
	"context"
	"net/http"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

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

// readyz pings every dependency in parallel within readyTimeout. Only a
// required dependency being down (Redis, for the API) makes it answer 503;
// an optional one down is "degraded" with 200, so one outage does not take
// every replica out of the load balancer. From the start of shutdown it
// answers 503 at once.
func (s *Server) readyz(c *gin.Context) {
	if s.draining() {
		c.Header("Retry-After", "1")
		c.JSON(http.StatusServiceUnavailable, gin.H{"status": "shutting_down"})
		return
	}
	ctx, cancel := context.WithTimeout(c.Request.Context(), readyTimeout)
	defer cancel()
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
	status, code := "ready", http.StatusOK
	for _, st := range out {
		switch {
		case st.Status == "up":
		case st.Required:
			status, code = "unavailable", http.StatusServiceUnavailable
		case status == "ready":
			status = "degraded"
		}
	}
	body := gin.H{"status": status, "dependencies": out}
	if s.details != nil {
		body["details"] = s.details(ctx)
	}
	if code == http.StatusServiceUnavailable {
		c.Header("Retry-After", "1")
	}
	c.JSON(code, body)
}

func (s *Server) me(c *gin.Context) {
	c.JSON(http.StatusOK, principal(c))
}
