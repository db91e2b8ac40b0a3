package main

import (
	"context"
	"flag"
	"io"
	"net"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/stylegraph/stylegraph/api"
	"github.com/stylegraph/stylegraph/audit"
	"github.com/stylegraph/stylegraph/auth"
	"github.com/stylegraph/stylegraph/catalog"
	"github.com/stylegraph/stylegraph/ingest"
	"github.com/stylegraph/stylegraph/limit"
	"github.com/stylegraph/stylegraph/privacy"
)

func runServe(ctx context.Context, args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	skipMigrate := fs.Bool("skip-migrate", false, "do not apply migrations at start")
	if err := fs.Parse(args); err != nil {
		return err
	}
	d, err := loadDeps(ctx, stderr)
	if err != nil {
		return err
	}
	defer d.close()
	ln, err := net.Listen("tcp", d.cfg.HTTPAddr)
	if err != nil {
		return err
	}
	return serve(ctx, d, ln, !*skipMigrate)
}

// serve runs the API on ln until ctx ends, then drains in-flight requests.
func serve(ctx context.Context, d *deps, ln net.Listener, migrate bool) error {
	if migrate {
		if err := d.migrate(ctx); err != nil {
			return err
		}
	}
	srv, closeAPI, err := newAPI(ctx, d)
	if err != nil {
		return err
	}
	defer closeAPI()
	d.log.Info("serving", "addr", ln.Addr().String())
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	d.log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), d.cfg.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return err
	}
	return <-errc
}

// newAPI wires every feature into the HTTP server; close releases what the
// features hold (the feed's live hub).
func newAPI(ctx context.Context, d *deps) (srv *api.Server, close func(), err error) {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	activity, err := d.activityLog(ctx)
	if err != nil {
		return nil, nil, err
	}
	if err := ingest.RegisterLag(reg, activity.Lag, d.consumerGroups()...); err != nil {
		return nil, nil, err
	}
	fs, err := newFeeds(ctx, d, activity)
	if err != nil {
		return nil, nil, err
	}
	recs := d.recommender()
	srv = api.New(api.Options{
		Logger:       d.log,
		Registry:     reg,
		Auth:         auth.New(d.cfg.JWTSecret, d.cfg.APIKeys),
		Dependencies: d.dependencies(),
		Limiter:      limit.New(d.redis, "ratelimit:"),
		Limits: api.RateLimits{
			PerPrincipal: d.cfg.RateLimitPerUser, PerIP: d.cfg.RateLimitPerIP, ServiceFactor: 10,
		},
		Insights:       d.graph,
		Privacy:        privacy.New(d.graph, fs, d.searchProfiles(), d.recsCache()),
		SearchStats:    d.searchStats(),
		Audit:          audit.New(d.redis, "stylegraph:audit", d.cfg.AuditDir),
		CORSOrigins:    d.cfg.CORSOrigins,
		TrustedProxies: d.cfg.TrustedProxies,
		Catalog:        &catalog.Service{Graph: d.graph, Index: d.search},
		Events:         ingest.NewIngester(activity),
		ReadyDetails:   d.consumerLag(activity),
		Recommender:    recs,
		Feeds:          d.withRecs(fs, recs),
		Search:         d.searchEngine(),
		SearchActivity: activity,
	})
	return srv, func() { _ = fs.Close() }, nil
}

func runMigrate(ctx context.Context, args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	if err := fs.Parse(args); err != nil {
		return err
	}
	d, err := loadDeps(ctx, stderr)
	if err != nil {
		return err
	}
	defer d.close()
	return d.migrate(ctx)
}
