package api_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/api"
	"github.com/stylegraph/stylegraph/audit"
	"github.com/stylegraph/stylegraph/auth"
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
		Auth: auth.New(secret, nil), Insights: testenv.Graph(t).Insights, SearchStats: stats, Audit: auditLog,
	})
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)

	zero := 0
	ctx := context.Background()
	err := stats.Handle(ctx, []stylegraph.Event{
		{ID: "00000000-0000-4000-8000-0000000000a1", Type: stylegraph.EventSearch, UserID: 1, OccurredAt: time.Now(), Data: stylegraph.EventData{Query: "=HYPERLINK(\"x\")", ResultCount: &zero}},
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

// TestInsightWindowsAndCSVResistAttacks sends the attacks the API review
// found: windows that overflow (106752d gave dates in 2319, 2562048h a 500)
// or are malformed (7hd was accepted) are 400 naming window; and a search
// query that a spreadsheet splitting on ";" would run as a formula is
// exported defused.
func TestInsightWindowsAndCSVResistAttacks(t *testing.T) {
	rdb := testenv.Redis(t)
	ns := testenv.Namespace(t)
	stats := insights.NewSearchStats(rdb, ns)
	srv := api.New(api.Options{Auth: auth.New(secret, nil), Insights: testenv.Graph(t).Insights, SearchStats: stats})
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	merch := bearer(t, 6, stylegraph.RoleMerchandiser)

	for _, w := range []string{"106752d", "2562048h", "7hd", "366d", "8761h", "0d", "07d", "+7d", "-7d", "7", "d", "7D", "7 d", "1.5d", "٧d", "9999999999999999999h"} {
		for _, name := range []string{"searches", "influencers", "trending"} {
			status, body := call(t, ts.URL+"/v1/admin/insights/"+name+"?window="+url.QueryEscape(w), merch, "")
			var e api.ErrorBody
			if err := json.Unmarshal(body, &e); err != nil || status != 400 || e.Error.Field != "window" {
				t.Errorf("%s window=%q: %d %s, want 400 naming window", name, w, status, body)
			}
		}
	}
	for _, w := range []string{"1h", "8760h", "365d", "24h"} {
		status, body := call(t, ts.URL+"/v1/admin/insights/searches?window="+w, merch, "")
		var r struct {
			Window struct{ From, To time.Time } `json:"window"`
		}
		if err := json.Unmarshal(body, &r); err != nil || status != 200 {
			t.Fatalf("window=%s: %d %s", w, status, body)
		}
		if span := r.Window.To.Sub(r.Window.From); span <= 0 || span > 365*24*time.Hour {
			t.Errorf("window=%s spans %v", w, span)
		}
	}

	zero := 0
	queries := []string{";=7+7", "shirt,-2+3", "a|@SUM(1)", "x\t=1", "  =1", "t-shirt", "plain"}
	var evs []stylegraph.Event
	for i, q := range queries {
		evs = append(evs, stylegraph.Event{ID: fmt.Sprintf("00000000-0000-4000-8000-%012d", i+1), Type: stylegraph.EventSearch, UserID: 1,
			OccurredAt: time.Now(), Data: stylegraph.EventData{Query: q, ResultCount: &zero}})
	}
	if err := stats.Handle(context.Background(), evs); err != nil {
		t.Fatal(err)
	}
	status, body := call(t, ts.URL+"/v1/admin/insights/searches?window=1h&limit=50", merch, "text/csv")
	recs, err := csv.NewReader(strings.NewReader(string(body))).ReadAll()
	if err != nil || status != 200 {
		t.Fatalf("csv: %d %q %v", status, body, err)
	}
	got := map[string]bool{}
	for _, rec := range recs[1:] {
		got[rec[0]] = true
		// Whatever separator a spreadsheet splits on, no part starts a formula.
		for _, part := range strings.FieldsFunc(rec[0], func(r rune) bool { return strings.ContainsRune(",;|\t\n\r", r) }) {
			if p := strings.TrimLeft(part, " "); p != "" && strings.ContainsRune("=+-@", rune(p[0])) {
				t.Errorf("cell %q has a part %q a spreadsheet runs as a formula", rec[0], part)
			}
		}
	}
	// Search statistics fold queries to lower case and single spaces.
	for _, want := range []string{";'=7+7", "shirt,'-2+3", "a|'@sum(1)", "x =1", "'=1", "t-shirt", "plain"} {
		if !got[want] {
			t.Errorf("csv lacks the defused cell %q: %q", want, recs)
		}
	}
}
