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
	"github.com/stylegraph/stylegraph/config"
	"github.com/stylegraph/stylegraph/internal/e2e"
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
	if err := d.Graph.Catalog.UpsertUsers(context.Background(), []stylegraph.User{{ID: shopper, Name: "S"}, {ID: other, Name: "O"}}); err != nil {
		t.Fatal(err)
	}
	token := func(sub int64, role stylegraph.Role) map[string]string {
		return e2e.Bearer(t, d.Cfg.JWTSecret, sub, role)
	}
	serviceKey := e2e.ServiceKey(t, d.Cfg)
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
		{"guest", token(stylegraph.MinGuestID+ids, stylegraph.RoleGuest), stylegraph.RoleGuest},
	}
	// Guests browse: search, trending, recommendations, products and their
	// own browsing events.
	guest := map[string]bool{
		"GET /v1/search": true, "GET /v1/search/suggest": true, "GET /v1/trending": true, "GET /v1/recommendations": true,
		"GET /v1/products/{id}": true, "GET /v1/products/{id}/similar": true, "POST /v1/events": true, "GET /v1/me": true,
	}
	service := map[string]bool{
		"POST /v1/events": true, "GET /v1/products/{id}": true, "PUT /v1/products/{id}": true, "POST /v1/products": true,
		"DELETE /v1/products/{id}": true, "PUT /v1/users/{id}": true, "GET /v1/me": true,
	}
	// forbidden says whether role must be refused on route.
	forbidden := func(role stylegraph.Role, route string) bool {
		switch role {
		case stylegraph.RoleService:
			return !service[route]
		case stylegraph.RoleGuest:
			return !guest[route]
		case stylegraph.RoleShopper:
			return strings.Contains(route, " /v1/admin/") || route == "PUT /v1/products/{id}" || route == "DELETE /v1/products/{id}" || route == "POST /v1/products" ||
				route == "PUT /v1/users/{id}" // another user's profile
		case stylegraph.RoleMerchandiser:
			return route == "GET /v1/admin/audit" || route == "PUT /v1/users/{id}"
		}
		return false
	}
	fill := strings.NewReplacer("{id}", fmt.Sprint(other), "{commentId}", fmt.Sprint(ids+998), "{productId}", fmt.Sprint(ids+999), "{kind}", "users")

	for _, r := range routes(t, d) {
		if !strings.HasPrefix(r.Path, "/v1/") {
			continue
		}
		route := r.Method + " " + r.Path
		if route == "DELETE /v1/me" {
			continue // erasure has its own end-to-end test
		}
		if route == "POST /v1/guests" {
			continue // anyone may start a guest session (TestGuestSession)
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

// TestEventAuthorizationMatrix sends every event type to POST /v1/events as
// every kind of caller, about the caller's own actions and objects and about
// someone else's: a user records only their own actions (acting on another
// user's post or profile is their own like, view or follow), never commerce
// facts; services report anyone's actions and commerce; nobody sends post
// lifecycle events, which the server derives.
func TestEventAuthorizationMatrix(t *testing.T) {
	base, d := startServerWith(t, func(c *config.Config) {
		isolate(t)(c)
		c.RateLimitPerUser, c.RateLimitPerIP = 0, 0 // some 200 calls as one user
	})
	ids := testenv.IDBase(t)
	self, other := ids+1, ids+2
	var p stylegraph.Feed
	if err := d.Graph.Catalog.UpsertUsers(context.Background(), []stylegraph.User{{ID: self, Name: "S"}, {ID: other, Name: "O"}}); err != nil {
		t.Fatal(err)
	}
	if code := e2e.Do(t, http.MethodPost, base+"/v1/posts", e2e.Bearer(t, d.Cfg.JWTSecret, other, stylegraph.RoleShopper), `{"title":"theirs"}`, &p); code != http.StatusCreated {
		t.Fatalf("other's post = %d", code)
	}
	var own stylegraph.Feed
	if code := e2e.Do(t, http.MethodPost, base+"/v1/posts", e2e.Bearer(t, d.Cfg.JWTSecret, self, stylegraph.RoleShopper), `{"title":"mine"}`, &own); code != http.StatusCreated {
		t.Fatalf("own post = %d", code)
	}
	// body is a valid event of type typ by actor (0: left out) about the
	// object whose owner is owner.
	body := func(typ string, actor, owner int64) string {
		post := own.Post.ID
		if owner != self {
			post = p.Post.ID
		}
		target := map[string]string{
			"view": fmt.Sprintf(`{"kind":"post","id":%d}`, post), "like": fmt.Sprintf(`{"kind":"post","id":%d}`, post),
			"unlike": fmt.Sprintf(`{"kind":"post","id":%d}`, post), "comment": fmt.Sprintf(`{"kind":"post","id":%d}`, post),
			"follow": fmt.Sprintf(`{"kind":"user","id":%d}`, owner), "unfollow": fmt.Sprintf(`{"kind":"user","id":%d}`, owner),
			"add_to_cart": `{"kind":"product","id":1}`, "remove_from_cart": `{"kind":"product","id":1}`, "purchase": `{"kind":"product","id":1}`,
			"hide": `{"kind":"product","id":1}`, "post_created": fmt.Sprintf(`{"kind":"post","id":%d}`, post),
			"post_deleted": fmt.Sprintf(`{"kind":"post","id":%d}`, post),
		}[typ]
		s := `{"type":"` + typ + `"`
		if actor != 0 {
			s += fmt.Sprintf(`,"userId":%d`, actor)
		}
		if target != "" {
			s += `,"target":` + target
		}
		switch typ {
		case "comment":
			s += `,"data":{"text":"hi"}`
		case "search":
			s += `,"data":{"query":"tee"}`
		}
		return s + "}"
	}
	types := []string{"view", "like", "unlike", "comment", "follow", "unfollow", "add_to_cart", "remove_from_cart", "purchase", "search", "post_created", "post_deleted", "hide"}
	commerce := map[string]bool{"add_to_cart": true, "remove_from_cart": true, "purchase": true}
	lifecycle := map[string]bool{"post_created": true, "post_deleted": true}
	callers := []struct {
		name string
		hdr  map[string]string
		user bool
	}{
		{"shopper", e2e.Bearer(t, d.Cfg.JWTSecret, self, stylegraph.RoleShopper), true},
		{"merchandiser", e2e.Bearer(t, d.Cfg.JWTSecret, self, stylegraph.RoleMerchandiser), true},
		{"admin", e2e.Bearer(t, d.Cfg.JWTSecret, self, stylegraph.RoleAdmin), true},
		{"service", serviceKey(t, d), false},
	}
	for _, typ := range types {
		for _, c := range callers {
			for _, tc := range []struct {
				who          string
				actor, owner int64
			}{
				{"as themself, own object", 0, self},
				{"as themself, another's object", 0, other},
				{"as another user, own object", other, self},
				{"as another user, their object", other, other},
			} {
				if typ == "follow" || typ == "unfollow" {
					if tc.owner == tc.actor || (tc.actor == 0 && tc.owner == self) {
						continue // following yourself is invalid, not a matter of rights
					}
				}
				actor := tc.actor
				if !c.user && actor == 0 {
					actor = self // a service must name the actor
				}
				wantStatus, wantField := http.StatusAccepted, ""
				switch {
				case lifecycle[typ]:
					wantStatus, wantField = http.StatusForbidden, "type"
				case c.user && commerce[typ]:
					wantStatus, wantField = http.StatusForbidden, "type"
				case c.user && tc.actor != 0:
					wantStatus, wantField = http.StatusForbidden, "userId"
				}
				b := body(typ, actor, tc.owner)
				var e api.ErrorBody
				var ok api.EventsResponse
				out := any(&e)
				if wantStatus == http.StatusAccepted {
					out = &ok
				}
				code := e2e.Do(t, http.MethodPost, base+"/v1/events", c.hdr, b, out)
				if code != wantStatus || (wantStatus != http.StatusAccepted && e.Error.Field != wantField) ||
					(wantStatus == http.StatusAccepted && ok.Accepted != 1) {
					t.Errorf("%s %s %s: %s -> %d %+v %+v, want %d %s", c.name, typ, tc.who, b, code, e.Error, ok, wantStatus, wantField)
				}
			}
		}
	}
}
