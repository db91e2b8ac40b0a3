// Command search benchmarks GET /v1/search over the 44k-product styles.csv
// catalog: latency (p50, p99) and queries per second through the server
// `stylegraph serve` builds (defaults on: rate limits, personalisation,
// search activity recording), searched by many shoppers with their own
// tokens from many client addresses, next to the same OpenSearch request
// sent straight to the cluster in the same rounds, with personalisation on
// and off. Queries are the judged relevance
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
	"net/http"
	"net/url"
	"os"
	"path/filepath"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/bench/harness"
	"github.com/stylegraph/stylegraph/catalog"
	"github.com/stylegraph/stylegraph/search"
)

func main() {
	catalogPath := flag.String("catalog", harness.Dataset("fashion-product-images-styles", "styles.csv"), "catalog to index")
	queries := flag.String("queries", filepath.Join("search", "testdata", "relevance_queries.tsv"), "query file")
	requests := flag.Int("requests", 1000, "requests per case and run")
	clients := flag.Int("clients", 4, "concurrent clients")
	shoppers := flag.Int("shoppers", 500, "distinct shoppers searching (one token and client address each)")
	harness.Main("search", func(o *harness.Options) error {
		products := 0 // all
		if o.Short {
			*requests, *shoppers, products = min(*requests, 24), min(*shoppers, 20), 2000
		}
		return run(o, *catalogPath, *queries, products, *requests, *clients, *shoppers)
	})
}

func run(o *harness.Options, catalogPath, queryFile string, nProducts, requests, clients, nShoppers int) error {
	ctx := context.Background()
	env, err := harness.NewEnv("search")
	if err != nil {
		return err
	}
	defer env.Close()
	// The catalog index is kept between runs (indexing 44k products takes a
	// while); its prefix says which catalog size it holds.
	env.Cfg.SearchIndexPrefix = fmt.Sprintf("benchsearch-%d", nProducts)
	srv, err := env.StartServer(ctx, env.Cfg)
	if err != nil {
		return err
	}
	c := srv.Deps.Search
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	n, err := load(ctx, c, catalogPath, nProducts, quiet)
	if err != nil {
		return err
	}
	reqs, err := requestsFrom(queryFile)
	if err != nil {
		return err
	}
	// Distinct shoppers with fresh IDs: their taste profiles are looked up
	// (graph, then the Redis cache) on every personalised search; they have
	// no history, so the ranking equals the direct request's.
	base := harness.IDBase()
	ids := make([]int64, nShoppers)
	for i := range ids {
		ids[i] = base + int64(i)
	}
	shoppers, err := srv.Shoppers(ids...)
	if err != nil {
		return err
	}
	httpc := harness.HTTPClient(2 * clients)
	engine := search.NewEngine(c, nil, quiet)
	bodies := make([]map[string]any, len(reqs))
	for i, r := range reqs {
		if bodies[i], err = engine.RequestBody(r.req); err != nil {
			return err
		}
	}
	viaAPI := func(personalize string) func(ctx context.Context, i int) (int, error) {
		return func(ctx context.Context, i int) (int, error) {
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/v1/search?"+reqs[i%len(reqs)].query+"&personalize="+personalize, nil)
			shoppers.Sign(req, i)
			_, err := harness.Call(httpc, req, http.StatusOK)
			return 1, err
		}
	}
	direct := func(ctx context.Context, i int) (int, error) {
		var raw json.RawMessage
		return 1, c.Do(ctx, http.MethodPost, "/"+c.Alias("products")+"/_search", bodies[i%len(bodies)], &raw)
	}
	if err := o.Begin(); err != nil {
		return err
	}
	fmt.Printf("%d products, %d distinct queries (%d with filters), %d shoppers, %d requests per case and run, %d clients\n",
		n, len(reqs), withFilters(reqs), nShoppers, requests, clients)
	on := harness.LoadCase("GET /v1/search, personalisation on (default)", clients, requests, 0, viaAPI("true"))
	off := harness.LoadCase("GET /v1/search, personalize=false", clients, requests, 0, viaAPI("false"))
	raw := harness.LoadCase("baseline: same body straight to OpenSearch", clients, requests, 0, direct)
	if _, err := harness.Measure(ctx, o, "GET /v1/search vs the same query sent to OpenSearch", "req/s", on, raw, off); err != nil {
		return err
	}
	_, err = harness.Measure(ctx, o, "GET /v1/search with personalize=false vs the same query sent to OpenSearch", "req/s", off, raw)
	return err
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
func load(ctx context.Context, c *search.Client, path string, n int, log *slog.Logger) (int, error) {
	r, closer, err := catalog.Open(path)
	if err != nil {
		return 0, fmt.Errorf("%w (set STYLEGRAPH_DATASETS)", err)
	}
	defer closer.Close()
	products, _, err := catalog.ReadAll(r)
	if err != nil {
		return 0, err
	}
	if n > 0 && n < len(products) {
		products = products[:n]
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
