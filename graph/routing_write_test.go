package graph_test

import (
	"context"
	"testing"
	"time"

	"github.com/stylegraph/stylegraph/graph"
	"github.com/stylegraph/stylegraph/internal/testenv"
)

// TestReadRoutingRefusesWrites checks the safety net the read/write split
// relies on: Neo4j refuses a write sent with reader routing, so a statement
// misjudged as a read fails loudly instead of writing on a follower.
func TestReadRoutingRefusesWrites(t *testing.T) {
	s := testenv.Graph(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	id := testenv.IDBase(t)
	if err := graph.RunAsRead(ctx, s.DB, "CREATE (:RoutingProbe {id: $id})", map[string]any{"id": id}); err == nil {
		t.Errorf("a CREATE run with reader routing succeeded; want Neo4j to refuse it")
	}
	rows, err := s.Inspect(ctx, "MATCH (n:RoutingProbe {id: $id}) RETURN count(n) AS n", map[string]any{"id": id})
	if err != nil {
		t.Fatal(err)
	}
	if n := rows[0]["n"].(int64); n != 0 {
		t.Errorf("%d probe nodes written through reader routing, want 0", n)
	}
	if err := graph.RunAsRead(ctx, s.DB, "MATCH (n:RoutingProbe {id: $id}) RETURN n", map[string]any{"id": id}); err != nil {
		t.Errorf("a read with reader routing: %v", err)
	}
}
