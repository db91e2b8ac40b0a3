package stylegraph_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestForbiddenImports keeps the layering: the root package imports no
// subpackage, and packages that only speak to adapters through interfaces do
// not link the adapters' SDKs. It reads `go list -deps`, so it needs no
// services and runs with -short.
func TestForbiddenImports(t *testing.T) {
	const mod = "github.com/stylegraph/stylegraph"
	deps := func(t *testing.T, pkg string) []string {
		t.Helper()
		out, err := exec.Command("go", "list", "-deps", mod+pkg).Output()
		if err != nil {
			t.Fatalf("go list -deps %s: %v", pkg, err)
		}
		return strings.Fields(string(out))
	}
	for _, d := range deps(t, "") {
		if strings.HasPrefix(d, mod+"/") {
			t.Errorf("the root package imports %s; domain types must not depend on subpackages", d)
		}
	}
	const neo4j = "github.com/neo4j/neo4j-go-driver"
	// The event model and the activity changes are the root's, so only the
	// packages that consume the stream or write the graph import ingest or
	// graph; graph itself reaches no other adapter.
	const (
		aws   = "github.com/aws/aws-sdk-go-v2"
		redis = "github.com/redis/go-redis"
		os    = "github.com/opensearch-project/opensearch-go"
	)
	g, in := mod+"/graph", mod+"/ingest"
	forbidden := map[string][]string{
		"/graph":              {mod + "/api", mod + "/feeds", mod + "/search", in, aws, redis, os},
		"/api":                {g, neo4j},
		"/catalog":            {g, in, neo4j},
		"/feeds":              {g, in, neo4j, aws},
		"/ingest":             {g, neo4j, aws},
		"/notify":             {g, in, neo4j, aws},
		"/insights":           {g, in, neo4j, aws},
		"/lake":               {g, in, neo4j, aws},
		"/privacy":            {g, neo4j, aws, redis},
		"/search":             {g, in, neo4j},
		"/recommend":          {aws},
		"/ingest/redisstream": {mod + "/ingest/sqsstream", g, neo4j, aws},
		"/ingest/sqsstream":   {mod + "/ingest/redisstream", g, neo4j},
	}
	for pkg, bad := range forbidden {
		for _, d := range deps(t, pkg) {
			for _, b := range bad {
				if d == b || strings.HasPrefix(d, b+"/") {
					t.Errorf("%s links %s", strings.TrimPrefix(pkg, "/"), d)
				}
			}
		}
	}
}
