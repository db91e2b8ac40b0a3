package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/stylegraph/stylegraph/api"
	"github.com/stylegraph/stylegraph/config"
	"github.com/stylegraph/stylegraph/graph"
	"github.com/stylegraph/stylegraph/lake"
	"github.com/stylegraph/stylegraph/search"
)

// deps are the clients every long-running command needs.
type deps struct {
	cfg    config.Config
	log    *slog.Logger
	graph  *graph.Store
	search *search.Client
	redis  *redis.Client
	// lake is the event archive the archiver writes (cmd/stylegraph/lake.go).
	lake lake.Store
}

func newLogger(w io.Writer, level string) *slog.Logger {
	var lv slog.Level
	_ = lv.UnmarshalText([]byte(level))
	return slog.New(api.NewLogHandler(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: lv})))
}

// loadDeps reads the configuration from the environment and opens every
// client; the subcommands that talk to the stores start with it.
func loadDeps(ctx context.Context, stderr io.Writer) (*deps, error) {
	cfg, err := config.Load()
	if err != nil {
		return nil, err
	}
	return openDeps(ctx, cfg, stderr)
}

// openDeps loads the configuration and connects to Neo4j, OpenSearch and
// Redis, failing with the name of the one that cannot be reached.
func openDeps(ctx context.Context, cfg config.Config, stderr io.Writer) (*deps, error) {
	d := &deps{cfg: cfg, log: newLogger(stderr, cfg.LogLevel)}
	slog.SetDefault(d.log)
	var err error

	cctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	if d.graph, err = graph.Open(cctx, cfg.Neo4jURI, cfg.Neo4jUser, cfg.Neo4jPassword); err != nil {
		return nil, fmt.Errorf("%w (is Neo4j running? try `make services`)", err)
	}
	if d.search, err = search.Open(cfg.OpenSearchURL, cfg.OpenSearchUser, cfg.OpenSearchPassword, cfg.SearchIndexPrefix); err != nil {
		d.close()
		return nil, err
	}
	if err := d.search.Ping(cctx); err != nil {
		d.close()
		return nil, fmt.Errorf("opensearch at %s: %w (is it running? try `make services`)", cfg.OpenSearchURL, err)
	}
	d.redis = redis.NewClient(&redis.Options{Addr: cfg.RedisAddr, Password: cfg.RedisPassword, DB: cfg.RedisDB})
	if err := d.redis.Ping(cctx).Err(); err != nil {
		d.close()
		return nil, fmt.Errorf("redis at %s: %w (is it running? try `make services`)", cfg.RedisAddr, err)
	}
	if d.lake, err = openLake(ctx, cfg.Archive); err != nil {
		d.close()
		return nil, err
	}
	return d, nil
}

func (d *deps) migrate(ctx context.Context) error {
	if err := d.graph.Migrate(ctx, d.log); err != nil {
		return err
	}
	return d.search.Migrate(ctx, d.log)
}

func (d *deps) close() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if d.graph != nil {
		_ = d.graph.Close(ctx)
	}
	if d.redis != nil {
		_ = d.redis.Close()
	}
}

func (d *deps) dependencies() []api.Dependency {
	return []api.Dependency{
		{Name: "neo4j", Ping: d.graph.Ping},
		{Name: "opensearch", Ping: d.search.Ping},
		{Name: "redis", Ping: func(ctx context.Context) error { return d.redis.Ping(ctx).Err() }},
	}
}
