// Package e2e runs the real server for end-to-end tests: the wiring `serve`
// builds, on a free port against the real services, with keys, indices and
// directories of the test's own; and it speaks HTTP to it (tokens, the
// service key, JSON requests). It is imported by tests only.
package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"go.opentelemetry.io/otel/trace"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/auth"
	"github.com/stylegraph/stylegraph/config"
	"github.com/stylegraph/stylegraph/internal/testenv"
	"github.com/stylegraph/stylegraph/internal/wiring"
)

// Config returns the configuration functional end-to-end tests run with:
// the test environment with search indices, feed keys, the feed's ID node,
// the event archive and the audit log of the test's own, budgets off and breakers that do not open.
func Config(t *testing.T) config.Config {
	t.Helper()
	cfg := testenv.Config(t)
	cfg.SearchIndexPrefix = indexPrefix(t)
	cfg.Archive.Dir = t.TempDir() // the event archive stays out of the source tree
	cfg.AuditDir = t.TempDir()
	// The feed keeps its keys (and its ID node counter) under the test's own prefix.
	cfg.Feed.KeyPrefix = testenv.Namespace(t) + "feed:"
	cfg.Feed.NodeID = testenv.FeedNode(t)
	// Functional tests share a busy machine: without budgets and with
	// breakers that do not open they stay about function. The budgets and
	// breakers themselves are tested with the defaults in
	// reliability_e2e_test.go and by the chaos suite.
	cfg.Reliability.ReadBudget, cfg.Reliability.WriteBudget, cfg.Reliability.AdminBudget = 0, 0, 0
	cfg.Reliability.BreakerFailures = 1 << 20
	return cfg
}

// CleanKeys deletes the Redis keys under prefix (one of the test's own,
// testenv.Namespace) when the test ends.
func CleanKeys(t *testing.T, prefix string) {
	t.Helper()
	rdb := testenv.Redis(t)
	t.Cleanup(func() { testenv.DropKeys(rdb, prefix) })
}

// prefixes holds each running test's search index prefix, so that the
// servers one test starts are one deployment and concurrent runs of the
// same test are not.
var prefixes sync.Map // *testing.T → string

func indexPrefix(t *testing.T) string {
	p, loaded := prefixes.LoadOrStore(t, fmt.Sprintf("e2e-%s-%d", strings.ToLower(t.Name()), time.Now().UnixNano()%1e9))
	if !loaded {
		t.Cleanup(func() { prefixes.Delete(t) })
	}
	return p.(string)
}

// Options say how Start runs the server.
type Options struct {
	Migrate     bool                 // apply the schemas first, as `serve` does by default
	Ready       string               // the path polled until it answers 200
	DropIndices bool                 // delete the search indices under cfg's prefix at the end
	Tracer      trace.TracerProvider // nil: tracing off
	Logs        io.Writer            // nil: discarded
}

// Server is a running server; it stops when the test ends, or at Stop.
type Server struct {
	URL  string       // the public listener's base URL
	Deps *wiring.Deps // what it was built from; Deps.Internal is the internal listener
	stop func()       // cancels Serve's context
	done chan error   // what Serve returned
	once sync.Once
	err  error
}

// Start opens the wiring with cfg, serves it on free ports and returns once
// opts.Ready answers 200 (at most a minute).
func Start(t *testing.T, cfg config.Config, opts Options) *Server {
	t.Helper()
	if opts.Logs == nil {
		opts.Logs = io.Discard
	}
	ctx, cancel := context.WithCancel(context.Background())
	d, err := wiring.OpenTraced(ctx, cfg, opts.Logs, opts.Tracer)
	if err != nil {
		cancel()
		t.Fatalf("%v; start the local services with `make services`", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if d.Internal, err = net.Listen("tcp", "127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	s := &Server{URL: "http://" + ln.Addr().String(), Deps: d, stop: cancel, done: make(chan error, 1)}
	go func() { s.done <- d.Serve(ctx, ln, opts.Migrate) }()
	t.Cleanup(func() {
		if err := s.Stop(); err != nil {
			t.Errorf("serve returned %v", err)
		}
		if opts.DropIndices {
			_ = d.Search.DropPrefix(context.Background())
		}
		d.Close()
	})
	s.awaitReady(t, opts.Ready)
	return s
}

// awaitReady polls path until it answers 200, failing the test when the
// server stops first or a minute passes.
func (s *Server) awaitReady(t *testing.T, path string) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := http.Get(s.URL + path)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return
			}
		}
		select {
		case err := <-s.done:
			s.done <- err // for Stop
			t.Fatalf("server stopped before %s answered: %v", path, err)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("server: %s not 200 after 60s", path)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Stop ends serving as a SIGTERM does and returns what Serve returned; it
// may be called more than once.
func (s *Server) Stop() error {
	s.once.Do(func() {
		s.stop()
		s.err = <-s.done
	})
	return s.err
}

// InternalURL is the base URL of the internal listener (metrics and
// readiness details).
func (s *Server) InternalURL() string { return "http://" + s.Deps.Internal.Addr().String() }

// Products puts products in the graph and the search index, and refreshes
// the index so that searches see them at once.
func Products(t testing.TB, d *wiring.Deps, products []stylegraph.Product) {
	t.Helper()
	ctx := context.Background()
	if err := d.Graph.Catalog.UpsertProducts(ctx, products); err != nil {
		t.Fatal(err)
	}
	if rep, err := d.Search.IndexProducts(ctx, products); err != nil || len(rep.Failed) > 0 {
		t.Fatalf("index: %+v %v", rep, err)
	}
	if err := d.Search.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
}

// Users puts users in the graph and, when the test ends, purges the users
// with IDs base to base+9 (these and any the test made there) with their
// posts and comments.
func Users(t testing.TB, d *wiring.Deps, base int64, users []stylegraph.User) {
	t.Helper()
	if err := d.Graph.Catalog.UpsertUsers(context.Background(), users); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = d.Graph.Seed.PurgeUsers(context.Background(), base, base+10) })
}

// Token returns a bearer token signed with secret for uid with role, valid
// an hour.
func Token(t testing.TB, secret string, uid int64, role stylegraph.Role) string {
	t.Helper()
	tok, err := auth.New(secret, nil).Mint(uid, role, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// Bearer returns the Authorization header of Token(t, secret, uid, role).
func Bearer(t testing.TB, secret string, uid int64, role stylegraph.Role) map[string]string {
	t.Helper()
	return map[string]string{"Authorization": "Bearer " + Token(t, secret, uid, role)}
}

// ServiceKey returns one configured service API key.
func ServiceKey(t testing.TB, cfg config.Config) string {
	t.Helper()
	for k := range cfg.APIKeys {
		return k
	}
	t.Fatal("no service API key configured (STYLEGRAPH_API_KEYS)")
	return ""
}

// Send sends a JSON request with the headers and returns the status and
// the body.
func Send(t testing.TB, method, url string, header map[string]string, body string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

// Do is Send decoding the answer into out (when not nil).
func Do(t testing.TB, method, url string, header map[string]string, body string, out any) int {
	t.Helper()
	code, b := Send(t, method, url, header, body)
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("%s %s: %d %s: %v", method, url, code, b, err)
		}
	}
	return code
}
