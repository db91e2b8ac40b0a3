package wiring

import (
	"context"
	"errors"
	"net"

	"github.com/stylegraph/stylegraph/api"
	"github.com/stylegraph/stylegraph/audit"
	"github.com/stylegraph/stylegraph/auth"
	"github.com/stylegraph/stylegraph/catalog"
	"github.com/stylegraph/stylegraph/config"
	"github.com/stylegraph/stylegraph/console"
	"github.com/stylegraph/stylegraph/idempotency"
	"github.com/stylegraph/stylegraph/ingest"
	"github.com/stylegraph/stylegraph/limit"
	"github.com/stylegraph/stylegraph/privacy"
)

// NewAPI wires every feature into the HTTP server; close releases what the
// features hold (the feed's live hub).
func (d *Deps) NewAPI(ctx context.Context) (srv *api.Server, close func(), err error) {
	activity, err := d.ActivityLog(ctx)
	if err != nil {
		return nil, nil, err
	}
	reg, err := d.Registry(activity.Lag, d.ConsumerGroups()...)
	if err != nil {
		return nil, nil, err
	}
	fs, err := d.NewFeeds(ctx, activity)
	if err != nil {
		return nil, nil, err
	}
	recs := d.Recommender()
	srv = api.New(api.Options{
		Logger:       d.Log,
		Registry:     reg,
		Auth:         d.Authenticator(),
		Dependencies: d.Dependencies(),
		Budgets:      d.Budgets(),
		Idempotency:  idempotency.New(d.Redis, "stylegraph:idem:", d.Cfg.Reliability.IdempotencyTTL, 2*d.Cfg.Reliability.WriteBudget),
		Limiter:      limit.New(d.Redis, "ratelimit:"),
		Limits: api.RateLimits{
			PerPrincipal: d.Cfg.RateLimitPerUser, PerIP: d.Cfg.RateLimitPerIP, ServiceFactor: 10,
		},
		Insights:       d.Graph.Insights,
		Privacy:        privacy.New(d.Graph.Privacy, fs, d.SearchProfiles(), d.RecsCache(), d.Notifications()),
		SearchStats:    d.SearchStats(),
		Audit:          audit.New(d.Redis, "stylegraph:audit", d.Cfg.AuditDir),
		CORSOrigins:    d.Cfg.CORSOrigins,
		TrustedProxies: d.Cfg.TrustedProxies,
		Catalog:        &catalog.Service{Graph: d.Graph.Catalog, Index: d.Search, Changed: d.RecsCache(), Activity: activity},
		Events:         ingest.NewIngester(activity),
		ReadyDetails:   d.ConsumerLag(activity),
		Recommender:    recs,
		Feeds:          d.WithRecs(fs, recs),
		Tags:           fs,
		GuestTokens:    d.Authenticator(),
		Guests:         d.Graph.Guests,
		Notifications:  d.Notifications(),
		Search:         d.SearchEngine(),
		SearchActivity: activity,
		Explorer:       d.Graph.Explore,
		Console:        console.Assets(),
		TracerProvider: d.Tracer,
		DevSignIn:      devSignIn(d.Cfg),
	})
	return srv, func() { _ = fs.Close() }, nil
}

// Serve runs the API on ln until ctx ends, then drains in-flight requests.
// `stylegraph serve` and the benchmarks start the server through it.
func (d *Deps) Serve(ctx context.Context, ln net.Listener, migrate bool) error {
	if migrate {
		if err := d.Migrate(ctx); err != nil {
			return err
		}
	}
	srv, closeAPI, err := d.NewAPI(ctx)
	if err != nil {
		return err
	}
	defer closeAPI()
	errc := make(chan error, 2)
	serving := 1
	if d.Internal != nil {
		serving++
		d.Log.Info("serving metrics and readiness details", "addr", d.Internal.Addr().String())
		go func() { errc <- srv.ServeInternal(d.Internal) }()
	}
	d.Log.Info("serving", "addr", ln.Addr().String())
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err = <-errc:
		serving--
	case <-ctx.Done():
	}
	d.Log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), d.Cfg.ShutdownTimeout)
	defer cancel()
	errs := []error{err, srv.Shutdown(sctx)}
	for ; serving > 0; serving-- {
		errs = append(errs, <-errc)
	}
	return errors.Join(errs...)
}

// Authenticator verifies bearer tokens and API keys under the configured
// token policy (JWT_MAX_TTL, JWT_ISSUER, JWT_AUDIENCE).
func (d *Deps) Authenticator() *auth.Authenticator {
	return Authenticator(d.Cfg)
}

// Authenticator is the authenticator cfg describes; the token command mints
// with it so its tokens pass the same policy.
func Authenticator(cfg config.Config) *auth.Authenticator {
	return auth.NewWithPolicy(cfg.JWTSecret, cfg.APIKeys, auth.Policy{
		MaxLifetime: cfg.JWTMaxTTL, Issuer: cfg.JWTIssuer, Audience: cfg.JWTAudience,
	})
}

// devSignIn lets the console mint tokens for any user and role, in dev only:
// elsewhere sign-in is a bearer token from the shop's identity provider.
func devSignIn(cfg config.Config) api.TokenMinter {
	if cfg.Env != "dev" {
		return nil
	}
	return Authenticator(cfg)
}
