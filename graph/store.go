// Package graph owns stylegraph's Neo4j data: users, brands, products, posts,
// tags and their relationships. Every statement comes from the cypher package
// or this package's embedded .cypher files and takes $parameters. graph must
// not import api, feeds, search or ingest.
package graph

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j/config"
	"go.opentelemetry.io/otel/trace"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/cypher"
)

// Store is the Neo4j-backed graph.
type Store struct {
	driver   neo4j.DriverWithContext
	database string
	q        map[string]string
	guard    Guard
	// observe, when set (tests), sees every named query's result.
	observe func(name string, res *neo4j.EagerResult)
	// reads names the statements that only read: they run with reader
	// routing, so a cluster (Aura, Enterprise) serves them from followers
	// and read replicas instead of the leader.
	reads map[string]bool
	// tracer, when set, gives each statement a span (trace.go).
	tracer trace.Tracer
}

// Guard runs one call to Neo4j within its share of the request's budget and
// refuses calls while Neo4j is known to be down (budget.Breaker).
type Guard interface {
	Do(ctx context.Context, call func(ctx context.Context) error) error
}

// SetGuard makes every statement go through g; without one, statements run
// with the caller's context as it is.
func (s *Store) SetGuard(g Guard) { s.guard = g }

// guarded runs call through the guard, if there is one.
func (s *Store) guarded(ctx context.Context, call func(ctx context.Context) error) error {
	if s.guard == nil {
		return call(ctx)
	}
	return s.guard.Do(ctx, call)
}

// writeClause finds a clause or procedure that writes. A statement without
// one is a read; a misjudged write run as a read fails in every test that
// reaches it, since Neo4j refuses writes in read access mode.
var writeClause = regexp.MustCompile(`(?i)\b(CREATE|MERGE|SET|DELETE|REMOVE|FOREACH|LOAD\s+CSV|IN\s+TRANSACTIONS)\b|\bapoc\.(create|merge|refactor|periodic|do|nodes\.delete)|\.(write|mutate)\b`)

// isRead reports whether the statement only reads.
func isRead(statement string) bool { return !writeClause.MatchString(statement) }

// Open connects to Neo4j and verifies connectivity.
func Open(ctx context.Context, uri, user, password string) (*Store, error) {
	d, err := neo4j.NewDriverWithContext(uri, neo4j.BasicAuth(user, password, ""), func(c *config.Config) {
		c.MaxConnectionPoolSize = 100
		c.ConnectionAcquisitionTimeout = 5 * time.Second
		c.SocketConnectTimeout = 3 * time.Second
	})
	if err != nil {
		return nil, fmt.Errorf("neo4j driver: %w", err)
	}
	if err := d.VerifyConnectivity(ctx); err != nil {
		_ = d.Close(ctx)
		return nil, fmt.Errorf("neo4j connect %s: %w", uri, err)
	}
	q, err := cypher.Queries()
	if err != nil {
		_ = d.Close(ctx)
		return nil, err
	}
	reads := map[string]bool{}
	for name, stmt := range q {
		reads[name] = isRead(stmt)
	}
	return &Store{driver: d, database: "neo4j", q: q, reads: reads}, nil
}

// Close releases the driver's connections.
func (s *Store) Close(ctx context.Context) error { return s.driver.Close(ctx) }

// Name is the dependency's name in readiness reports.
func (s *Store) Name() string { return "neo4j" }

// Ping runs a trivial authenticated query.
func (s *Store) Ping(ctx context.Context) error {
	return s.traced(ctx, "ping", func(ctx context.Context) error {
		_, err := s.run(ctx, "RETURN 1 AS ok", nil)
		return err
	})
}

// Migrate applies the embedded schema statements; each is idempotent.
func (s *Store) Migrate(ctx context.Context, log *slog.Logger) error {
	ms, err := cypher.Schema()
	if err != nil {
		return fmt.Errorf("read schema: %w", err)
	}
	for _, m := range ms {
		if _, err := s.run(ctx, m.Statement, nil); err != nil {
			return fmt.Errorf("migrate %s: %w", m.File, err)
		}
	}
	log.Info("neo4j schema applied", "statements", len(ms))
	return nil
}

// query returns the named statement from cypher/; a missing name is a bug
// caught by every test that reaches it.
func (s *Store) query(name string) string {
	q, ok := s.q[name]
	if !ok {
		panic("graph: no cypher/" + name + ".cypher")
	}
	return q
}

// runNamed executes the named query file, routed to readers when it only
// reads.
func (s *Store) runNamed(ctx context.Context, name string, params map[string]any) (*neo4j.EagerResult, error) {
	var opts []neo4j.ExecuteQueryConfigurationOption
	if s.reads[name] {
		opts = append(opts, neo4j.ExecuteQueryWithReadersRouting())
	}
	var res *neo4j.EagerResult
	err := s.traced(ctx, name, func(ctx context.Context) (err error) {
		res, err = s.run(ctx, s.query(name), params, opts...)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if s.observe != nil {
		s.observe(name, res)
	}
	return res, nil
}

// run executes one auto-committed, retried query through the driver's
// ExecuteQuery API and maps driver errors into the domain error model.
func (s *Store) run(ctx context.Context, q string, params map[string]any, opts ...neo4j.ExecuteQueryConfigurationOption) (*neo4j.EagerResult, error) {
	opts = append([]neo4j.ExecuteQueryConfigurationOption{neo4j.ExecuteQueryWithDatabase(s.database)}, opts...)
	var res *neo4j.EagerResult
	err := s.guarded(ctx, func(ctx context.Context) error {
		r, err := neo4j.ExecuteQuery(ctx, s.driver, q, params, neo4j.EagerResultTransformer, opts...)
		if err != nil {
			return mapError(ctx, err)
		}
		res = r
		return nil
	})
	return res, err
}

// mapError keeps connectivity failures, timeouts and transient errors
// (unavailable: retry later) distinguishable from bugs. A caller that went
// away gets its own context error back.
func mapError(ctx context.Context, err error) error {
	if errors.Is(ctx.Err(), context.Canceled) {
		return ctx.Err()
	}
	var (
		cerr  *neo4j.ConnectivityError
		limit *neo4j.TransactionExecutionLimit
	)
	if errors.As(err, &cerr) || errors.As(err, &limit) || errors.Is(err, context.DeadlineExceeded) ||
		ctx.Err() != nil || neo4j.IsRetryable(err) {
		return fmt.Errorf("%w: %w", &stylegraph.Error{Code: stylegraph.EUNAVAILABLE, Message: "graph database unavailable"}, err)
	}
	return err
}
