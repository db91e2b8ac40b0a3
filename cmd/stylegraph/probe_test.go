package main

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestProbe(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/healthz" {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
	}))
	defer srv.Close()
	if err := run(context.Background(), []string{"probe", srv.URL + "/healthz"}, io.Discard, io.Discard); err != nil {
		t.Errorf("healthy endpoint: %v", err)
	}
	if err := run(context.Background(), []string{"probe", srv.URL + "/readyz"}, io.Discard, io.Discard); err == nil {
		t.Error("a 503 passed the probe")
	}
	srv.Close()
	if err := run(context.Background(), []string{"probe", srv.URL + "/healthz"}, io.Discard, io.Discard); err == nil {
		t.Error("a closed port passed the probe")
	}
}
