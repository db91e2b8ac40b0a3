// Command search benchmarks GET /v1/search over the 44k-product styles.csv
// catalog: latency (p50, p99) and queries per second through the real API
// in-process on a free port (auth, parsing, the engine's query, the response
// shaping), next to the same OpenSearch request sent straight to the cluster
// in the same run, as an overhead ratio. Queries are the judged relevance
// queries (search/testdata/relevance_queries.tsv), some with facet filters.
// Run with `make bench-search`.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/api"
	"github.com/stylegraph/stylegraph/auth"
	"github.com/stylegraph/stylegraph/catalog"
	"github.com/stylegraph/stylegraph/config"
	"github.com/stylegraph/stylegraph/search"
)

func main() {
	datasets := os.Getenv("STYLEGRAPH_DATASETS")
	if datasets == "" {
		datasets = filepath.Join("..", "shared", "datasets")
	}
	catalogPath := flag.String("catalog", filepath.Join(datasets, "fashion-product-images-styles", "styles.csv"), "catalog to index")
	queries := flag.String("queries", filepath.Join("search", "testdata", "relevance_queries.tsv"), "query file")
	requests := flag.Int("requests", 1000, "requests per path")
	clients := flag.Int("clients", 4, "concurrent clients")
	flag.Parse()
	if err := run(*catalogPath, *queries, *requests, *clients); err != nil {
		fmt.Fprintln(os.Stderr, "bench-search:", err)
		os.Exit(1)
	}
}

func run(catalogPath, queryFile string, requests, clients int) error {
	cfg, err := config.Load()
	if err != nil {
		return err
	}
	ctx := context.Background()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	c, err := search.Open(cfg.OpenSearchURL, cfg.OpenSearchUser, cfg.OpenSearchPassword, cfg.SearchIndexPrefix+"-bench")
	if err != nil {
		return err
	}
	if err := c.Ping(ctx); err != nil {
		return fmt.Errorf("opensearch at %s: %w (run `make services`)", cfg.OpenSearchURL, err)
	}
	n, err := load(ctx, c, catalogPath, quiet)
	if err != nil {
		return err
	}
	reqs, err := requestsFrom(queryFile)
	if err != nil {
		return err
	}

	engine := search.NewEngine(c, nil, quiet)
	authn := auth.New(cfg.JWTSecret, nil)
	// A shopper's token: the engine has no taste profiles here, so the
	// ranking is the same as the direct request's.
	token, err := authn.Mint(1, stylegraph.RoleShopper, time.Hour)
	if err != nil {
		return err
	}
	srv := api.New(api.Options{Logger: quiet, Auth: authn, Search: engine})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Shutdown(ctx)
	base := "http://" + ln.Addr().String()
	httpc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 2 * clients}}

	bodies := make([]map[string]any, len(reqs))
	for i, r := range reqs {
		if bodies[i], err = engine.RequestBody(r.req); err != nil {
			return err
		}
	}
	viaAPI := func(i int) error {
		req, _ := http.NewRequest(http.MethodGet, base+"/v1/search?"+reqs[i%len(reqs)].query, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := httpc.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		if _, err := io.Copy(io.Discard, resp.Body); err != nil {
			return err
		}
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("GET /v1/search?%s: %d", reqs[i%len(reqs)].query, resp.StatusCode)
		}
		return nil
	}
	direct := func(i int) error {
		var raw json.RawMessage
		return c.Do(ctx, http.MethodPost, "/"+c.Alias("products")+"/_search", bodies[i%len(bodies)], &raw)
	}
	// Warm both paths (caches, connections, JIT) before measuring.
	for i := 0; i < 50; i++ {
		if err := viaAPI(i); err != nil {
			return err
		}
		if err := direct(i); err != nil {
			return err
		}
	}
	// Alternate the phases so drift on a shared machine hits both alike.
	var apiRes, osRes result
	for round := 0; round < 2; round++ {
		a, err := measure(requests/2, clients, viaAPI)
		if err != nil {
			return err
		}
		o, err := measure(requests/2, clients, direct)
		if err != nil {
			return err
		}
		apiRes.add(a)
		osRes.add(o)
	}
	fmt.Printf("search benchmark: %d products, %d distinct queries (%d with filters), %d requests per path, %d clients\n\n",
		n, len(reqs), withFilters(reqs), apiRes.count(), clients)
	fmt.Printf("%-28s %10s %10s %10s\n", "", "p50", "p99", "QPS")
	apiRes.print("GET /v1/search (API)")
	osRes.print("same body to OpenSearch")
	fmt.Printf("%-28s %9.2fx %9.2fx %9.2fx\n", "overhead ratio (API/direct)",
		ms(apiRes.pct(50))/ms(osRes.pct(50)), ms(apiRes.pct(99))/ms(osRes.pct(99)), osRes.qps()/apiRes.qps())
	return nil
}

type benchReq struct {
	query string
	req   stylegraph.SearchRequest
}

// requestsFrom turns the judged queries into API requests; every third one
// also filters by gender and every fifth by a price ceiling, so facets with
// post_filter are part of the load.
func requestsFrom(path string) ([]benchReq, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	js, err := search.ParseJudgements(f)
	if err != nil {
		return nil, err
	}
	var out []benchReq
	for i, j := range js {
		v := url.Values{"q": {j.Query}}
		r := stylegraph.SearchRequest{Query: j.Query}
		if i%3 == 0 {
			v.Add("gender", "Men")
			v.Add("gender", "Unisex")
			r.Genders = []string{"Men", "Unisex"}
		}
		if i%5 == 0 {
			v.Set("price_max", "100")
			p := 100.0
			r.PriceMax = &p
		}
		out = append(out, benchReq{query: v.Encode(), req: r})
	}
	return out, nil
}

func withFilters(rs []benchReq) int {
	n := 0
	for _, r := range rs {
		if len(r.req.Genders) > 0 || r.req.PriceMax != nil {
			n++
		}
	}
	return n
}

// load indexes the catalog unless the bench index holds it already.
func load(ctx context.Context, c *search.Client, path string, log *slog.Logger) (int, error) {
	r, closer, err := catalog.Open(path)
	if err != nil {
		return 0, fmt.Errorf("%w (set STYLEGRAPH_DATASETS)", err)
	}
	defer closer.Close()
	products, _, err := catalog.ReadAll(r)
	if err != nil {
		return 0, err
	}
	_, version, err := search.IndexBody("products")
	if err != nil {
		return 0, err
	}
	var count struct {
		Count int `json:"count"`
	}
	if target, _ := c.AliasTarget(ctx, c.Alias("products")); target == c.Alias("products")+"-"+version {
		if err := c.Do(ctx, http.MethodGet, "/"+c.Alias("products")+"/_count", nil, &count); err == nil && count.Count == len(products) {
			return len(products), nil
		}
	}
	if err := c.DropPrefix(ctx); err != nil {
		return 0, err
	}
	if err := c.Migrate(ctx, log); err != nil {
		return 0, err
	}
	rep, err := c.IndexProducts(ctx, products)
	if err != nil {
		return 0, err
	}
	if len(rep.Failed) > 0 {
		return 0, fmt.Errorf("%d products refused, first: %s", len(rep.Failed), rep.Failed[0].Reason)
	}
	return len(products), c.Refresh(ctx)
}

type result struct {
	lat     []time.Duration
	elapsed time.Duration
}

func (r *result) add(o result) { r.lat = append(r.lat, o.lat...); r.elapsed += o.elapsed }
func (r *result) count() int   { return len(r.lat) }
func (r *result) qps() float64 { return float64(len(r.lat)) / r.elapsed.Seconds() }
func (r *result) pct(p int) time.Duration {
	s := append([]time.Duration(nil), r.lat...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[min(len(s)-1, len(s)*p/100)]
}
func (r *result) print(name string) {
	fmt.Printf("%-28s %8.2fms %8.2fms %10.0f\n", name, ms(r.pct(50)), ms(r.pct(99)), r.qps())
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// measure runs n calls of f from clients goroutines.
func measure(n, clients int, f func(i int) error) (result, error) {
	lat := make([]time.Duration, n)
	var next atomic.Int64
	var firstErr error
	var once sync.Once
	var wg sync.WaitGroup
	start := time.Now()
	for w := 0; w < clients; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				t := time.Now()
				if err := f(i); err != nil {
					once.Do(func() { firstErr = err })
					return
				}
				lat[i] = time.Since(t)
			}
		}()
	}
	wg.Wait()
	return result{lat: lat, elapsed: time.Since(start)}, firstErr
}
