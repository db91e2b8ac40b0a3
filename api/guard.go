package api

import (
	"context"
	"math"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gin-contrib/cors"
	"github.com/gin-gonic/gin"
	"github.com/redis/go-redis/v9"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/feeds"
	"github.com/stylegraph/stylegraph/ingest"
	"github.com/stylegraph/stylegraph/limit"
)

// RateLimiter spends one request of each budget (limit.Limiter), in a
// round trip of its own (AllowAll) or queued on a pipeline another read
// sends (Queue).
type RateLimiter interface {
	AllowAll(ctx context.Context, budgets ...limit.Budget) (bool, time.Duration, error)
	Queue(ctx context.Context, p redis.Pipeliner, budgets ...limit.Budget) *limit.Pending
}

// RateLimits are requests per minute; zero turns a limit off. Service callers
// get ServiceFactor times the per-principal budget, since one backend speaks
// for many shoppers.
type RateLimits struct {
	PerPrincipal  int
	PerIP         int
	ServiceFactor int
}

// guard admits /v1 callers: it authenticates the caller and spends the
// per-IP and per-caller budgets in one Redis round trip. The per-IP budget
// is spent for callers whose credentials fail too, so floods of bad
// credentials are cut off; a refused budget answers 429 before any 401.
func (s *Server) guard(c *gin.Context) {
	p, authErr := s.identify(c)
	var budgets []limit.Budget
	if s.limiter != nil && s.limits.PerIP > 0 {
		budgets = append(budgets, budget("ip:"+c.ClientIP(), s.limits.PerIP))
	}
	if s.limiter != nil && s.limits.PerPrincipal > 0 && authErr == nil {
		if p.Via == "api_key" {
			budgets = append(budgets, budget("key:"+p.KeyID, s.limits.PerPrincipal*max(1, s.limits.ServiceFactor)))
		} else {
			budgets = append(budgets, budget("user:"+strconv.FormatInt(p.UserID, 10), s.limits.PerPrincipal))
		}
	}
	if authErr == nil && len(budgets) > 0 {
		switch s.spendModes[c.FullPath()] {
		case onFeedRead, onRecsRead:
			c.Request = c.Request.WithContext(stylegraph.NewContextWithPrincipal(c.Request.Context(), p))
			s.spendOnRead(c, budgets, s.spendModes[c.FullPath()])
			return
		case whileDecoding:
			c.Request = c.Request.WithContext(stylegraph.NewContextWithPrincipal(c.Request.Context(), p))
			s.spendWhileDecoding(c, budgets)
			return
		}
	}
	if !s.spend(c, budgets...) {
		return
	}
	if authErr != nil {
		c.Header("WWW-Authenticate", `Bearer realm="stylegraph"`)
		writeError(c, authErr)
		return
	}
	c.Request = c.Request.WithContext(stylegraph.NewContextWithPrincipal(c.Request.Context(), p))
	c.Next()
}

// spendMode says when a route's rate-limit spend happens, when not before
// its handler runs.
type spendMode int

const (
	// onFeedRead: with the handler's first feed read (feeds.WithRider).
	onFeedRead spendMode = iota + 1
	// whileDecoding: concurrently with the handler, awaited by the
	// ingester before it appends (ingest.WithAdmission).
	whileDecoding
	// onRecsRead: with the handler's stored-list read (limit.WithRider,
	// recommend.Cache.GetWithSeen).
	onRecsRead
)

// limitIP applies the per-IP budget alone, for routes outside /v1.
func (s *Server) limitIP(c *gin.Context) {
	if s.limiter != nil && s.limits.PerIP > 0 && !s.spend(c, budget("ip:"+c.ClientIP(), s.limits.PerIP)) {
		return
	}
	c.Next()
}

// budget is perMinute requests a minute for key, with a burst of a tenth of
// it, which absorbs app start-up fan-outs.
func budget(key string, perMinute int) limit.Budget {
	return limit.Budget{Key: key, PerMinute: perMinute, Burst: max(1, perMinute/10)}
}

// spend charges the budgets and reports whether the request may go on; when
// not, it has answered 429.
func (s *Server) spend(c *gin.Context, budgets ...limit.Budget) bool {
	if len(budgets) == 0 {
		return true
	}
	ok, retry, err := s.limiter.AllowAll(c.Request.Context(), budgets...)
	if err := s.admit(c, ok, retry, err); err != nil {
		writeError(c, err)
		return false
	}
	return true
}

// spendWhileDecoding starts spending the budgets and runs the handler
// meanwhile: the spend's round trip overlaps the reading and decoding of
// the body, and the ingester waits for it before appending anything
// (ingest.WithAdmission). A refused spend answers 429 with nothing
// appended; a handler that ends before asking (a malformed body) waits for
// the spend after it answered, so every request is charged exactly once.
func (s *Server) spendWhileDecoding(c *gin.Context, budgets []limit.Budget) {
	type outcome struct {
		ok    bool
		retry time.Duration
		err   error
	}
	done := make(chan outcome, 1)
	ctx := c.Request.Context()
	go func() {
		ok, retry, err := s.limiter.AllowAll(context.WithoutCancel(ctx), budgets...)
		done <- outcome{ok, retry, err}
	}()
	var once sync.Once
	var admitErr error
	admit := func() error {
		once.Do(func() {
			o := <-done
			admitErr = s.admit(c, o.ok, o.retry, o.err)
		})
		return admitErr
	}
	c.Request = c.Request.WithContext(ingest.WithAdmission(ctx, admit))
	c.Next()
	_ = admit()
}

// spendOnRead runs the handler with the budgets' spend riding on its
// first feed read (onFeedRead) or recommendation list read (onRecsRead): one
// Redis round trip for both instead of two. A refused
// spend discards what the read got and answers 429, as spend would have
// before the handler ran. A handler that ends without reading (a bad
// parameter, a forbidden role) has the budgets spent after it answered, so
// every request is still charged exactly once.
func (s *Server) spendOnRead(c *gin.Context, budgets []limit.Budget, mode spendMode) {
	var taken atomic.Bool
	ride := func(ctx context.Context, p redis.Pipeliner) func() error {
		if !taken.CompareAndSwap(false, true) {
			return nil // only the first read carries the spend
		}
		q := s.limiter.Queue(ctx, p, budgets...)
		return func() error {
			ok, retry, err := q.Result(ctx)
			return s.admit(c, ok, retry, err)
		}
	}
	// One carrier per route: the feed's recommendation mix must not take
	// the feed's spend (it ignores the mix's errors).
	ctx := c.Request.Context()
	if mode == onRecsRead {
		ctx = limit.WithRider(ctx, ride)
	} else {
		ctx = feeds.WithRider(ctx, ride)
	}
	c.Request = c.Request.WithContext(ctx)
	c.Next()
	if !taken.Load() {
		ok, retry, err := s.limiter.AllowAll(c.Request.Context(), budgets...)
		_ = s.admit(c, ok, retry, err)
	}
}

// admit turns a spend's outcome into the error that refuses the request
// (setting Retry-After), or nil when it may go on.
func (s *Server) admit(c *gin.Context, ok bool, retry time.Duration, err error) error {
	if err != nil {
		// Fail open: a Redis hiccup must not take the whole API down.
		s.log.WarnContext(c.Request.Context(), "rate limiter unavailable", "err", err.Error())
		return nil
	}
	if !ok {
		c.Header("Retry-After", strconv.Itoa(int(math.Ceil(retry.Seconds()))))
		return stylegraph.Errorf(stylegraph.ERATELIMITED, "too many requests; retry after %s", retry.Round(time.Second))
	}
	return nil
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
