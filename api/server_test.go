package api

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/go-cmp/cmp"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/auth"
)

const secret = "0123456789abcdef0123456789abcdef"

func newTestServer(t *testing.T, deps ...Dependency) (*Server, *httptest.Server, *strings.Builder) {
	t.Helper()
	logs := &strings.Builder{}
	s := New(Options{
		Logger:       slog.New(NewLogHandler(slog.NewJSONHandler(logs, nil))),
		Auth:         auth.New(secret, map[string]string{"svc-key-0123456": "orders"}),
		Dependencies: deps,
		MaxBodyBytes: 64,
	})
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(ts.Close)
	return s, ts, logs
}

func token(t *testing.T, sub int64, role stylegraph.Role) string {
	t.Helper()
	tok, err := auth.New(secret, nil).Mint(sub, role, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	return "Bearer " + tok
}

func do(t *testing.T, method, url string, hdr map[string]string, body string) (int, ErrorBody, http.Header) {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var e ErrorBody
	b, _ := io.ReadAll(resp.Body)
	_ = json.Unmarshal(b, &e)
	return resp.StatusCode, e, resp.Header
}

func TestErrorShapeAndAuth(t *testing.T) {
	s, ts, logs := newTestServer(t)
	s.v1.GET("/admin-only", allow(stylegraph.RoleAdmin), func(c *gin.Context) { c.JSON(200, gin.H{"ok": true}) })
	s.v1.GET("/boom", func(c *gin.Context) { panic("boom") })
	s.v1.POST("/echo", func(c *gin.Context) {
		if _, err := io.ReadAll(c.Request.Body); err != nil {
			writeError(c, err)
			return
		}
		c.Status(204)
	})

	shopper := map[string]string{"Authorization": token(t, 7, stylegraph.RoleShopper)}
	admin := map[string]string{"Authorization": token(t, 1, stylegraph.RoleAdmin)}
	for _, tc := range []struct {
		name, method, path string
		hdr                map[string]string
		body               string
		status             int
		code               string
	}{
		{"no credentials", "GET", "/v1/me", nil, "", 401, "unauthorized"},
		{"bad scheme", "GET", "/v1/me", map[string]string{"Authorization": "Basic abc"}, "", 401, "unauthorized"},
		{"bad token", "GET", "/v1/me", map[string]string{"Authorization": "Bearer x.y.z"}, "", 401, "unauthorized"},
		{"bad api key", "GET", "/v1/me", map[string]string{"X-API-Key": "nope"}, "", 401, "unauthorized"},
		{"api key", "GET", "/v1/me", map[string]string{"X-API-Key": "svc-key-0123456"}, "", 200, ""},
		{"wrong role", "GET", "/v1/admin-only", shopper, "", 403, "forbidden"},
		{"right role", "GET", "/v1/admin-only", admin, "", 200, ""},
		{"unknown route", "GET", "/nope", nil, "", 404, "not_found"},
		{"wrong method", "DELETE", "/healthz", nil, "", 405, "method_not_allowed"},
		{"panic", "GET", "/v1/boom", shopper, "", 500, "internal"},
		{"body too large", "POST", "/v1/echo", shopper, strings.Repeat("x", 65), 413, "too_large"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, e, hdr := do(t, tc.method, ts.URL+tc.path, tc.hdr, tc.body)
			if status != tc.status || e.Error.Code != tc.code {
				t.Fatalf("got %d %+v, want %d %q", status, e, tc.status, tc.code)
			}
			if tc.code != "" && (e.Error.Message == "" || e.Error.RequestID != hdr.Get("X-Request-ID")) {
				t.Fatalf("error body lacks message or request ID: %+v (header %q)", e, hdr.Get("X-Request-ID"))
			}
		})
	}
	if !strings.Contains(logs.String(), `"panic":"boom"`) {
		t.Errorf("panic was not logged:\n%s", logs)
	}
}

func TestRequestIDOnEveryLogLine(t *testing.T) {
	_, ts, logs := newTestServer(t)
	_, _, hdr := do(t, "GET", ts.URL+"/healthz", map[string]string{"X-Request-ID": "abc-123"}, "")
	if hdr.Get("X-Request-ID") != "abc-123" {
		t.Fatalf("request ID not echoed: %q", hdr.Get("X-Request-ID"))
	}
	_, _, hdr = do(t, "GET", ts.URL+"/healthz", map[string]string{"X-Request-ID": "bad id forged"}, "")
	if got := hdr.Get("X-Request-ID"); got == "" || strings.Contains(got, "forged") {
		t.Fatalf("unsafe request ID accepted: %q", got)
	}
	for _, line := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("log line is not JSON: %q", line)
		}
		if rec["request_id"] == nil || rec["request_id"] == "" {
			t.Errorf("log line without request_id: %s", line)
		}
	}
}

// TestReadyz checks the readiness decision and who sees what: the public
// port answers the status alone (no dependency names, errors or latencies),
// the internal listener every dependency's line.
func TestReadyz(t *testing.T) {
	up := Dependency{Name: "a", Ping: func(context.Context) error { return nil }}
	down := Dependency{Name: "b", Ping: func(context.Context) error { return errors.New("dial tcp 10.1.2.3:9200: refused") }}
	hung := Dependency{Name: "c", Ping: func(ctx context.Context) error { <-ctx.Done(); return ctx.Err() }}
	requiredDown := Dependency{Name: "r", Ping: down.Ping, Required: true}
	for _, tc := range []struct {
		deps   []Dependency
		status int
		state  string
		want   map[string]string
	}{
		{[]Dependency{up}, 200, "ready", map[string]string{"a": "up"}},
		{[]Dependency{up, down, hung}, 200, "degraded", map[string]string{"a": "up", "b": "down", "c": "down"}},
		{[]Dependency{up, down, requiredDown}, 503, "unavailable", map[string]string{"a": "up", "b": "down", "r": "down"}},
	} {
		s, ts, _ := newTestServer(t, tc.deps...)
		internal := httptest.NewServer(s.InternalHandler())
		t.Cleanup(internal.Close)
		for _, base := range []string{ts.URL, internal.URL} {
			start := time.Now()
			resp, err := http.Get(base + "/readyz")
			if err != nil {
				t.Fatal(err)
			}
			raw, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			var body struct {
				Status       string                      `json:"status"`
				Dependencies map[string]DependencyStatus `json:"dependencies"`
			}
			if err := json.Unmarshal(raw, &body); err != nil {
				t.Fatalf("%s: %v", raw, err)
			}
			if took := time.Since(start); took > readyTimeout+200*time.Millisecond {
				t.Errorf("/readyz took %v, want under %v", took, readyTimeout)
			}
			if body.Status != tc.state || resp.StatusCode != tc.status {
				t.Errorf("%d %q, want %d %q", resp.StatusCode, body.Status, tc.status, tc.state)
			}
			if tc.status == 503 && resp.Header.Get("Retry-After") == "" {
				t.Errorf("503 without Retry-After")
			}
			if base == ts.URL {
				if want := `{"status":"` + tc.state + `"}`; string(raw) != want {
					t.Errorf("public /readyz = %s, want %s", raw, want)
				}
				continue
			}
			got := map[string]string{}
			for k, v := range body.Dependencies {
				got[k] = v.Status
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("internal /readyz dependencies (-want +got):\n%s", diff)
			}
		}
	}
}

// /metrics is served on the internal listener only.
func TestMetricsOnlyInternal(t *testing.T) {
	s, ts, _ := newTestServer(t)
	internal := httptest.NewServer(s.InternalHandler())
	t.Cleanup(internal.Close)
	if status, _, _ := do(t, "GET", ts.URL+"/v1/me", nil, ""); status != 401 {
		t.Fatalf("/v1/me = %d", status)
	}
	if status, e, _ := do(t, "GET", ts.URL+"/metrics", nil, ""); status != 404 || e.Error.Code != "not_found" {
		t.Errorf("public /metrics = %d %+v, want 404", status, e)
	}
	resp, err := http.Get(internal.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if want := `stylegraph_http_requests_total{method="GET",route="/v1/me",status="401"} 1`; resp.StatusCode != 200 || !strings.Contains(string(body), want) {
		t.Errorf("internal /metrics = %d, lacks %q:\n%.1000s", resp.StatusCode, want, body)
	}
}

// Shutdown turns readiness to 503 at once, before in-flight requests end;
// liveness stays up and never pings anything.
func TestReadyzDuringShutdown(t *testing.T) {
	pinged := 0
	s, ts, _ := newTestServer(t, Dependency{Name: "redis", Required: true, Ping: func(context.Context) error { pinged++; return nil }})
	s.Drain()
	resp, err := http.Get(ts.URL + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 503 || resp.Header.Get("Retry-After") == "" {
		t.Errorf("/readyz while draining = %d (Retry-After %q), want 503 with Retry-After", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	for _, path := range []string{"/livez", "/healthz"} {
		resp, err := http.Get(ts.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Errorf("%s = %d, want 200", path, resp.StatusCode)
		}
	}
	if pinged != 0 {
		t.Errorf("dependencies pinged %d times, want none", pinged)
	}
}

func TestBudgetFor(t *testing.T) {
	b := Budgets{Read: 1 * time.Second, Write: 2 * time.Second, Admin: 3 * time.Second}
	for _, tc := range []struct {
		method, route string
		want          time.Duration
	}{
		{"GET", "/v1/feed", time.Second},
		{"GET", "/v1/feed/stream", 0},
		{"GET", "/readyz", 0},
		{"POST", "/v1/posts", 2 * time.Second},
		{"PUT", "/v1/products/:id", 2 * time.Second},
		{"GET", "/v1/admin/insights/funnel", 3 * time.Second},
		{"GET", "/v1/me/export", 3 * time.Second},
		{"DELETE", "/v1/me", 3 * time.Second},
		{"GET", "/v1/me", time.Second},
	} {
		if got := b.budgetFor(tc.method, tc.route); got != tc.want {
			t.Errorf("%s %s: budget %v, want %v", tc.method, tc.route, got, tc.want)
		}
	}
}
