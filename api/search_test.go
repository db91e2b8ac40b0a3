package api

import (
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/auth"
	"github.com/stylegraph/stylegraph/search"
)

// TestSearchWhenOpenSearchIsDown answers 503 with a clear message for search
// while the rest of the API keeps working.
func TestSearchWhenOpenSearchIsDown(t *testing.T) {
	// A port nothing listens on: take one, then close it.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	c, err := search.Open("http://"+addr, "", "", "down")
	if err != nil {
		t.Fatal(err)
	}
	s := New(Options{
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Auth:   auth.New(secret, nil),
		Search: search.NewEngine(c, nil, slog.New(slog.NewTextHandler(io.Discard, nil))),
	})
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(ts.Close)
	hdr := map[string]string{"Authorization": token(t, 7, stylegraph.RoleShopper)}
	for _, path := range []string{"/v1/search?q=tee", "/v1/search/suggest?q=te"} {
		code, body, _ := do(t, http.MethodGet, ts.URL+path, hdr, "")
		if code != http.StatusServiceUnavailable || body.Error.Code != stylegraph.EUNAVAILABLE || body.Error.Message != "search engine unavailable" {
			t.Errorf("%s: %d %+v, want 503 unavailable", path, code, body.Error)
		}
	}
	if code, body, _ := do(t, http.MethodGet, ts.URL+"/v1/me", hdr, ""); code != http.StatusOK {
		t.Errorf("/v1/me while search is down: %d %+v", code, body.Error)
	}
	// Bad input is still the caller's fault, not the engine's.
	if code, body, _ := do(t, http.MethodGet, ts.URL+"/v1/search?sort=best", hdr, ""); code != http.StatusBadRequest || body.Error.Field != "sort" {
		t.Errorf("bad sort while down: %d %+v", code, body.Error)
	}
}

func FuzzParseSearch(f *testing.F) {
	for _, s := range []string{"q=tee&brand=Nike&brand=Puma&price_min=10&price_max=20&sort=price_asc&limit=5",
		"cursor=abc&personalize=false", "q=%ED%8B%B0", "limit=-1", "price_min=NaN", "price_max=1e400", "q=&q="} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		v, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		req, err := parseSearch(v)
		if err != nil {
			if stylegraph.ErrorCode(err) != stylegraph.EINVALID || stylegraph.ErrorField(err) == "" {
				t.Fatalf("%q: error %v must be EINVALID naming a field", raw, err)
			}
			return
		}
		if req.Limit < 1 || req.Limit > stylegraph.MaxSearchLimit {
			t.Fatalf("%q: accepted limit %d", raw, req.Limit)
		}
		if req.PriceMin != nil && (*req.PriceMin != *req.PriceMin || *req.PriceMin < 0) {
			t.Fatalf("%q: accepted price_min %v", raw, *req.PriceMin)
		}
	})
}
