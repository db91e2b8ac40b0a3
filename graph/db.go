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

// DB is the one connection to Neo4j that every store shares: the driver,
// the statements from cypher/ with their read or write routing, the guard
// and the tracer. The feature stores (PostStore, FollowStore, ...) are each
// made from it with their New function; Stores makes one of each.
type DB struct {
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
func (db *DB) SetGuard(g Guard) { db.guard = g }

// guarded runs call through the guard, if there is one.
func (db *DB) guarded(ctx context.Context, call func(ctx context.Context) error) error {
	if db.guard == nil {
		return call(ctx)
	}
	return db.guard.Do(ctx, call)
}

// writeClause finds a clause or procedure that writes. A statement without
// one is a read; a misjudged write run as a read fails in every test that
// reaches it, since Neo4j refuses writes in read access mode.
var writeClause = regexp.MustCompile(`(?i)\b(CREATE|MERGE|SET|DELETE|REMOVE|FOREACH|LOAD\s+CSV|IN\s+TRANSACTIONS)\b|\bapoc\.(create|merge|refactor|periodic|do|nodes\.delete)|\.(write|mutate)\b`)

// isRead reports whether the statement only reads.
func isRead(statement string) bool { return !writeClause.MatchString(statement) }

// Open connects to Neo4j and verifies connectivity.
func Open(ctx context.Context, uri, user, password string) (*DB, error) {
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
	return &DB{driver: d, database: "neo4j", q: q, reads: reads}, nil
}

// Close releases the driver's connections.
func (db *DB) Close(ctx context.Context) error { return db.driver.Close(ctx) }

// Name is the dependency's name in readiness reports.
func (db *DB) Name() string { return "neo4j" }

// Ping runs a trivial authenticated query.
func (db *DB) Ping(ctx context.Context) error {
	return db.traced(ctx, "ping", func(ctx context.Context) error {
		_, err := db.run(ctx, "RETURN 1 AS ok", nil)
		return err
	})
}

// Migrate applies the embedded schema statements; each is idempotent.
func (db *DB) Migrate(ctx context.Context, log *slog.Logger) error {
	ms, err := cypher.Schema()
	if err != nil {
		return fmt.Errorf("read schema: %w", err)
	}
	for _, m := range ms {
		if _, err := db.run(ctx, m.Statement, nil); err != nil {
			return fmt.Errorf("migrate %s: %w", m.File, err)
		}
	}
	log.Info("neo4j schema applied", "statements", len(ms))
	return nil
}

// query returns the named statement from cypher/; a missing name is a bug
// caught by every test that reaches it.
func (db *DB) query(name string) string {
	q, ok := db.q[name]
	if !ok {
		panic("graph: no cypher/" + name + ".cypher")
	}
	return q
}

// runNamed executes the named query file, routed to readers when it only
// reads.
func (db *DB) runNamed(ctx context.Context, name string, params map[string]any) (*neo4j.EagerResult, error) {
	var opts []neo4j.ExecuteQueryConfigurationOption
	if db.reads[name] {
		opts = append(opts, neo4j.ExecuteQueryWithReadersRouting())
	}
	var res *neo4j.EagerResult
	err := db.traced(ctx, name, func(ctx context.Context) (err error) {
		res, err = db.run(ctx, db.query(name), params, opts...)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if db.observe != nil {
		db.observe(name, res)
	}
	return res, nil
}

// run executes one auto-committed, retried query through the driver's
// ExecuteQuery API and maps driver errors into the domain error model.
func (db *DB) run(ctx context.Context, q string, params map[string]any, opts ...neo4j.ExecuteQueryConfigurationOption) (*neo4j.EagerResult, error) {
	opts = append([]neo4j.ExecuteQueryConfigurationOption{neo4j.ExecuteQueryWithDatabase(db.database)}, opts...)
	var res *neo4j.EagerResult
	err := db.guarded(ctx, func(ctx context.Context) error {
		r, err := neo4j.ExecuteQuery(ctx, db.driver, q, params, neo4j.EagerResultTransformer, opts...)
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

// batchSize bounds one UNWIND transaction: large enough to amortise the
// round trip, small enough to keep transactions short.
const batchSize = 500

// batched runs the named UNWIND query over rows in batches, each in its own
// retried write transaction.
func (db *DB) batched(ctx context.Context, name string, rows []map[string]any) error {
	for start := 0; start < len(rows); start += batchSize {
		end := min(start+batchSize, len(rows))
		if _, err := db.runNamed(ctx, name, map[string]any{"rows": rows[start:end]}); err != nil {
			return err
		}
	}
	return nil
}
