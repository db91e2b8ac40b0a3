package main

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"go.opentelemetry.io/otel/trace"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/config"
	"github.com/stylegraph/stylegraph/internal/e2e"
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
	cfg := e2e.Config(t)
	if edit != nil {
		edit(&cfg)
	}
	e2e.CleanKeys(t, cfg.Feed.KeyPrefix)
	s := e2e.Start(t, cfg, e2e.Options{Migrate: true, Ready: "/healthz", DropIndices: true, Tracer: tp, Logs: logs})
	return s.URL, s.Deps
}

// internalBase is the base URL of the server's internal listener (metrics
// and readiness details).
func internalBase(d *deps) string { return "http://" + d.Internal.Addr().String() }

// get sends a GET with the headers, decodes the answer into out (when not
// nil) and returns the status.
func get(t *testing.T, url string, header map[string]string, out any) int {
	t.Helper()
	return e2e.Do(t, http.MethodGet, url, header, "", out)
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
	var me stylegraph.Principal
	if code := get(t, base+"/v1/me", e2e.Bearer(t, d.Cfg.JWTSecret, 42, stylegraph.RoleShopper), &me); code != 200 {
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
