package graph

import (
	"testing"

	"github.com/stylegraph/stylegraph/cypher"
)

// TestReadRouting checks the read/write split on known statements; the
// integration tests check every statement, since a write run as a read fails
// there (Neo4j refuses writes in read access mode).
func TestReadRouting(t *testing.T) {
	for stmt, read := range map[string]bool{
		"MATCH (u:User {id: $id}) RETURN u":                       true,
		"MATCH (p:Product) WHERE p.offset > 1 RETURN p.createdAt": true,
		"MERGE (u:User {id: $id})":                                false,
		"MATCH (u:User {id: $id}) SET u.name = $name":             false,
		"MATCH (u) DETACH DELETE u":                               false,
		"UNWIND $rows AS r CALL { CREATE (:X) } IN TRANSACTIONS":  false,
		"MATCH (a)-[r:LIKES]->(b) REMOVE r.weight":                false,
	} {
		if got := isRead(stmt); got != read {
			t.Errorf("isRead(%q) = %v, want %v", stmt, got, read)
		}
	}
	q, err := cypher.Queries()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, stmt := range q {
		if isRead(stmt) {
			n++
		}
	}
	if n == 0 || n == len(q) {
		t.Errorf("%d of %d statements classed as reads: the split is not working", n, len(q))
	}
	t.Logf("%d of %d statements route to readers", n, len(q))
}
