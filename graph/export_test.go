package graph

import (
	"context"
	"os"
	"testing"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/stylegraph/stylegraph/cypher"
)

// LoadFixture runs a testdata/*.cypher file statement by statement; it is
// compiled only into this package's tests.
func LoadFixture(t *testing.T, s *Store, file string, params map[string]any) {
	t.Helper()
	src, err := os.ReadFile("testdata/" + file)
	if err != nil {
		t.Fatal(err)
	}
	for _, stmt := range cypher.Split(string(src)) {
		if _, err := s.run(context.Background(), stmt, params); err != nil {
			t.Fatalf("fixture %s: %v\n%s", file, err, stmt)
		}
	}
}

// RunAsRead runs one statement the way runNamed runs a read.
func RunAsRead(ctx context.Context, s *Store, stmt string, params map[string]any) error {
	_, err := s.run(ctx, stmt, params, neo4j.ExecuteQueryWithReadersRouting())
	return err
}
