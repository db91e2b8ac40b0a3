package main

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/config"
	"github.com/stylegraph/stylegraph/internal/e2e"
	"github.com/stylegraph/stylegraph/internal/testenv"
)

// TestInjectionAttemptsStayData sends query-DSL and Cypher syntax through
// every kind of user text the API takes: it must be matched or stored as
// text, never run, and never answered with a 5xx.
func TestInjectionAttemptsStayData(t *testing.T) {
	ns := testenv.Namespace(t)
	base, d := startServerWith(t, func(c *config.Config) {
		isolate(t)(c)
		c.Search.KeyPrefix = ns + "search:"
	})
	ctx := context.Background()
	ids := testenv.IDBase(t)
	user := ids + 1
	products := []stylegraph.Product{
		{ID: ids + 11, Title: "Red Linen Shirt", Brand: "Alpha", CategoryPath: []string{"Apparel", "Topwear", "Shirts"}, Price: 30, CreatedAt: time.Now()},
		{ID: ids + 12, Title: "Blue Denim Jeans", Brand: "Beta", CategoryPath: []string{"Apparel", "Bottomwear", "Jeans"}, Price: 50, CreatedAt: time.Now()},
	}
	e2e.Products(t, d, products)
	if err := d.Graph.Catalog.UpsertUsers(ctx, []stylegraph.User{{ID: user, Name: "Before"}}); err != nil {
		t.Fatal(err)
	}
	mint := func(sub int64, role stylegraph.Role) map[string]string {
		return e2e.Bearer(t, d.Cfg.JWTSecret, sub, role)
	}
	shopper, merch := mint(user, stylegraph.RoleShopper), mint(ids+2, stylegraph.RoleMerchandiser)

	// Query DSL: none of these may widen the search to every product.
	for _, q := range []string{
		`*:*`, `title:* OR brand:*`, `"}}]},"query":{"match_all":{}},"x":{"y":"`,
		`red OR _exists_:price`, `doc['price'].value > 0`, `(((((`, `\`, `*`,
	} {
		var res stylegraph.SearchResult
		code := get(t, base+"/v1/search?personalize=false&q="+url.QueryEscape(q), shopper, &res)
		if code >= 500 {
			t.Errorf("q=%q: %d", q, code)
			continue
		}
		if code == 200 && res.Total >= 2 {
			t.Errorf("q=%q matched %d products: user text became query syntax", q, res.Total)
		}
	}

	// Cypher: a hostile profile name is stored as it is and deletes nothing.
	hostile := `x"}) WITH 1 AS x MATCH (n) DETACH DELETE n //`
	if code, _ := e2e.Send(t, http.MethodPut, fmt.Sprintf("%s/v1/users/%d", base, user), shopper, fmt.Sprintf(`{"name": %q}`, hostile)); code != 200 {
		t.Fatalf("PUT hostile profile = %d", code)
	}
	data, err := d.Graph.Privacy.ExportUser(ctx, user)
	if err != nil {
		t.Fatal(err)
	}
	if name := data["profile"].(map[string]any)["name"]; name != hostile {
		t.Errorf("stored name %q, want it verbatim", name)
	}
	if _, err := d.Graph.Catalog.Product(ctx, ids+11); err != nil {
		t.Errorf("the graph lost a product after the hostile write: %v", err)
	}

	// Cypher through insight parameters.
	for _, path := range []string{
		"/v1/admin/insights/trending?category=" + url.QueryEscape(`x' OR 1=1 //`),
		"/v1/admin/insights/funnel?category=" + url.QueryEscape(`}) MATCH (n) RETURN n //`),
	} {
		var chart struct {
			Rows []map[string]any `json:"rows"`
		}
		if code := get(t, base+path, merch, &chart); code != 200 {
			t.Errorf("GET %s = %d", path, code)
		} else if strings.Contains(path, "trending") && len(chart.Rows) != 0 {
			t.Errorf("GET %s returned rows for a category that does not exist: %v", path, chart.Rows)
		}
	}
}
