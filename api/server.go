// Package api is stylegraph's HTTP edge: routing, authentication, the JSON
// error shape, request logging and metrics. It translates domain errors to
// HTTP once (errors.go) and holds no business rules of its own. Dependencies
// arrive as small interfaces through Options; only cmd/ builds them.
package api

import (
	"context"
	"errors"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"go.opentelemetry.io/otel/trace"

	"github.com/stylegraph/stylegraph"
)

// Dependency is something /readyz checks. Only a Required one being down
// makes the process not ready; the others show it as degraded.
type Dependency struct {
	Name     string
	Ping     func(ctx context.Context) error
	Required bool
}

// Authenticator turns credentials into a principal.
type Authenticator interface {
	VerifyToken(token string) (stylegraph.Principal, error)
	VerifyAPIKey(key string) (stylegraph.Principal, error)
}

// Options wires the server. Zero values get sensible defaults.
type Options struct {
	Logger       *slog.Logger
	Registry     *prometheus.Registry
	Auth         Authenticator
	Dependencies []Dependency
	// MaxBodyBytes caps request bodies (default 1 MiB).
	MaxBodyBytes int64
	// ReadyDetails add per-subsystem details (consumer lag, …) to /readyz.
	ReadyDetails func(ctx context.Context) map[string]any
	// Limiter and Limits rate-limit callers; nil Limiter turns limits off.
	Limiter RateLimiter
	Limits  RateLimits
	// CORSOrigins lists browser origins allowed to call the API; empty
	// disables CORS.
	CORSOrigins []string
	// Insights, SearchStats and Audit enable /v1/admin.
	Insights    Insights
	SearchStats SearchStats
	Audit       Auditor
	// Privacy enables /v1/me/export and DELETE /v1/me.
	Privacy Privacy
	// Idempotency, when set, makes POST /v1/posts and comments honour an
	// Idempotency-Key header.
	Idempotency Idempotency
	// Budgets bound how long requests may take (zero: no deadline).
	Budgets Budgets
	// ReadHeaderTimeout bounds how long a client may take to send its
	// headers (default 5s), so slow clients cannot hold connections open.
	ReadHeaderTimeout time.Duration
	// TrustedProxies are the proxy addresses whose X-Forwarded-For is
	// believed; empty means the peer address is the client.
	TrustedProxies []string
	// Catalog serves /v1/products and /v1/users; nil leaves them out.
	Catalog Catalog
	// Events enables POST /v1/events.
	Events EventIngester
	// Recommender serves /v1/recommendations, /v1/trending,
	// /v1/products/{id}/similar and /v1/me/hidden.
	Recommender Recommender
	// Feeds serves posts, likes, comments, follows and the feed (nil: no
	// feed endpoints).
	Feeds Feeds
	// GuestTokens and Guests enable anonymous sessions (POST /v1/guests)
	// and their merge into an account at sign-in.
	GuestTokens TokenMinter
	Guests      Guests
	// Tags serves following tags and a tag's posts (nil: none).
	Tags Tags
	// Notifications serves /v1/me/notifications.
	Notifications Notifications
	// Search enables /v1/search and /v1/search/suggest; SearchActivity,
	// when set, records each search on the activity stream.
	Search         Searcher
	SearchActivity ActivityAppender
	// Explorer enables /v1/admin/graph/neighbours, the console's graph
	// explorer. With Recommender, Feeds and Search set, /v1/admin/preview
	// shows merchandisers what a shopper sees.
	Explorer Explorer
	// Console, when set, is served at /console/ (console.Assets); DevSignIn,
	// set only in dev, lets it mint tokens for any user and role.
	Console   fs.FS
	DevSignIn TokenMinter
	// TracerProvider, when set, makes every request a server span named
	// by its route (tracing.go).
	TracerProvider trace.TracerProvider
}

// Server is the HTTP API.
type Server struct {
	engine *gin.Engine
	// handler is the engine, wrapped for tracing when that is on.
	handler http.Handler
	// internal serves metrics and detailed readiness (InternalHandler).
	internal *gin.Engine
	// servers are the http.Servers Serve and ServeInternal started, for
	// Shutdown.
	serversMu         sync.Mutex
	servers           []*http.Server
	log               *slog.Logger
	reg               *prometheus.Registry
	metrics           *metrics
	auth              Authenticator
	deps              []Dependency
	details           func(ctx context.Context) map[string]any
	maxBody           int64
	readHeaderTimeout time.Duration
	limiter           RateLimiter
	limits            RateLimits
	budgets           Budgets
	idem              Idempotency
	// drain is closed when shutdown starts: readiness fails and live
	// streams end with a reconnect hint.
	drain     chan struct{}
	drainOnce sync.Once

	audit Auditor
	// bodyLimits override maxBody for route patterns that take more.
	bodyLimits map[string]int64
	// spendModes are route patterns whose rate-limit spend goes with
	// the handler's work instead of before it (spendMode).
	spendModes map[string]spendMode

	// v1 is the authenticated API group every feature registers on; admin
	// is /v1/admin (adminGroup).
	v1    *gin.RouterGroup
	admin *gin.RouterGroup
}

func init() { gin.SetMode(gin.ReleaseMode) }

// New builds the server and its routes.
func New(o Options) *Server {
	o = withDefaults(o)
	s := &Server{
		engine:            gin.New(),
		log:               o.Logger,
		reg:               o.Registry,
		metrics:           newMetrics(o.Registry),
		auth:              o.Auth,
		deps:              o.Dependencies,
		details:           o.ReadyDetails,
		maxBody:           o.MaxBodyBytes,
		readHeaderTimeout: o.ReadHeaderTimeout,
		limiter:           o.Limiter,
		limits:            o.Limits,
		budgets:           o.Budgets,
		idem:              o.Idempotency,
		drain:             make(chan struct{}),
		audit:             o.Audit,
		bodyLimits:        map[string]int64{},
		spendModes:        map[string]spendMode{},
	}
	s.handler = s.engine
	if o.TracerProvider != nil {
		s.handler = traced(s.engine, o.TracerProvider)
		s.engine.Use(nameSpanByRoute)
	}
	s.setUpEngine(o)
	s.internal = s.newInternal()
	s.v1 = s.engine.Group("/v1", s.guard, scopeServices, scopeGuests)
	s.routes(o)
	return s
}

// withDefaults fills in what o leaves zero.
func withDefaults(o Options) Options {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Registry == nil {
		o.Registry = prometheus.NewRegistry()
	}
	if o.ReadHeaderTimeout <= 0 {
		o.ReadHeaderTimeout = 5 * time.Second
	}
	if o.MaxBodyBytes <= 0 {
		o.MaxBodyBytes = 1 << 20
	}
	return o
}

// setUpEngine sets the engine's middleware, its answers for unknown routes
// and methods, and the unauthenticated health and spec endpoints.
func (s *Server) setUpEngine(o Options) {
	e := s.engine
	e.HandleMethodNotAllowed = true
	e.ContextWithFallback = true
	e.RemoveExtraSlash = true
	if err := e.SetTrustedProxies(o.TrustedProxies); err != nil {
		s.log.Warn("ignoring bad trusted proxies", "err", err.Error())
		_ = e.SetTrustedProxies(nil)
	}
	e.Use(s.requestContext, s.recoverPanic, s.withBudget, s.markDegraded)
	if len(o.CORSOrigins) > 0 {
		e.Use(corsHandler(o.CORSOrigins))
	}
	e.Use(s.limitBody)
	e.NoRoute(func(c *gin.Context) {
		writeError(c, stylegraph.Errorf(stylegraph.ENOTFOUND, "no route for %s %s", c.Request.Method, c.Request.URL.Path))
	})
	e.NoMethod(func(c *gin.Context) {
		c.Status(http.StatusMethodNotAllowed)
		c.AbortWithStatusJSON(http.StatusMethodNotAllowed, ErrorBody{Error: ErrorDetail{
			Code: "method_not_allowed", Message: "method " + c.Request.Method + " is not allowed here",
			RequestID: RequestIDFromContext(c.Request.Context()),
		}})
	})
	e.GET("/livez", s.livez)
	e.GET("/healthz", s.livez)
	e.GET("/readyz", s.readyz)
	e.GET("/openapi.yaml", s.openAPI)
}

// Handler returns the root handler, for tests and embedding.
func (s *Server) Handler() http.Handler { return s.handler }

// InternalHandler serves /metrics, the detailed /readyz and /livez. It
// belongs on a listener only operators and Prometheus reach (INTERNAL_ADDR),
// never on the public port.
func (s *Server) InternalHandler() http.Handler { return s.internal }

// Serve answers on ln until Shutdown; it returns nil after a clean shutdown.
func (s *Server) Serve(ln net.Listener) error {
	if err := s.newHTTP(s.handler).Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// ServeInternal answers InternalHandler on ln until Shutdown.
func (s *Server) ServeInternal(ln net.Listener) error {
	if err := s.newHTTP(s.internal).Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// newHTTP builds an http.Server for h and keeps it for Shutdown.
func (s *Server) newHTTP(h http.Handler) *http.Server {
	hs := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: s.readHeaderTimeout,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	s.serversMu.Lock()
	s.servers = append(s.servers, hs)
	s.serversMu.Unlock()
	return hs
}

// Drain starts shutdown without closing anything: /readyz answers 503 from
// now on and live streams end with a reconnect hint. Shutdown calls it.
func (s *Server) Drain() { s.drainOnce.Do(func() { close(s.drain) }) }

func (s *Server) draining() bool {
	select {
	case <-s.drain:
		return true
	default:
		return false
	}
}

// Shutdown drains, stops accepting connections and waits for in-flight
// requests.
func (s *Server) Shutdown(ctx context.Context) error {
	s.Drain()
	s.serversMu.Lock()
	servers := s.servers
	s.serversMu.Unlock()
	var errs []error
	for _, hs := range servers {
		errs = append(errs, hs.Shutdown(ctx))
	}
	return errors.Join(errs...)
}
