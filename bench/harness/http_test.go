package harness

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestShoppersSign(t *testing.T) {
	sh := &Shoppers{IDs: []int64{7, 8}, tokens: []string{"t7", "t8"}}
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	sh.Sign(req, 3) // wraps to the second shopper
	got := []string{req.Header.Get("Authorization"), req.Header.Get("X-Forwarded-For")}
	if diff := cmp.Diff([]string{"Bearer t8", ForwardedFor(1)}, got); diff != "" {
		t.Errorf("signed headers (-want +got):\n%s", diff)
	}
}

func TestCallNamesWhatTheServerSaid(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/ok" {
			_, _ = w.Write([]byte("fine"))
			return
		}
		w.Header().Set("X-Degraded", "opensearch")
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte(" {\"error\":\"busy\"}\n"))
	}))
	defer srv.Close()
	c := HTTPClient(1)
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/ok", nil)
	if body, err := Call(c, req, http.StatusOK); err != nil || string(body) != "fine" {
		t.Errorf("Call /ok = %q, %v", body, err)
	}
	req, _ = http.NewRequest(http.MethodGet, srv.URL+"/busy?q=1", nil)
	_, err := Call(c, req, http.StatusOK)
	var se *StatusError
	if !errors.As(err, &se) {
		t.Fatalf("Call /busy error = %v, want a *StatusError", err)
	}
	want := StatusError{Method: "GET", URL: "/busy?q=1", Status: 503, Body: `{"error":"busy"}`, Degraded: "opensearch"}
	if diff := cmp.Diff(want, *se); diff != "" {
		t.Errorf("status error (-want +got):\n%s", diff)
	}
}

func TestBenchmarkRate(t *testing.T) {
	out := []byte("XADD k * e {\"a\":1}: rps=0.0 (overall: nan) avg_msec=nan\r" +
		"XADD k * e {\"a\":1}: 123456.79 requests per second, p50=0.311 msec\n")
	if r, err := benchmarkRate(out); err != nil || r != 123456.79 {
		t.Errorf("benchmarkRate = %v, %v; want 123456.79", r, err)
	}
	if _, err := benchmarkRate([]byte("ERR unknown command")); err == nil {
		t.Error("benchmarkRate found a rate in an error")
	}
}
