// Package testenv connects integration tests to the real Neo4j, OpenSearch
// and Redis. Endpoints come from the same environment variables the service
// reads (defaults: the stack `make services` starts). When nothing answers and
// no endpoint was set, a reachable Docker engine is used through
// testcontainers; otherwise the test fails and says how to start the services.
package testenv

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/stylegraph/stylegraph/config"
	"github.com/stylegraph/stylegraph/feeds"
	"github.com/stylegraph/stylegraph/graph"
	"github.com/stylegraph/stylegraph/search"
)

const howToStart = "start the local services with `make services` (or set NEO4J_URI, OPENSEARCH_URL and REDIS_ADDR)"

var (
	cfgOnce sync.Once
	cfg     config.Config
	cfgErr  error
)

// Config returns the configuration tests run with: the environment, with
// containers substituted where nothing answers and Docker is available.
func Config(t testing.TB) config.Config {
	t.Helper()
	Integration(t)
	cfgOnce.Do(func() {
		cfg, cfgErr = config.Load()
		if cfgErr != nil {
			return
		}
		cfgErr = fillFromContainers(&cfg)
	})
	if cfgErr != nil {
		t.Fatalf("test configuration: %v; %s", cfgErr, howToStart)
	}
	return cfg
}

// Integration marks t as needing the real services: `make test-unit` (go
// test -short) leaves it out so that pure logic is checked in seconds with
// every service stopped; `make test` runs it.
func Integration(t testing.TB) {
	t.Helper()
	if testing.Short() {
		t.Skip("integration test: needs Neo4j, OpenSearch and Redis; `make test` runs it")
	}
}

// Graph returns every graph store over one migrated Neo4j connection,
// closed when the test ends.
func Graph(t testing.TB) *graph.Stores {
	t.Helper()
	c := Config(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	db, err := graph.Open(ctx, c.Neo4jURI, c.Neo4jUser, c.Neo4jPassword)
	if err != nil {
		t.Fatalf("neo4j at %s is not reachable: %v; %s", c.Neo4jURI, err, howToStart)
	}
	t.Cleanup(func() { _ = db.Close(context.Background()) })
	migrateOnce.Do(func() { migrateErr = db.Migrate(ctx, discardLogger()) })
	if migrateErr != nil {
		t.Fatalf("neo4j migrate: %v", migrateErr)
	}
	return graph.NewStores(db)
}

var (
	migrateOnce sync.Once
	migrateErr  error
)

// Search returns an OpenSearch client whose indices live under a prefix of
// their own and are deleted when the test ends.
func Search(t testing.TB) *search.Client {
	t.Helper()
	c := Config(t)
	prefix := "test-" + strings.ToLower(sanitize(t.Name())) + "-" + fmt.Sprint(time.Now().UnixNano()%1e9)
	s, err := search.Open(c.OpenSearchURL, c.OpenSearchUser, c.OpenSearchPassword, prefix)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := s.Ping(ctx); err != nil {
		t.Fatalf("opensearch at %s is not reachable: %v; %s", c.OpenSearchURL, err, howToStart)
	}
	t.Cleanup(func() { _ = s.DropPrefix(context.Background()) })
	return s
}

// Redis returns a client on the configured database, closed at the end.
// Tests keep to keys of their own (see Namespace).
// With REDIS_ADDRS naming a cluster's nodes it is a cluster client.
func Redis(t testing.TB) redis.UniversalClient {
	t.Helper()
	c := Config(t)
	r := redis.NewUniversalClient(c.RedisOptions())
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := r.Ping(ctx).Err(); err != nil {
		t.Fatalf("redis at %s is not reachable: %v; %s", c.RedisAddr, err, howToStart)
	}
	t.Cleanup(func() { _ = r.Close() })
	return r
}

// Namespace returns a key prefix unique to this test run.
func Namespace(t testing.TB) string {
	return "test:" + sanitize(t.Name()) + ":" + fmt.Sprint(time.Now().UnixNano()) + ":"
}

func sanitize(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			return r
		}
		return '-'
	}, s)
}

// reachable reports whether something accepts TCP connections at addr.
func reachable(addr string) bool {
	conn, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return false
	}
	conn.Close()
	return true
}

func envSet(name string) bool { v, ok := os.LookupEnv(name); return ok && v != "" }

// IDBase returns a random base for the int64 IDs a test creates, so tests
// sharing one Neo4j and Redis never touch each other's nodes or keys. IDs from
// base to base+999,999 are the test's own; all stay below 2^53.
func IDBase(t testing.TB) int64 {
	t.Helper()
	return (1 + rand.Int64N(1<<32)) * 1_000_000
}

// FeedNode returns an ID generator node for a feed service under test, taken
// from one counter shared by every test process, so concurrent tests writing
// posts to the shared Neo4j never generate the same IDs.
func FeedNode(t testing.TB) int {
	t.Helper()
	n, err := feeds.NodeFromRedis(context.Background(), Redis(t), "test:feeds:idnode")
	if err != nil {
		t.Fatalf("feed id node: %v; %s", err, howToStart)
	}
	return n
}

// DropKeys deletes the keys that start with prefix, or with "{"+prefix (keys
// hash-tagged to share a slot with a prefixed key), on every master when rdb
// is a cluster client.
func DropKeys(rdb redis.UniversalClient, prefix string) {
	ctx := context.Background()
	drop := func(ctx context.Context, node *redis.Client) error {
		for _, match := range []string{prefix + "*", "{" + prefix + "*"} {
			iter := node.Scan(ctx, 0, match, 1000).Iterator()
			for iter.Next(ctx) {
				rdb.Del(ctx, iter.Val())
			}
		}
		return nil
	}
	if c, ok := rdb.(*redis.ClusterClient); ok {
		_ = c.ForEachMaster(ctx, drop)
		return
	}
	if c, ok := rdb.(*redis.Client); ok {
		_ = drop(ctx, c)
	}
}

// feedGraph is the graph as feeds.New takes it, for tests that build the
// feed service themselves (internal/wiring.FeedGraph is the server's).
type feedGraph struct {
	*graph.PostStore
	*graph.FollowStore
	*graph.TimelineStore
	*graph.AudienceStore
	*graph.ProfileStore
}

// FeedGraph is g as feeds.New takes it.
func FeedGraph(g *graph.Stores) feeds.Graph {
	return feedGraph{g.Posts, g.Follows, g.Timelines, g.Audience, g.Profiles}
}
