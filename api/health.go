package api

import (
	"context"
	"net/http"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
)

func (s *Server) healthz(c *gin.Context) {
	c.JSON(http.StatusOK, gin.H{"status": "ok"})
}

// DependencyStatus is one line of the readiness report.
type DependencyStatus struct {
	Status    string  `json:"status"`
	LatencyMS float64 `json:"latencyMs"`
	Error     string  `json:"error,omitempty"`
}

// readyz pings every dependency in parallel and answers 503 when any is down.
func (s *Server) readyz(c *gin.Context) {
	ctx, cancel := context.WithTimeout(c.Request.Context(), 3*time.Second)
	defer cancel()
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
			err := d.Ping(ctx)
			st := DependencyStatus{Status: "up", LatencyMS: float64(time.Since(start).Microseconds()) / 1000}
			if err != nil {
				st.Status, st.Error = "down", err.Error()
			}
			mu.Lock()
			out[d.Name] = st
			mu.Unlock()
		}()
	}
	wg.Wait()
	status, code := "ready", http.StatusOK
	for _, st := range out {
		if st.Status != "up" {
			status, code = "unavailable", http.StatusServiceUnavailable
		}
	}
	body := gin.H{"status": status, "dependencies": out}
	if s.details != nil {
		body["details"] = s.details(ctx)
	}
	c.JSON(code, body)
}

func (s *Server) me(c *gin.Context) {
	c.JSON(http.StatusOK, principal(c))
}
