package api_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/api"
	"github.com/stylegraph/stylegraph/audit"
	"github.com/stylegraph/stylegraph/auth"
	"github.com/stylegraph/stylegraph/ingest"
	"github.com/stylegraph/stylegraph/insights"
	"github.com/stylegraph/stylegraph/internal/testenv"
)

const secret = "0123456789abcdef0123456789abcdef"

func bearer(t *testing.T, sub int64, role stylegraph.Role) string {
	t.Helper()
	tok, err := auth.New(secret, nil).Mint(sub, role, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	return "Bearer " + tok
}

func call(t *testing.T, url, authz, accept string) (int, []byte) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	if authz != "" {
		req.Header.Set("Authorization", authz)
	}
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

func TestInsightsEndpoints(t *testing.T) {
	rdb := testenv.Redis(t)
	ns := testenv.Namespace(t)
	stats := insights.NewSearchStats(rdb, ns)
	auditDir := t.TempDir()
	auditLog := audit.New(rdb, ns+"audit", auditDir)
	srv := api.New(api.Options{
		Auth: auth.New(secret, nil), Insights: testenv.Graph(t), SearchStats: stats, Audit: auditLog,
	})
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)

	zero := 0
	ctx := context.Background()
	err := stats.Handle(ctx, []ingest.Event{
		{ID: "00000000-0000-4000-8000-0000000000a1", Type: ingest.Search, UserID: 1, OccurredAt: time.Now(), Data: ingest.Data{Query: "=HYPERLINK(\"x\")", ResultCount: &zero}},
	})
	if err != nil {
		t.Fatal(err)
	}
	shopper, merch, admin := bearer(t, 5, stylegraph.RoleShopper), bearer(t, 6, stylegraph.RoleMerchandiser), bearer(t, 7, stylegraph.RoleAdmin)

	for _, tc := range []struct {
		path, authz string
		status      int
	}{
		{"/v1/admin/insights/influencers", "", 401},
		{"/v1/admin/insights/influencers", shopper, 403},
		{"/v1/admin/insights/influencers?window=30d&limit=5", merch, 200},
		{"/v1/admin/insights/trending?kind=brand&window=24h", merch, 200},
		{"/v1/admin/insights/trending?kind=planet", merch, 400},
		{"/v1/admin/insights/audience?kind=brand&id=1", admin, 200},
		{"/v1/admin/insights/audience?kind=brand", admin, 400},
		{"/v1/admin/insights/bought-together?product=1", merch, 200},
		{"/v1/admin/insights/brand-overlap?a=1&b=2", merch, 200},
		{"/v1/admin/insights/brand-overlap?a=1&b=1", merch, 400},
		{"/v1/admin/insights/funnel?product=1", merch, 200},
		{"/v1/admin/insights/funnel", merch, 400},
		{"/v1/admin/insights/searches?window=2d", merch, 200},
		{"/v1/admin/insights/searches?window=9999d", merch, 400},
		{"/v1/admin/insights/searches?limit=0", merch, 400},
		{"/v1/admin/audit", merch, 403},
		{"/v1/admin/audit?cursor=bogus", admin, 400},
	} {
		if status, body := call(t, ts.URL+tc.path, tc.authz, ""); status != tc.status {
			t.Errorf("GET %s: %d %s, want %d", tc.path, status, body, tc.status)
		}
	}

	// JSON for charts: labels and numeric series.
	status, body := call(t, ts.URL+"/v1/admin/insights/searches?window=2d", merch, "")
	var chart struct {
		Labels []string `json:"labels"`
		Series []struct {
			Name string    `json:"name"`
			Data []float64 `json:"data"`
		} `json:"series"`
	}
	if err := json.Unmarshal(body, &chart); err != nil || status != 200 {
		t.Fatalf("searches: %d %s", status, body)
	}
	if len(chart.Labels) != 2 || len(chart.Series) != 1 || chart.Series[0].Name != "count" || chart.Series[0].Data[0] != 1 {
		t.Fatalf("chart shape: %s", body)
	}

	// CSV on request, with spreadsheet formulas defused.
	status, body = call(t, ts.URL+"/v1/admin/insights/searches?window=2d", merch, "text/csv")
	recs, err := csv.NewReader(strings.NewReader(string(body))).ReadAll()
	if err != nil || status != 200 || len(recs) != 3 {
		t.Fatalf("csv: %d %q %v", status, body, err)
	}
	if recs[0][0] != "query" || !strings.HasPrefix(recs[1][0], "'=") {
		t.Fatalf("csv rows %q", recs)
	}

	// Every admin call was audited, newest first, with its outcome.
	status, body = call(t, ts.URL+"/v1/admin/audit?limit=3", admin, "")
	var page struct {
		Entries    []audit.Entry `json:"entries"`
		NextCursor *string       `json:"nextCursor"`
	}
	if err := json.Unmarshal(body, &page); err != nil || status != 200 {
		t.Fatalf("audit: %d %s", status, body)
	}
	if len(page.Entries) != 3 || page.NextCursor == nil {
		t.Fatalf("audit page: %s", body)
	}
	last := page.Entries[0] // the listing call is recorded after it answers
	if last.Action != "GET /v1/admin/insights/searches" || last.Role != stylegraph.RoleMerchandiser || last.UserID != 6 || last.Rows != 2 {
		t.Fatalf("latest audited insight call = %+v", last)
	}
	files, _ := filepath.Glob(filepath.Join(auditDir, "audit", "dt=*", "audit.jsonl"))
	if len(files) != 1 {
		t.Fatalf("audit files beside the archive: %v", files)
	}
	if b, _ := os.ReadFile(files[0]); strings.Count(string(b), "\n") < 17 {
		t.Fatalf("audit file holds %d entries, want every admin call", strings.Count(string(b), "\n"))
	}
	status, body = call(t, ts.URL+"/v1/admin/audit?limit=3&cursor="+*page.NextCursor, admin, "")
	if status != 200 || !strings.Contains(string(body), "/v1/admin/") {
		t.Fatalf("audit page 2: %d %s", status, body)
	}
}
