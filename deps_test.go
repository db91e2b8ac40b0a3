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
	forbidden := map[string][]string{
		"/api":                {mod + "/graph", neo4j},
		"/catalog":            {neo4j},
		"/feeds":              {mod + "/graph", neo4j, "github.com/aws/aws-sdk-go-v2"},
		"/ingest":             {mod + "/graph", neo4j, "github.com/aws/aws-sdk-go-v2"},
		"/notify":             {neo4j, "github.com/aws/aws-sdk-go-v2"},
		"/insights":           {neo4j, "github.com/aws/aws-sdk-go-v2"},
		"/lake":               {neo4j, "github.com/aws/aws-sdk-go-v2"},
		"/search":             {neo4j},
		"/recommend":          {"github.com/aws/aws-sdk-go-v2"},
		"/ingest/redisstream": {mod + "/ingest/sqsstream", neo4j, "github.com/aws/aws-sdk-go-v2"},
		"/ingest/sqsstream":   {mod + "/ingest/redisstream", neo4j},
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
