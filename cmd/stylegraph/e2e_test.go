package main

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"go.opentelemetry.io/otel/trace"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/auth"
	"github.com/stylegraph/stylegraph/config"
	"github.com/stylegraph/stylegraph/internal/testenv"
	"github.com/stylegraph/stylegraph/internal/wiring"
)

// startServer runs the real wiring (migrations included) on a free port
// against the real services and returns its base URL.
func startServer(t *testing.T) (string, *deps) {
	t.Helper()
	return startServerWith(t, nil)
}

// startServerWith is startServer with the configuration adjusted by edit.
func startServerWith(t *testing.T, edit func(*config.Config)) (string, *deps) {
	t.Helper()
	return startServerTraced(t, edit, nil, io.Discard)
}

// startServerTraced is startServerWith tracing to tp (nil: off) and logging
// to logs.
func startServerTraced(t *testing.T, edit func(*config.Config), tp trace.TracerProvider, logs io.Writer) (string, *deps) {
	t.Helper()
	cfg := testenv.Config(t)
	cfg.SearchIndexPrefix = "e2e-" + strings.ToLower(t.Name())
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
	t.Cleanup(func() {
		rdb := testenv.Redis(t)
		iter := rdb.Scan(context.Background(), 0, cfg.Feed.KeyPrefix+"*", 1000).Iterator()
		for iter.Next(context.Background()) {
			rdb.Del(context.Background(), iter.Val())
		}
	})
	if edit != nil {
		edit(&cfg)
	}
	ctx, cancel := context.WithCancel(context.Background())
	d, err := wiring.OpenTraced(ctx, cfg, logs, tp)
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
	done := make(chan error, 1)
	go func() { done <- d.Serve(ctx, ln, true) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve returned %v", err)
		}
		_ = d.Search.DropPrefix(context.Background())
		d.Close()
	})
	base := "http://" + ln.Addr().String()
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := http.Get(base + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return base, d
			}
		}
		select {
		case err := <-done:
			t.Fatalf("server stopped before it was healthy: %v", err)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatal("server not healthy after 60s")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// internalBase is the base URL of the server's internal listener (metrics
// and readiness details).
func internalBase(d *deps) string { return "http://" + d.Internal.Addr().String() }

func get(t *testing.T, url string, header map[string]string, out any) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if out != nil {
		if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
			t.Fatalf("GET %s: decode: %v", url, err)
		}
	}
	return resp.StatusCode
}

func TestEndToEnd(t *testing.T) {
	base, d := startServer(t)

	// Public readiness is the status alone; the internal listener names
	// each dependency.
	var public map[string]any
	if code := get(t, base+"/readyz", nil, &public); code != 200 {
		t.Fatalf("/readyz = %d %+v", code, public)
	}
	if diff := cmp.Diff(map[string]any{"status": "ready"}, public); diff != "" {
		t.Errorf("public /readyz (-want +got):\n%s", diff)
	}
	var ready struct {
		Status       string `json:"status"`
		Dependencies map[string]struct {
			Status string `json:"status"`
		} `json:"dependencies"`
	}
	// Freshly started stores may miss the first 1 s readiness check: poll.
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		if code := get(t, internalBase(d)+"/readyz", nil, &ready); code != 200 {
			t.Fatalf("internal /readyz = %d %+v", code, ready)
		}
		if ready.Dependencies["neo4j"].Status == "up" && ready.Dependencies["opensearch"].Status == "up" || time.Now().After(deadline) {
			break
		}
	}
	for _, dep := range []string{"neo4j", "opensearch", "redis"} {
		if ready.Dependencies[dep].Status != "up" {
			t.Errorf("internal /readyz: %s is %q", dep, ready.Dependencies[dep].Status)
		}
	}

	var e struct {
		Error struct{ Code string } `json:"error"`
	}
	if code := get(t, base+"/v1/me", nil, &e); code != 401 || e.Error.Code != "unauthorized" {
		t.Errorf("/v1/me without credentials = %d %+v, want 401 unauthorized", code, e)
	}
	tok, err := auth.New(d.Cfg.JWTSecret, nil).Mint(42, stylegraph.RoleShopper, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	var me stylegraph.Principal
	if code := get(t, base+"/v1/me", map[string]string{"Authorization": "Bearer " + tok}, &me); code != 200 {
		t.Fatalf("/v1/me = %d", code)
	}
	if diff := cmp.Diff(stylegraph.Principal{UserID: 42, Role: stylegraph.RoleShopper, Via: "jwt"}, me); diff != "" {
		t.Errorf("/v1/me (-want +got):\n%s", diff)
	}

	// Migrations ran: the product alias exists behind a versioned index.
	idx, err := d.Search.AliasTarget(context.Background(), d.Search.Alias("products"))
	if err != nil || !strings.HasPrefix(idx, d.Search.Alias("products")+"-") {
		t.Errorf("products alias target = %q, %v", idx, err)
	}

	// Metrics are not public; the internal listener counts the requests
	// just made, by route pattern.
	if code := get(t, base+"/metrics", nil, nil); code != http.StatusNotFound {
		t.Errorf("public /metrics = %d, want 404", code)
	}
	resp, err := http.Get(internalBase(d) + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), `stylegraph_http_requests_total{method="GET",route="/v1/me",status="401"}`) {
		t.Errorf("/metrics lacks the /v1/me 401 count:\n%.2000s", body)
	}
}
