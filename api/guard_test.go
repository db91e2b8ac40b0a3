package api

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"testing"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/auth"
	"github.com/stylegraph/stylegraph/internal/testenv"
	"github.com/stylegraph/stylegraph/limit"
)

func TestRateLimitsPerPrincipalAndIP(t *testing.T) {
	lim := limit.New(testenv.Redis(t), testenv.Namespace(t))
	s := New(Options{
		Auth:    auth.New(secret, nil),
		Limiter: lim,
		Limits:  RateLimits{PerPrincipal: 30, PerIP: 100},
	})
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(ts.Close)

	alice := map[string]string{"Authorization": token(t, 101, stylegraph.RoleShopper)}
	bob := map[string]string{"Authorization": token(t, 102, stylegraph.RoleShopper)}
	// Burst is a tenth of the per-minute budget: 3 for a principal.
	var statuses []int
	for i := 0; i < 5; i++ {
		status, e, hdr := do(t, "GET", ts.URL+"/v1/me", alice, "")
		statuses = append(statuses, status)
		if status == http.StatusTooManyRequests {
			if e.Error.Code != "rate_limited" {
				t.Fatalf("429 body %+v", e)
			}
			if sec, err := strconv.Atoi(hdr.Get("Retry-After")); err != nil || sec < 1 {
				t.Fatalf("Retry-After = %q", hdr.Get("Retry-After"))
			}
		}
	}
	if want := []int{200, 200, 200, 429, 429}; !slices.Equal(statuses, want) {
		t.Fatalf("statuses %v, want %v", statuses, want)
	}
	if status, _, _ := do(t, "GET", ts.URL+"/v1/me", bob, ""); status != 200 {
		t.Fatalf("another shopper is limited too: %d", status)
	}

	// Unauthenticated floods hit the per-IP budget (burst 10) before auth,
	// and a forged X-Forwarded-For does not buy a fresh budget.
	got429 := false
	for i := 0; i < 15; i++ {
		status, _, _ := do(t, "GET", ts.URL+"/v1/me", map[string]string{"X-Forwarded-For": "10.0.0." + strconv.Itoa(i)}, "")
		if status == http.StatusTooManyRequests {
			got429 = true
		}
	}
	if !got429 {
		t.Fatal("per-IP limit never refused an unauthenticated flood")
	}
}

func TestCORS(t *testing.T) {
	s := New(Options{Auth: auth.New(secret, nil), CORSOrigins: []string{"https://shop.example.com"}})
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(ts.Close)
	for origin, want := range map[string]string{"https://shop.example.com": "https://shop.example.com", "https://evil.example.com": ""} {
		req, _ := http.NewRequest(http.MethodOptions, ts.URL+"/v1/me", nil)
		req.Header.Set("Origin", origin)
		req.Header.Set("Access-Control-Request-Method", "GET")
		req.Header.Set("Access-Control-Request-Headers", "Authorization")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if got := resp.Header.Get("Access-Control-Allow-Origin"); got != want {
			t.Errorf("origin %s: Allow-Origin %q, want %q", origin, got, want)
		}
	}
}
