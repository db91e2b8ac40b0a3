package api

import (
	"context"
	"math"
	"strconv"
	"time"

	"github.com/gin-contrib/cors"
	"github.com/gin-gonic/gin"

	"github.com/stylegraph/stylegraph"
)

// RateLimiter spends one request of a key's budget.
type RateLimiter interface {
	Allow(ctx context.Context, key string, perMinute, burst int) (bool, time.Duration, error)
}

// RateLimits are requests per minute; zero turns a limit off. Service callers
// get ServiceFactor times the per-principal budget, since one backend speaks
// for many shoppers.
type RateLimits struct {
	PerPrincipal  int
	PerIP         int
	ServiceFactor int
}

// limitIP applies the per-IP budget before authentication, so floods of bad
// credentials are cut off too.
func (s *Server) limitIP(c *gin.Context) {
	if s.limiter == nil || s.limits.PerIP <= 0 {
		c.Next()
		return
	}
	s.spend(c, "ip:"+c.ClientIP(), s.limits.PerIP)
}

// limitPrincipal applies the per-caller budget after authentication.
func (s *Server) limitPrincipal(c *gin.Context) {
	if s.limiter == nil || s.limits.PerPrincipal <= 0 {
		c.Next()
		return
	}
	p := principal(c)
	key, budget := "user:"+strconv.FormatInt(p.UserID, 10), s.limits.PerPrincipal
	if p.Via == "api_key" {
		key, budget = "key:"+p.KeyID, s.limits.PerPrincipal*max(1, s.limits.ServiceFactor)
	}
	s.spend(c, key, budget)
}

func (s *Server) spend(c *gin.Context, key string, perMinute int) {
	// A burst of a tenth of a minute's budget absorbs app start-up fan-outs.
	ok, retry, err := s.limiter.Allow(c.Request.Context(), key, perMinute, max(1, perMinute/10))
	if err != nil {
		// Fail open: a Redis hiccup must not take the whole API down.
		s.log.WarnContext(c.Request.Context(), "rate limiter unavailable", "err", err.Error())
		c.Next()
		return
	}
	if !ok {
		c.Header("Retry-After", strconv.Itoa(int(math.Ceil(retry.Seconds()))))
		writeError(c, stylegraph.Errorf(stylegraph.ERATELIMITED, "too many requests; retry after %s", retry.Round(time.Second)))
		return
	}
	c.Next()
}

// corsHandler allows browsers on the configured origins to call the API.
func corsHandler(origins []string) gin.HandlerFunc {
	return cors.New(cors.Config{
		AllowOrigins:     origins,
		AllowMethods:     []string{"GET", "POST", "PUT", "DELETE", "OPTIONS"},
		AllowHeaders:     []string{"Authorization", "Content-Type", "X-API-Key", "X-Request-ID", "Last-Event-ID"},
		ExposeHeaders:    []string{"X-Request-ID", "Retry-After"},
		AllowCredentials: false,
		MaxAge:           10 * time.Minute,
	})
}
