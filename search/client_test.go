package search_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/search"
)

// TestClientSaysWhyTheEngineFailed checks that the three ways an engine
// fails a call reach the caller as different EUNAVAILABLE messages: it
// refused for load (429), it is unavailable (503), or it did not answer
// within the call's deadline. Under load the three need different fixes.
func TestClientSaysWhyTheEngineFailed(t *testing.T) {
	release := make(chan struct{})
	engine := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/busy/_search":
			w.WriteHeader(http.StatusTooManyRequests)
			_, _ = w.Write([]byte(`{"error":{"type":"circuit_breaking_exception","reason":"[parent] Data too large"},"status":429}`))
		case "/down/_search":
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte(`{"error":{"type":"search_phase_execution_exception","reason":"all shards failed"},"status":503}`))
		case "/slow/_search":
			select {
			case <-r.Context().Done():
			case <-release:
			}
		}
	}))
	defer engine.Close()
	defer close(release) // before Close, which waits for the slow handler
	c, err := search.Open(engine.URL, "", "", "t")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		index, want, engineType string
	}{
		{"busy", "search engine busy", "circuit_breaking_exception"},
		{"down", "search engine unavailable", "search_phase_execution_exception"},
		{"slow", "search engine did not answer in time", ""},
	} {
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		err := c.Do(ctx, http.MethodPost, "/"+tt.index+"/_search", map[string]any{}, nil)
		cancel()
		if stylegraph.ErrorCode(err) != stylegraph.EUNAVAILABLE || stylegraph.ErrorMessage(err) != tt.want {
			t.Errorf("%s: error %v (code %s, message %q), want EUNAVAILABLE %q", tt.index, err, stylegraph.ErrorCode(err), stylegraph.ErrorMessage(err), tt.want)
		}
		var se *search.StatusError
		if got := errors.As(err, &se); got != (tt.engineType != "") || got && se.Type != tt.engineType {
			t.Errorf("%s: the engine's own error is not kept: %v", tt.index, err)
		}
	}
}
