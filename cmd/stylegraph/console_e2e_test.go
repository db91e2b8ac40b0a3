package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/config"
	"github.com/stylegraph/stylegraph/graph"
	"github.com/stylegraph/stylegraph/internal/e2e"
	"github.com/stylegraph/stylegraph/internal/testenv"
)

// TestConsoleIsServed checks the embedded console's files, their security
// headers and the dev sign-in, which exists only in dev.
func TestConsoleIsServed(t *testing.T) {
	base, _ := startServerWith(t, isolate(t))
	for _, c := range []struct{ path, ctype, contains string }{
		{"/console/", "text/html", `<script type="module" src="js/app.js">`},
		{"/console/js/app.js", "javascript", "import"},
		{"/console/js/views/explorer.js", "javascript", "/v1/admin/graph/neighbours"},
		{"/console/style.css", "text/css", ":root"},
		{"/console/vendor/echarts.min.js", "javascript", "echarts"},
		{"/console/config.json", "application/json", `"devSignIn":true`},
	} {
		resp, err := http.Get(base + c.path)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Content-Type"), c.ctype) || !strings.Contains(string(b), c.contains) {
			t.Errorf("GET %s = %d %s, body lacks %q", c.path, resp.StatusCode, resp.Header.Get("Content-Type"), c.contains)
		}
		csp := resp.Header.Get("Content-Security-Policy")
		for _, want := range []string{"default-src 'none'", "script-src 'self'", "style-src 'self'", "connect-src 'self'", "frame-ancestors 'none'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("GET %s: CSP %q lacks %q", c.path, csp, want)
			}
		}
		if strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") {
			t.Errorf("GET %s: CSP allows inline code: %q", c.path, csp)
		}
		if resp.Header.Get("X-Content-Type-Options") != "nosniff" || resp.Header.Get("X-Frame-Options") != "DENY" {
			t.Errorf("GET %s: headers %v", c.path, resp.Header)
		}
	}
	for _, path := range []string{"/console/nope.js", "/console/../go.mod", "/console/%2e%2e/go.mod"} {
		if code := get(t, base+path, nil, nil); code != 404 {
			t.Errorf("GET %s = %d, want 404", path, code)
		}
	}

	// Dev sign-in: a token for the user and role asked, which the API accepts.
	var tok struct {
		Token     string `json:"token"`
		ExpiresIn int    `json:"expiresIn"`
	}
	if code := e2e.Do(t, http.MethodPost, base+"/console/dev-token", nil, `{"userId": 42, "role": "merchandiser"}`, &tok); code != 200 || tok.ExpiresIn <= 0 {
		t.Fatalf("POST /console/dev-token = %d %+v", code, tok)
	}
	var me stylegraph.Principal
	if code := get(t, base+"/v1/me", bearer(tok.Token), &me); code != 200 {
		t.Fatalf("/v1/me with the dev token = %d", code)
	}
	if diff := cmp.Diff(stylegraph.Principal{UserID: 42, Role: stylegraph.RoleMerchandiser, Via: "jwt"}, me); diff != "" {
		t.Errorf("dev token principal (-want +got):\n%s", diff)
	}
	for body, field := range map[string]string{
		`{"userId": 42, "role": "service"}`:        "role",
		`{"userId": 0, "role": "shopper"}`:         "userId",
		`{"userId": 1, "role": "shopper", "x": 1}`: "x",
	} {
		var e errBody
		if code := e2e.Do(t, http.MethodPost, base+"/console/dev-token", nil, body, &e); code != 400 || e.Error.Field != field {
			t.Errorf("POST /console/dev-token %s = %d %+v, want 400 on %s", body, code, e, field)
		}
	}
}

// TestConsoleWithoutDevSignIn: outside dev the console offers only the
// identity provider's token, and the dev sign-in route does not exist.
func TestConsoleWithoutDevSignIn(t *testing.T) {
	base, _ := startServerWith(t, func(c *config.Config) { isolate(t)(c); c.Env = "prod" })
	var cfg struct {
		DevSignIn bool `json:"devSignIn"`
	}
	if code := get(t, base+"/console/config.json", nil, &cfg); code != 200 || cfg.DevSignIn {
		t.Errorf("config.json = %d %+v, want no dev sign-in", code, cfg)
	}
	// Only GET is served under /console/ then: 405, and no token.
	var e errBody
	if code := e2e.Do(t, http.MethodPost, base+"/console/dev-token", nil, `{"userId": 1, "role": "admin"}`, &e); code != 405 || e.Error.Code != "method_not_allowed" {
		t.Errorf("POST /console/dev-token in prod = %d %+v, want 405", code, e)
	}
}

// TestConsoleEndpoints checks what the console's own endpoints answer: the
// explorer's neighbourhoods, the shopper preview and the audit filters.
func TestConsoleEndpoints(t *testing.T) {
	base, d := startServerWith(t, func(c *config.Config) {
		isolate(t)(c)
		// Trending reads every recent engagement in the shared graph; the
		// preview's social reason is what this test needs.
		c.Recs.FeedEvery = 0
		c.Recs.Weights = map[string]float64{"collaborative": 1, "social": 1, "interest": 0.2}
	})
	ctx := context.Background()
	ids := testenv.IDBase(t)
	shopper, friend, merch, admin := ids+1, ids+2, ids+3, ids+4
	brandName := fmt.Sprintf("Explorer Brand %d", ids)
	brand := stylegraph.BrandID(brandName)
	tee, hat := ids+11, ids+12
	if err := d.Graph.Catalog.UpsertUsers(ctx, []stylegraph.User{{ID: shopper, Name: "S"}, {ID: friend, Name: "Friend"}}); err != nil {
		t.Fatal(err)
	}
	if err := d.Graph.Catalog.UpsertProducts(ctx, []stylegraph.Product{
		{ID: tee, Title: "Explorer Tee", Brand: brandName, BrandID: brand, Tags: []string{"explorer-tag"}, CategoryPath: []string{"Apparel", "Topwear", "Tshirts"}, CreatedAt: time.Now()},
		{ID: hat, Title: "Explorer Cap", Brand: brandName, BrandID: brand, CreatedAt: time.Now()},
	}); err != nil {
		t.Fatal(err)
	}
	if err := d.Graph.Seed.FollowUsers(ctx, []graph.Follow{{From: shopper, To: friend, At: time.Now()}}); err != nil {
		t.Fatal(err)
	}
	if err := d.Graph.Seed.LoadEngagements(ctx, []graph.Engagement{{UserID: friend, ProductID: tee, Kind: graph.EngageLike, At: time.Now()}}); err != nil {
		t.Fatal(err)
	}
	tok := func(sub int64, role stylegraph.Role) map[string]string {
		return bearer(e2e.Token(t, d.Cfg.JWTSecret, sub, role))
	}

	var n stylegraph.Neighbourhood
	if code := get(t, fmt.Sprintf("%s/v1/admin/graph/neighbours?kind=product&id=%d", base, tee), tok(merch, stylegraph.RoleMerchandiser), &n); code != 200 {
		t.Fatalf("neighbours = %d", code)
	}
	refs := map[string]string{}
	for _, x := range n.Nodes {
		refs[x.Ref] = x.Name
	}
	links := map[string]bool{}
	for _, l := range n.Links {
		links[l.From+" "+l.Type+" "+l.To] = true
	}
	want := map[string]string{fmt.Sprintf("brand:%d", brand): brandName, fmt.Sprintf("user:%d", friend): "Friend",
		"tag:explorer-tag": "explorer-tag", "category:Apparel > Topwear > Tshirts": "Tshirts"}
	if diff := cmp.Diff(want, refs); diff != "" || n.Center.Name != "Explorer Tee" {
		t.Errorf("neighbours of the tee %q (-want +got):\n%s", n.Center.Name, diff)
	}
	for _, l := range []string{
		fmt.Sprintf("product:%d MADE_BY brand:%d", tee, brand), fmt.Sprintf("user:%d LIKED product:%d", friend, tee),
	} {
		if !links[l] {
			t.Errorf("neighbours lack the link %s: %v", l, links)
		}
	}
	// Only the relations asked, from a tag and from a brand.
	if code := get(t, fmt.Sprintf("%s/v1/admin/graph/neighbours?kind=brand&id=%d&rel=brand", base, brand), tok(admin, stylegraph.RoleAdmin), &n); code != 200 || len(n.Nodes) != 2 {
		t.Errorf("brand's products = %d %+v, want the tee and the cap", code, n.Nodes)
	}
	for q, field := range map[string]string{
		"kind=planet&id=1": "kind", "kind=product": "id", "kind=tag": "key", "kind=product&id=1&rel=hates": "rel",
		"kind=product&id=1&limit=99": "limit",
	} {
		var e errBody
		if code := get(t, base+"/v1/admin/graph/neighbours?"+q, tok(merch, stylegraph.RoleMerchandiser), &e); code != 400 || e.Error.Field != field {
			t.Errorf("neighbours?%s = %d %+v, want 400 on %s", q, code, e, field)
		}
	}
	if code := get(t, base+"/v1/admin/graph/neighbours?kind=user&id=9007199254740990", tok(merch, stylegraph.RoleMerchandiser), nil); code != 404 {
		t.Errorf("neighbours of an unknown user = %d, want 404", code)
	}
	if code := get(t, fmt.Sprintf("%s/v1/admin/graph/neighbours?kind=product&id=%d", base, tee), tok(shopper, stylegraph.RoleShopper), nil); code != 403 {
		t.Errorf("a shopper exploring = %d, want 403", code)
	}

	// The preview: the shopper's social recommendation names the friend.
	var p struct {
		UserID          int64                       `json:"userId"`
		Recommendations []stylegraph.Recommendation `json:"recommendations"`
		Feed            struct {
			Items []json.RawMessage `json:"items"`
		} `json:"feed"`
		Search struct {
			Query          string                  `json:"query"`
			Personalised   stylegraph.SearchResult `json:"personalised"`
			Unpersonalised stylegraph.SearchResult `json:"unpersonalised"`
		} `json:"search"`
	}
	if code := get(t, fmt.Sprintf("%s/v1/admin/preview?userId=%d&q=tee", base, shopper), tok(merch, stylegraph.RoleMerchandiser), &p); code != 200 {
		t.Fatalf("preview = %d", code)
	}
	var via []string
	for _, r := range p.Recommendations {
		for _, why := range r.Reasons {
			for _, u := range why.Via {
				via = append(via, fmt.Sprint(r.Product.ID, " ", u.Name))
			}
		}
	}
	if !strings.Contains(strings.Join(via, ";"), fmt.Sprint(tee, " Friend")) || p.UserID != shopper || p.Search.Query != "tee" {
		t.Errorf("preview: user %d, query %q, social reasons %v; want the tee liked by Friend", p.UserID, p.Search.Query, via)
	}
	if p.Search.Unpersonalised.Personalization != nil && p.Search.Unpersonalised.Personalization.Enabled {
		t.Errorf("the unpersonalised search was personalised: %+v", p.Search.Unpersonalised.Personalization)
	}
	if code := get(t, fmt.Sprintf("%s/v1/admin/preview?userId=%d", base, shopper), tok(shopper, stylegraph.RoleShopper), nil); code != 403 {
		t.Errorf("a shopper previewing = %d, want 403", code)
	}
	var e errBody
	if code := get(t, base+"/v1/admin/preview", tok(merch, stylegraph.RoleMerchandiser), &e); code != 400 || e.Error.Field != "userId" {
		t.Errorf("preview without userId = %d %+v", code, e)
	}

	// The audit log, filtered to this merchandiser's failed calls: five bad
	// neighbourhoods, an unknown user and a preview without userId. Entries
	// are written as the answers go out, so wait for the last.
	var page struct {
		Entries []struct {
			UserID int64  `json:"userId"`
			Action string `json:"action"`
			Status int    `json:"status"`
		} `json:"entries"`
	}
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		if code := get(t, fmt.Sprintf("%s/v1/admin/audit?userId=%d&status=4xx", base, merch), tok(admin, stylegraph.RoleAdmin), &page); code != 200 {
			t.Fatalf("audit = %d", code)
		}
		if len(page.Entries) >= 7 || time.Now().After(deadline) {
			break
		}
	}
	if len(page.Entries) != 7 {
		t.Errorf("merchandiser's 4xx entries: %d %+v", len(page.Entries), page.Entries)
	}
	for _, x := range page.Entries {
		if x.UserID != merch || x.Status < 400 || x.Status > 499 {
			t.Errorf("filtered entry %+v", x)
		}
	}
	if code := get(t, fmt.Sprintf("%s/v1/admin/audit?userId=%d&action=preview&status=200", base, merch), tok(admin, stylegraph.RoleAdmin), &page); code != 200 || len(page.Entries) != 1 {
		t.Errorf("merchandiser's granted previews = %d %+v, want 1", code, page.Entries)
	}
	for q, field := range map[string]string{"status=4x": "status", "role=root": "role", "userId=x": "userId"} {
		if code := get(t, base+"/v1/admin/audit?"+q, tok(admin, stylegraph.RoleAdmin), &e); code != 400 || e.Error.Field != field {
			t.Errorf("audit?%s = %d %+v, want 400 on %s", q, code, e, field)
		}
	}
}
