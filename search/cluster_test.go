package search_test

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"testing"
	"time"

	"github.com/stylegraph/stylegraph/search"
)

// TestTwoNodeCluster starts the project's own 2-node cluster on loopback
// (scripts/services/opensearch-cluster.sh: node 1 manages and holds data,
// node 2 holds data), checks that an index's shard copies are spread over
// both nodes, then stops node 2 and checks that a client listing both nodes
// still gets every document back. The shared services are not touched.
func TestTwoNodeCluster(t *testing.T) {
	if testing.Short() {
		t.Skip("starts two OpenSearch nodes; make test runs it")
	}
	const script = "../scripts/services/opensearch-cluster.sh"
	// Free ports and a run dir of its own, so concurrent test processes
	// each get their own pair.
	ports := freePorts(t, 4)
	env := append(os.Environ(),
		fmt.Sprintf("OPENSEARCH_CLUSTER_PORTS=%d %d", ports[0], ports[1]),
		fmt.Sprintf("OPENSEARCH_CLUSTER_TRANSPORT_PORTS=%d %d", ports[2], ports[3]),
		"STYLEGRAPH_RUN_DIR="+t.TempDir())
	cluster := func(args ...string) {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 6*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, script, args...)
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s %v: %v\n%s", script, args, err, out)
		}
	}
	cluster("up")
	t.Cleanup(func() { cluster("down") })

	c, err := search.Open(fmt.Sprintf("http://127.0.0.1:%d,http://127.0.0.1:%d", ports[0], ports[1]), "", "", "pair")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	const index = "/pair-test-products"
	_ = c.Do(ctx, http.MethodDelete, index, nil, nil) // a run killed before its cleanup
	if err := c.Do(ctx, http.MethodPut, index, map[string]any{
		"settings": map[string]any{"number_of_shards": 2, "number_of_replicas": 1},
	}, nil); err != nil {
		t.Fatal(err)
	}
	var health struct {
		Status string `json:"status"`
	}
	if err := c.Do(ctx, http.MethodGet, "/_cluster/health"+index+"?wait_for_status=green&timeout=90s", nil, &health); err != nil || health.Status != "green" {
		t.Fatalf("index health %q, %v: want green (every copy allocated)", health.Status, err)
	}
	var shards []struct {
		Shard, Prirep, State, Node string
	}
	if err := c.Do(ctx, http.MethodGet, "/_cat/shards"+index+"?format=json", nil, &shards); err != nil {
		t.Fatal(err)
	}
	var nodes []string
	for _, s := range shards {
		if s.State != "STARTED" {
			t.Errorf("shard %s %s is %s", s.Shard, s.Prirep, s.State)
		}
		if !slices.Contains(nodes, s.Node) {
			nodes = append(nodes, s.Node)
		}
	}
	slices.Sort(nodes)
	if len(shards) != 4 || !slices.Equal(nodes, []string{"pair-1", "pair-2"}) {
		t.Fatalf("shard copies %+v: want 4, spread over pair-1 and pair-2", shards)
	}

	const docs = 20
	for i := range docs {
		if err := c.Do(ctx, http.MethodPut, fmt.Sprintf("%s/_doc/%d", index, i), map[string]any{"title": fmt.Sprintf("navy dress %d", i)}, nil); err != nil {
			t.Fatal(err)
		}
	}
	if err := c.Do(ctx, http.MethodPost, index+"/_refresh", nil, nil); err != nil {
		t.Fatal(err)
	}
	count := func(when string) {
		t.Helper()
		// Several requests, so the round-robin picks both listed nodes.
		for i := range 4 {
			var res struct {
				Hits struct {
					Total struct {
						Value int `json:"value"`
					} `json:"total"`
				} `json:"hits"`
				Shards struct {
					Failed int `json:"failed"`
				} `json:"_shards"`
			}
			if err := c.Do(ctx, http.MethodPost, index+"/_search", map[string]any{"query": map[string]any{"match": map[string]any{"title": "dress"}}}, &res); err != nil {
				t.Fatalf("%s, search %d: %v", when, i, err)
			}
			if res.Hits.Total.Value != docs || res.Shards.Failed != 0 {
				t.Fatalf("%s, search %d: %d hits with %d failed shards, want %d and none", when, i, res.Hits.Total.Value, res.Shards.Failed, docs)
			}
		}
	}
	count("both nodes up")

	cluster("stop-node", "2")
	count("node 2 stopped")
}

// freePorts returns n ports free on loopback right now.
func freePorts(t *testing.T, n int) []int {
	t.Helper()
	var ports []int
	for range n {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer ln.Close()
		ports = append(ports, ln.Addr().(*net.TCPAddr).Port)
	}
	return ports
}
