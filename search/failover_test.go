package search_test

import (
	"context"
	"testing"
	"time"

	"github.com/stylegraph/stylegraph/internal/testenv"
	"github.com/stylegraph/stylegraph/search"
)

// TestOpenFailsOverToALiveNode lists a node that refuses connections before
// the real one: every request still answers, retried on the live node.
func TestOpenFailsOverToALiveNode(t *testing.T) {
	c := testenv.Config(t)
	s, err := search.Open("http://127.0.0.1:1,"+c.OpenSearchURL, c.OpenSearchUser, c.OpenSearchPassword, "test-failover")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	for i := range 4 { // round-robin: both nodes get picked
		if err := s.Ping(ctx); err != nil {
			t.Fatalf("ping %d with one node down: %v", i, err)
		}
	}
}
