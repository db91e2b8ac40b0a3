// Package wiring builds the service from its configuration: it opens the
// clients (Neo4j, OpenSearch, Redis, the archive) and wires the packages into
// the HTTP API and the nearline consumers. cmd/stylegraph and the benchmarks
// in bench/ share it, so what is measured is what `stylegraph serve` runs.
// Domain packages must not import it.
package wiring

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/stylegraph/stylegraph/api"
	"github.com/stylegraph/stylegraph/budget"
	"github.com/stylegraph/stylegraph/config"
	"github.com/stylegraph/stylegraph/graph"
	"github.com/stylegraph/stylegraph/lake"
	"github.com/stylegraph/stylegraph/search"
)

// Deps are the clients every long-running command needs.
type Deps struct {
	Cfg    config.Config
	Log    *slog.Logger
	Graph  *graph.Store
	Search *search.Client
	Redis  redis.UniversalClient
	// Lake is the event archive the archiver writes (lake.go).
	Lake lake.Store
	// Breakers guard the calls to each store (breakers.go).
	Breakers []*budget.Breaker
	// Internal, when set, is where Serve answers /metrics and the detailed
	// /readyz (INTERNAL_ADDR); `serve` opens it, benchmarks leave it out.
	Internal net.Listener
}

// NewLogger is the service's JSON logger at level, with personal data redacted.
func NewLogger(w io.Writer, level string) *slog.Logger {
	var lv slog.Level
	_ = lv.UnmarshalText([]byte(level))
	return slog.New(api.NewLogHandler(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: lv})))
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
// Redis, failing with the name of the one that cannot be reached.
func Open(ctx context.Context, cfg config.Config, stderr io.Writer) (*Deps, error) {
	d := &Deps{Cfg: cfg, Log: NewLogger(stderr, cfg.LogLevel)}
	slog.SetDefault(d.Log)
	var err error

	cctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	if d.Graph, err = graph.Open(cctx, cfg.Neo4jURI, cfg.Neo4jUser, cfg.Neo4jPassword); err != nil {
		return nil, fmt.Errorf("%w (is Neo4j running? try `make services`)", err)
	}
	if d.Search, err = search.Open(cfg.OpenSearchURL, cfg.OpenSearchUser, cfg.OpenSearchPassword, cfg.SearchIndexPrefix); err != nil {
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
