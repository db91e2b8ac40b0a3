package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/catalog"
	"github.com/stylegraph/stylegraph/search"
)

// productGraph and productIndex are what an import writes to.
type productGraph interface {
	UpsertProducts(ctx context.Context, products []stylegraph.Product) error
}

type productIndex interface {
	IndexProducts(ctx context.Context, products []stylegraph.Product) (search.BulkReport, error)
	Refresh(ctx context.Context) error
}

func runImport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "products" {
		return fmt.Errorf("usage: stylegraph import products [--batch 1000] <file.csv|file.ndjson>")
	}
	fs := flags("import products", stderr)
	batch := fs.Int("batch", 1000, "products per write batch")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if fs.NArg() != 1 || *batch < 1 {
		return fmt.Errorf("usage: stylegraph import products [--batch 1000] <file.csv|file.ndjson>")
	}
	d, err := open(ctx, stderr, allSchemas)
	if err != nil {
		return err
	}
	defer d.Close()
	_, err = importProducts(ctx, cardsDropped{d.Graph.Catalog, d.RecsCache()}, d.Search, fs.Arg(0), *batch, stdout)
	return err
}

// importStats is what one import did.
type importStats struct {
	Imported int
	Bad      []catalog.RowError
	Refused  []search.ItemError
}

// maxBadShown bounds how many bad rows an import prints one by one.
const maxBadShown = 100

// importProducts upserts the file's good rows into the graph and the search
// index in batches, printing progress and then every bad row with its line.
// Upserts are idempotent, so a failed import can simply be run again.
func importProducts(ctx context.Context, g productGraph, ix productIndex, path string, batch int, out io.Writer) (importStats, error) {
	r, closer, err := catalog.Open(path)
	if err != nil {
		return importStats{}, err
	}
	defer closer.Close()
	fmt.Fprintf(out, "importing %s (layout %s)\n", path, r.Layout())
	im := &importer{g: g, ix: ix, out: out, start: time.Now(), buf: make([]stylegraph.Product, 0, batch)}
	for {
		p, err := r.Next()
		var re *catalog.RowError
		if errors.As(err, &re) {
			im.st.Bad = append(im.st.Bad, *re)
			continue
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return im.st, err
		}
		im.buf = append(im.buf, p)
		if len(im.buf) == batch {
			if err := im.flush(ctx); err != nil {
				return im.st, err
			}
		}
	}
	if err := im.flush(ctx); err != nil {
		return im.st, err
	}
	if err := ix.Refresh(ctx); err != nil {
		return im.st, fmt.Errorf("refresh search index: %w", err)
	}
	im.report()
	return im.st, nil
}

// importer writes an import's products a batch at a time and counts them.
type importer struct {
	g     productGraph
	ix    productIndex
	out   io.Writer
	start time.Time
	buf   []stylegraph.Product
	st    importStats
}

// flush writes the buffered products to the graph, then the index.
func (im *importer) flush(ctx context.Context) error {
	if len(im.buf) == 0 {
		return nil
	}
	if err := im.g.UpsertProducts(ctx, im.buf); err != nil {
		return fmt.Errorf("upsert products into the graph: %w", err)
	}
	rep, err := im.ix.IndexProducts(ctx, im.buf)
	if err != nil {
		return fmt.Errorf("index products: %w", err)
	}
	im.st.Refused = append(im.st.Refused, rep.Failed...)
	im.st.Imported += len(im.buf)
	im.buf = im.buf[:0]
	fmt.Fprintf(im.out, "  %d products imported, %d bad rows so far (%s)\n", im.st.Imported, len(im.st.Bad), time.Since(im.start).Round(time.Millisecond))
	return nil
}

// report prints the totals, then the bad rows (up to maxBadShown) and the
// products search refused.
func (im *importer) report() {
	st := im.st
	fmt.Fprintf(im.out, "imported %d products in %s; skipped %d bad rows; search refused %d\n",
		st.Imported, time.Since(im.start).Round(time.Millisecond), len(st.Bad), len(st.Refused))
	for i, b := range st.Bad {
		if i == maxBadShown {
			fmt.Fprintf(im.out, "  … and %d more bad rows\n", len(st.Bad)-maxBadShown)
			break
		}
		fmt.Fprintf(im.out, "  bad row %s\n", b.Error())
	}
	for _, f := range st.Refused {
		fmt.Fprintf(im.out, "  search refused product %d: %d %s\n", f.ID, f.Status, f.Reason)
	}
}

// cardsDropped drops the recommendation cards of the products it upserts, so
// recommendations show new prices and stock on the next request.
type cardsDropped struct {
	productGraph
	cards interface {
		ProductsChanged(ctx context.Context, ids []int64) error
	}
}

func (c cardsDropped) UpsertProducts(ctx context.Context, ps []stylegraph.Product) error {
	if err := c.productGraph.UpsertProducts(ctx, ps); err != nil {
		return err
	}
	ids := make([]int64, len(ps))
	for i, p := range ps {
		ids[i] = p.ID
	}
	return c.cards.ProductsChanged(ctx, ids)
}
