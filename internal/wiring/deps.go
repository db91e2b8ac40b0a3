// Package wiring builds the service from its configuration: it opens the
// clients (Neo4j, OpenSearch, Redis, the archive) and wires the packages into
// the HTTP API and the nearline consumers. cmd/stylegraph and the benchmarks
// in bench/ share it, so what is measured is what `stylegraph serve` runs.
// Domain packages must not import it.
package wiring

import (
	"sync"

	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"
	"time"

	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/redis/go-redis/extra/redisotel/v9"
	"github.com/redis/go-redis/v9"
	"go.opentelemetry.io/otel/trace"

	"github.com/stylegraph/stylegraph/api"
	"github.com/stylegraph/stylegraph/budget"
	"github.com/stylegraph/stylegraph/config"
	"github.com/stylegraph/stylegraph/graph"
	"github.com/stylegraph/stylegraph/lake"
	"github.com/stylegraph/stylegraph/recommend"
	"github.com/stylegraph/stylegraph/search"
	"github.com/stylegraph/stylegraph/tracing"
)

// Deps are the clients every long-running command needs.
type Deps struct {
	Cfg    config.Config
	Log    *slog.Logger
	Graph  *graph.Stores
	Search *search.Client
	Redis  redis.UniversalClient
	// Lake is the event archive the archiver writes (lake.go).
	Lake lake.Store
	// Breakers guard the calls to each store (breakers.go).
	Breakers []*budget.Breaker
	// Internal, when set, is where Serve answers /metrics and the detailed
	// /readyz (INTERNAL_ADDR); `serve` opens it, benchmarks leave it out.
	Internal net.Listener
	// Tracer, when set, traces HTTP requests and every call to the stores
	// (OTEL_EXPORTER_OTLP_ENDPOINT; tracing/).
	Tracer trace.TracerProvider
	// stopTracing flushes the last spans at Close.
	stopTracing func(context.Context) error

	// One recommendation cache per process: it keeps product cards in
	// memory, and a product change must reach that memory (RecsCache).
	recsOnce  sync.Once
	recsCache *recommend.Cache
}

// NewLogger is the service's JSON logger at level, with personal data redacted.
func NewLogger(w io.Writer, level string) *slog.Logger {
	var lv slog.Level
	_ = lv.UnmarshalText([]byte(level))
	return slog.New(tracing.NewLogHandler(api.NewLogHandler(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: lv}))))
}

// Load reads the configuration from the environment and opens every
// client; the subcommands that talk to the stores start with it.
func Load(ctx context.Context, stderr io.Writer) (*Deps, error) {
	cfg, err := config.Load()
	if err != nil {
		return nil, err
	}
	return Open(ctx, cfg, stderr)
}

// Open connects to Neo4j, OpenSearch and
// Redis, failing with the name of the one that cannot be reached. With
// tracing configured, it starts the OTLP exporter first.
func Open(ctx context.Context, cfg config.Config, stderr io.Writer) (*Deps, error) {
	if !cfg.Tracing.Enabled {
		return OpenTraced(ctx, cfg, stderr, nil)
	}
	tp, err := tracing.Start(ctx)
	if err != nil {
		return nil, err
	}
	d, err := OpenTraced(ctx, cfg, stderr, tp)
	if err != nil {
		_ = tp.Shutdown(ctx)
		return nil, err
	}
	d.stopTracing = tp.Shutdown
	return d, nil
}

// OpenTraced is Open with the tracer provider given (nil: no tracing);
// tests pass one with an in-memory exporter.
func OpenTraced(ctx context.Context, cfg config.Config, stderr io.Writer, tp trace.TracerProvider) (*Deps, error) {
	d := &Deps{Cfg: cfg, Log: NewLogger(stderr, cfg.LogLevel), Tracer: tp}
	slog.SetDefault(d.Log)
	var err error

	cctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	if d.Graph, err = OpenGraph(cctx, cfg.Neo4jURI, cfg.Neo4jUser, cfg.Neo4jPassword); err != nil {
		return nil, err
	}
	if tp != nil {
		d.Graph.SetTracerProvider(tp)
	}
	if d.Search, err = d.openSearch(cctx); err != nil {
		d.Close()
		return nil, err
	}
	if err := d.Search.Ping(cctx); err != nil {
		d.Close()
		return nil, fmt.Errorf("opensearch at %s: %w (is it running? try `make services`)", cfg.OpenSearchURL, err)
	}
	ro := cfg.RedisOptions()
	// Request deadlines reach the socket, so a hung Redis costs a request
	// its budget, not the read timeout.
	ro.ContextTimeoutEnabled = true
	d.Redis = redis.NewUniversalClient(ro)
	if tp != nil {
		if err := redisotel.InstrumentTracing(d.Redis, redisotel.WithTracerProvider(tp), redisotel.WithDBStatement(false)); err != nil {
			d.Close()
			return nil, fmt.Errorf("trace redis: %w", err)
		}
	}
	d.guard()
	if err := d.Redis.Ping(cctx).Err(); err != nil {
		d.Close()
		return nil, fmt.Errorf("redis at %s: %w (is it running? try `make services`)", strings.Join(cfg.RedisAddrs, ","), err)
	}
	if d.Lake, err = OpenLake(ctx, cfg.Archive); err != nil {
		d.Close()
		return nil, err
	}
	return d, nil
}

func (d *Deps) Migrate(ctx context.Context) error {
	if err := d.Graph.Migrate(ctx, d.Log); err != nil {
		return err
	}
	return d.Search.Migrate(ctx, d.Log)
}

func (d *Deps) Close() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if d.Graph != nil {
		_ = d.Graph.Close(ctx)
	}
	if d.Redis != nil {
		_ = d.Redis.Close()
	}
	if d.stopTracing != nil {
		_ = d.stopTracing(ctx)
	}
}

// openSearch opens the OpenSearch client, signing with SigV4 when
// configured (credentials from the AWS SDK's default chain: IRSA on EKS).
func (d *Deps) openSearch(ctx context.Context) (*search.Client, error) {
	cfg := d.Cfg
	o := search.Options{
		URL: cfg.OpenSearchURL, User: cfg.OpenSearchUser, Password: cfg.OpenSearchPassword,
		Prefix: cfg.SearchIndexPrefix, TracerProvider: d.Tracer,
	}
	if v := cfg.OpenSearchSigV4; v.Enabled {
		aws, err := awsconfig.LoadDefaultConfig(ctx, awsconfig.WithRegion(v.Region))
		if err != nil {
			return nil, fmt.Errorf("opensearch sigv4: %w", err)
		}
		if o.Signer, err = search.SigV4(v.Region, v.Service, aws.Credentials); err != nil {
			return nil, err
		}
	}
	return search.OpenWith(o)
}

func (d *Deps) Dependencies() []api.Dependency {
	return []api.Dependency{
		{Name: "neo4j", Ping: d.Graph.Ping},
		{Name: "opensearch", Ping: d.Search.Ping},
		// Without Redis the API can serve nothing useful (feeds, events,
		// rate limits): it alone makes the process not ready.
		{Name: "redis", Ping: func(ctx context.Context) error { return d.Redis.Ping(ctx).Err() }, Required: true},
	}
}
