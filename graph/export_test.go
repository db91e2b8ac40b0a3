package graph

import (
	"context"
	"os"
	"sync"
	"testing"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/stylegraph/stylegraph/cypher"
)

// LoadFixture runs a testdata/*.cypher file statement by statement; it is
// compiled only into this package's tests.
func LoadFixture(t *testing.T, db *DB, file string, params map[string]any) {
	t.Helper()
	src, err := os.ReadFile("testdata/" + file)
	if err != nil {
		t.Fatal(err)
	}
	for _, stmt := range cypher.Split(string(src)) {
		if _, err := db.run(context.Background(), stmt, params); err != nil {
			t.Fatalf("fixture %s: %v\n%s", file, err, stmt)
		}
	}
}

// Profiled returns a copy of db that runs every named query under PROFILE
// and adds each one's database hits (all operators, subqueries included) to
// hits, by query name.
func Profiled(db *DB, hits map[string]int64) *DB {
	c := *db
	c.q = make(map[string]string, len(db.q))
	for name, q := range db.q {
		c.q[name] = "PROFILE " + q
	}
	var mu sync.Mutex
	c.observe = func(name string, res *neo4j.EagerResult) {
		if res.Summary == nil || res.Summary.Profile() == nil {
			return
		}
		mu.Lock()
		defer mu.Unlock()
		hits[name] += dbHits(res.Summary.Profile())
	}
	return &c
}

func dbHits(p neo4j.ProfiledPlan) int64 {
	n := p.DbHits()
	for _, c := range p.Children() {
		n += dbHits(c)
	}
	return n
}

// RunAsRead runs one statement the way runNamed runs a read.
func RunAsRead(ctx context.Context, db *DB, stmt string, params map[string]any) error {
	_, err := db.run(ctx, stmt, params, neo4j.ExecuteQueryWithReadersRouting())
	return err
}
