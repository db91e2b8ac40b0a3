package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/api"
	"github.com/stylegraph/stylegraph/auth"
	"github.com/stylegraph/stylegraph/internal/testenv"
)

// routes returns every method and path the fully wired API answers.
func routes(t *testing.T, d *deps) []api.Route {
	t.Helper()
	srv, closeAPI, err := d.NewAPI(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(closeAPI)
	var out []api.Route
	for _, r := range srv.Routes() {
		if r.Method != http.MethodHead && r.Method != http.MethodOptions {
			out = append(out, r)
		}
	}
	return out
}

// TestOpenAPIMatchesRoutes keeps api/openapi.yaml and the router in step:
// every route is documented and every documented operation exists.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	_, d := startServerWith(t, isolate(t))
	var spec struct {
		Paths map[string]map[string]any `yaml:"paths"`
	}
	if err := yaml.Unmarshal(api.OpenAPISpec(), &spec); err != nil {
		t.Fatalf("api/openapi.yaml: %v", err)
	}
	documented := map[string]bool{}
	for path, ops := range spec.Paths {
		for method := range ops {
			switch method {
			case "get", "put", "post", "delete", "patch":
				documented[strings.ToUpper(method)+" "+path] = true
			}
		}
	}
	served := map[string]bool{}
	for _, r := range routes(t, d) {
		served[r.Method+" "+r.Path] = true
	}
	var missing, stale []string
	for k := range served {
		if !documented[k] {
			missing = append(missing, k)
		}
	}
	for k := range documented {
		if !served[k] {
			stale = append(stale, k)
		}
	}
	slices.Sort(missing)
	slices.Sort(stale)
	if len(missing) > 0 {
		t.Errorf("routes missing from api/openapi.yaml:\n  %s", strings.Join(missing, "\n  "))
	}
	if len(stale) > 0 {
		t.Errorf("api/openapi.yaml documents routes that do not exist:\n  %s", strings.Join(stale, "\n  "))
	}
}

// TestAuthorizationMatrix calls every /v1 route with every kind of caller and
// checks who gets in: nobody without credentials, services only to ingest and
// catalog, shoppers nowhere under /v1/admin or catalog writes, merchandisers
// not to the audit log. No call, whatever its input, may answer 5xx.
func TestAuthorizationMatrix(t *testing.T) {
	base, d := startServerWith(t, isolate(t))
	ids := testenv.IDBase(t)
	shopper, other := ids+1, ids+2
	if err := d.Graph.UpsertUsers(context.Background(), []stylegraph.User{{ID: shopper, Name: "S"}, {ID: other, Name: "O"}}); err != nil {
		t.Fatal(err)
	}
	minter := auth.New(d.Cfg.JWTSecret, nil)
	token := func(sub int64, role stylegraph.Role) map[string]string {
		tok, err := minter.Mint(sub, role, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		return map[string]string{"Authorization": "Bearer " + tok}
	}
	var serviceKey string
	for k := range d.Cfg.APIKeys {
		serviceKey = k
	}
	expired, _ := auth.New(d.Cfg.JWTSecret, nil).Mint(shopper, stylegraph.RoleAdmin, time.Nanosecond)
	forged, _ := auth.New(strings.Repeat("x", 40), nil).Mint(shopper, stylegraph.RoleAdmin, time.Hour)
	callers := []struct {
		name string
		hdr  map[string]string
		role stylegraph.Role
	}{
		{"nobody", nil, ""},
		{"expired", map[string]string{"Authorization": "Bearer " + expired}, ""},
		{"forged", map[string]string{"Authorization": "Bearer " + forged}, ""},
		{"shopper", token(shopper, stylegraph.RoleShopper), stylegraph.RoleShopper},
		{"merchandiser", token(ids+3, stylegraph.RoleMerchandiser), stylegraph.RoleMerchandiser},
		{"admin", token(ids+4, stylegraph.RoleAdmin), stylegraph.RoleAdmin},
		{"service", map[string]string{"X-API-Key": serviceKey}, stylegraph.RoleService},
	}
	service := map[string]bool{
		"POST /v1/events": true, "GET /v1/products/{id}": true, "PUT /v1/products/{id}": true,
		"DELETE /v1/products/{id}": true, "PUT /v1/users/{id}": true, "GET /v1/me": true,
	}
	// forbidden says whether role must be refused on route.
	forbidden := func(role stylegraph.Role, route string) bool {
		switch role {
		case stylegraph.RoleService:
			return !service[route]
		case stylegraph.RoleShopper:
			return strings.Contains(route, " /v1/admin/") || route == "PUT /v1/products/{id}" || route == "DELETE /v1/products/{id}" ||
				route == "PUT /v1/users/{id}" // another user's profile
		case stylegraph.RoleMerchandiser:
			return route == "GET /v1/admin/audit" || route == "PUT /v1/users/{id}"
		}
		return false
	}
	fill := strings.NewReplacer("{id}", fmt.Sprint(other), "{productId}", fmt.Sprint(ids+999), "{kind}", "users")

	for _, r := range routes(t, d) {
		if !strings.HasPrefix(r.Path, "/v1/") {
			continue
		}
		route := r.Method + " " + r.Path
		if route == "DELETE /v1/me" {
			continue // erasure has its own end-to-end test
		}
		for _, c := range callers {
			t.Run(route+" as "+c.name, func(t *testing.T) {
				t.Parallel()
				ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
				defer cancel()
				req, _ := http.NewRequestWithContext(ctx, r.Method, base+fill.Replace(r.Path), strings.NewReader("{}"))
				req.Header.Set("Content-Type", "application/json")
				for k, v := range c.hdr {
					req.Header.Set(k, v)
				}
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				var body []byte
				if !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
					body, _ = io.ReadAll(io.LimitReader(resp.Body, 512))
				}
				resp.Body.Close()
				switch {
				case resp.StatusCode >= 500:
					t.Errorf("%d %s", resp.StatusCode, body)
				case c.role == "":
					if resp.StatusCode != http.StatusUnauthorized {
						t.Errorf("got %d, want 401 %s", resp.StatusCode, body)
					}
				case forbidden(c.role, route):
					if resp.StatusCode != http.StatusForbidden {
						t.Errorf("got %d, want 403 %s", resp.StatusCode, body)
					}
				default:
					if resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden {
						t.Errorf("got %d, want access %s", resp.StatusCode, body)
					}
				}
			})
		}
	}
}
