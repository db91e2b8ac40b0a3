package api_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/api"
	"github.com/stylegraph/stylegraph/auth"
	"github.com/stylegraph/stylegraph/graph"
	"github.com/stylegraph/stylegraph/internal/testenv"
	"github.com/stylegraph/stylegraph/privacy"
)

func TestExportAndErase(t *testing.T) {
	g := testenv.Graph(t)
	ctx := context.Background()
	base := testenv.IDBase(t)
	alice, bob := base+1, base+2
	if err := g.Catalog.UpsertUsers(ctx, []stylegraph.User{{ID: alice, Name: "Alice"}, {ID: bob, Name: "Bob"}}); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	if err := g.Seed.FollowUsers(ctx, []graph.Follow{{From: alice, To: bob, At: now}, {From: bob, To: alice, At: now}}); err != nil {
		t.Fatal(err)
	}
	srv := api.New(api.Options{Auth: auth.New(secret, map[string]string{"svc-key-0123456": "orders"}), Privacy: privacy.New(g.Privacy)})
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	asAlice := bearer(t, alice, stylegraph.RoleShopper)

	status, body := call(t, ts.URL+"/v1/me/export", asAlice, "")
	var export struct {
		Profile   map[string]any   `json:"profile"`
		Following []map[string]any `json:"following"`
		Followers []map[string]any `json:"followers"`
	}
	if err := json.Unmarshal(body, &export); err != nil || status != 200 {
		t.Fatalf("export: %d %s", status, body)
	}
	if export.Profile["name"] != "Alice" || len(export.Following) != 1 || export.Following[0]["id"] != float64(bob) || len(export.Followers) != 1 {
		t.Fatalf("export = %s", body)
	}

	req, _ := http.NewRequest(http.MethodDelete, ts.URL+"/v1/me", nil)
	req.Header.Set("Authorization", asAlice)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent {
		t.Fatalf("DELETE /v1/me = %d", resp.StatusCode)
	}
	if status, _ := call(t, ts.URL+"/v1/me/export", asAlice, ""); status != 404 {
		t.Fatalf("export after erasure = %d, want 404", status)
	}
	bobData, err := g.Privacy.ExportUser(ctx, bob)
	if err != nil {
		t.Fatal(err)
	}
	if f := bobData["following"].([]any); len(f) != 0 {
		t.Fatalf("bob still follows the erased user: %v", f)
	}

	req, _ = http.NewRequest(http.MethodGet, ts.URL+"/v1/me/export", nil)
	req.Header.Set("X-API-Key", "svc-key-0123456")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("service key export = %d, want 403", resp.StatusCode)
	}
}
