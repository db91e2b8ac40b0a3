package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/catalog"
	"github.com/stylegraph/stylegraph/config"
	"github.com/stylegraph/stylegraph/internal/wiring"
	"github.com/stylegraph/stylegraph/search"
)

// datasetsDir is where the shared public data sets live.
func datasetsDir() string {
	if d := os.Getenv("STYLEGRAPH_DATASETS"); d != "" {
		return d
	}
	return filepath.Join("..", "shared", "datasets")
}

func runEval(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "recs" {
		return runEvalRecs(ctx, args[1:], stdout, stderr)
	}
	if len(args) == 0 || args[0] != "search" {
		fmt.Fprint(stderr, "Usage: stylegraph eval search [--catalog styles.csv] [--queries tuning.tsv] [--heldout test.tsv] [--k 10] [--reindex] [-v]\n       stylegraph eval recs [--folds u1,…,u5] [--users N] [--half-life 336h] [--top-k 50] [--min-common 2]\n")
		return flag.ErrHelp
	}
	f, err := parseEvalSearch(args[1:], stderr)
	if err != nil {
		return err
	}
	cfg, err := config.Load()
	if err != nil {
		return err
	}
	products, err := readCatalog(f.catalog)
	if err != nil {
		return err
	}
	splits := []evalSplit{{"tuning split (the ranking and synonyms were tuned on it)", f.queries}}
	if f.heldout != "" {
		splits = append(splits, evalSplit{"held-out test split (written after the synonym freeze; never tuned on)", f.heldout})
	}
	c, err := openEvalIndex(ctx, cfg, products, f.reindex, stderr)
	if err != nil {
		return err
	}
	engine := search.NewEngine(c, nil, wiring.NewLogger(stderr, cfg.LogLevel))
	for _, sp := range splits {
		js, err := readJudgements(sp.path)
		if err != nil {
			return err
		}
		rep, err := engine.Evaluate(ctx, products, js, f.k)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "== %s: %s\n", sp.name, sp.path)
		printEval(stdout, rep, js, len(products), f.verbose)
		fmt.Fprintln(stdout)
	}
	return nil
}

// evalSplit is a file of judged queries and what it is to the ranking.
type evalSplit struct{ name, path string }

// evalSearchFlags are the flags of `stylegraph eval search`.
type evalSearchFlags struct {
	catalog, queries, heldout string
	k                         int
	reindex, verbose          bool
}

// parseEvalSearch reads the flags of `stylegraph eval search`.
func parseEvalSearch(args []string, stderr io.Writer) (evalSearchFlags, error) {
	var f evalSearchFlags
	fs := flags("eval search", stderr)
	fs.StringVar(&f.catalog, "catalog", filepath.Join(datasetsDir(), "fashion-product-images-styles", "styles.csv"), "catalog to index and grade against")
	fs.StringVar(&f.queries, "queries", filepath.Join("search", "testdata", "relevance_queries.tsv"), "the tuning split: judged queries the ranking and synonyms were tuned on")
	fs.StringVar(&f.heldout, "heldout", filepath.Join("search", "testdata", "relevance_heldout.tsv"), "the test split: judged queries written after the synonym freeze, never tuned on (\"\" to skip)")
	fs.IntVar(&f.k, "k", 10, "cut-off rank")
	fs.BoolVar(&f.reindex, "reindex", false, "rebuild the evaluation index even if it holds the catalog already")
	fs.BoolVar(&f.verbose, "v", false, "print every query's nDCG")
	return f, fs.Parse(args)
}

// openEvalIndex opens the evaluation's indices, which it has to itself so it
// never touches the shop's, holding products and their stock.
func openEvalIndex(ctx context.Context, cfg config.Config, products []stylegraph.Product, reindex bool, stderr io.Writer) (*search.Client, error) {
	c, err := search.Open(cfg.OpenSearchURL, cfg.OpenSearchUser, cfg.OpenSearchPassword, cfg.SearchIndexPrefix+"-eval")
	if err != nil {
		return nil, err
	}
	if err := c.Ping(ctx); err != nil {
		return nil, fmt.Errorf("opensearch at %s: %w (is it running? try `make services`)", cfg.OpenSearchURL, err)
	}
	if err := loadEvalIndex(ctx, c, products, reindex, stderr); err != nil {
		return nil, err
	}
	if reindex || c.StockCount(ctx) != len(products) {
		if err := c.IndexStock(ctx, products); err != nil {
			return nil, err
		}
	}
	return c, nil
}

func readJudgements(path string) ([]search.Judgement, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open queries: %w", err)
	}
	defer f.Close()
	return search.ParseJudgements(f)
}

func readCatalog(path string) ([]stylegraph.Product, error) {
	r, closer, err := catalog.Open(path)
	if err != nil {
		return nil, fmt.Errorf("%w (data sets live in ../shared/datasets or $STYLEGRAPH_DATASETS)", err)
	}
	defer closer.Close()
	ps, _, err := catalog.ReadAll(r)
	return ps, err
}

// loadEvalIndex indexes the catalog unless the index already holds exactly
// it (same mapping version, same count), which makes repeated runs quick.
func loadEvalIndex(ctx context.Context, c *search.Client, products []stylegraph.Product, force bool, stderr io.Writer) error {
	log := wiring.NewLogger(io.Discard, "error")
	_, version, err := search.IndexBody("products")
	if err != nil {
		return err
	}
	target, err := c.AliasTarget(ctx, c.Alias("products"))
	if err != nil {
		return err
	}
	var count struct {
		Count int `json:"count"`
	}
	if !force && target == c.Alias("products")+"-"+version {
		if err := c.Do(ctx, http.MethodGet, "/"+c.Alias("products")+"/_count", nil, &count); err == nil && count.Count == len(products) {
			return nil
		}
	}
	if err := c.DropPrefix(ctx); err != nil {
		return err
	}
	if err := c.Migrate(ctx, log); err != nil {
		return err
	}
	start := time.Now()
	rep, err := c.IndexProducts(ctx, products)
	if err != nil {
		return err
	}
	if len(rep.Failed) > 0 {
		return errors.New(fmt.Sprint("eval index: ", len(rep.Failed), " products refused, first: ", rep.Failed[0].Reason))
	}
	fmt.Fprintf(stderr, "indexed %d products in %s\n", rep.Indexed, time.Since(start).Round(time.Millisecond))
	return c.Refresh(ctx)
}

func printEval(w io.Writer, rep search.EvalReport, js []search.Judgement, catalogSize int, verbose bool) {
	fmt.Fprintf(w, "product search relevance: %d judged queries over %d products, cut-off %d\n\n", rep.Ours.Queries, catalogSize, rep.K)
	fmt.Fprintf(w, "%-22s %8s %8s %8s   %8s %8s %8s %6s\n", "", "nDCG", "stock", "floor", "MAP", "stock", "floor", "n")
	row := func(name string, o, s, b search.Scores) {
		fmt.Fprintf(w, "%-22s %8.4f %8.4f %8.4f   %8.4f %8.4f %8.4f %6d\n", name, o.NDCG, s.NDCG, b.NDCG, o.MAP, s.MAP, b.MAP, o.Queries)
	}
	row("all", rep.Ours, rep.Stock, rep.Baseline)
	kinds := make([]string, 0, len(rep.ByKind))
	for k := range rep.ByKind {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	for _, k := range kinds {
		row("  "+k, rep.ByKind[k][0], rep.ByKind[k][1], rep.ByKind[k][2])
	}
	fmt.Fprintf(w, "\nours = search.Engine relevance ranking (no personalisation); stock = multi_match over title, article type,\n"+
		"colour, gender, brand with the english analyzer and fuzziness AUTO (the headline baseline); floor = BM25 on title.plain\n")
	fmt.Fprintf(w, "nDCG@%d ratio ours/stock = %.2f, ours/floor = %.2f; MAP@%d ratio ours/stock = %.2f\n", rep.K,
		safeRatio(rep.Ours.NDCG, rep.Stock.NDCG), safeRatio(rep.Ours.NDCG, rep.Baseline.NDCG), rep.K, safeRatio(rep.Ours.MAP, rep.Stock.MAP))
	if verbose {
		fmt.Fprintln(w)
		for i, q := range rep.PerQuery {
			fmt.Fprintf(w, "%-32s %-8s ours %.3f stock %.3f floor %.3f\n", js[i].Query, js[i].Kind, q[0], q[1], q[2])
		}
	}
}

func safeRatio(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}
