// Package reconcile re-derives from the graph, the source of truth, what is
// kept elsewhere, and repairs what drifted while a store was down: a product
// write that reached Neo4j but not the index (OpenSearch was down and the
// caller never re-sent it), an index document whose product is gone, a
// cached feed object whose counts missed a like or comment, a deleted post
// whose feed object was never buried. It runs as `stylegraph reconcile` after
// an outage and from cron, and reports what it found and fixed. It must not
// import wiring or api.
package reconcile

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/feeds"
	"github.com/stylegraph/stylegraph/graph"
	"github.com/stylegraph/stylegraph/search"
)

// Graph is what the reconciler reads from Neo4j.
type Graph interface {
	ProductsAfter(ctx context.Context, scope graph.Scope, after int64, n int) ([]stylegraph.Product, error)
	ExistingProducts(ctx context.Context, ids []int64) (map[int64]bool, error)
}

// Index is the search index the reconciler compares and repairs.
type Index interface {
	Products(ctx context.Context, ids []int64) (map[int64]stylegraph.Product, error)
	ProductIDsAfter(ctx context.Context, from, to, after int64, n int) ([]int64, error)
	IndexProducts(ctx context.Context, products []stylegraph.Product) (search.BulkReport, error)
	DeleteProducts(ctx context.Context, ids []int64) (search.BulkReport, error)
}

// Options tune a run. Zero values get the defaults noted.
type Options struct {
	// Scope limits the product IDs looked at (default: all).
	Scope graph.Scope
	// Batch is how many products are compared per round trip (default 500).
	Batch int
	// DryRun reports drift without repairing it.
	DryRun bool
	// Progress, when set, is called after each batch.
	Progress func(Report)
}

// Report is what a run found and fixed.
type Report struct {
	// Checked products in the graph, and documents in the index.
	Products, Documents int
	// Missing products are in the graph but not in the index; Stale ones
	// differ between the two; Orphaned documents have no product.
	Missing, Stale, Orphaned int
	// Repaired is how many of those were fixed (0 in a dry run).
	Repaired int
	// Examples names a few drifted product IDs, for the log.
	Examples []int64
	Took     time.Duration
}

// Drift is how many items were found out of step.
func (r Report) Drift() int { return r.Missing + r.Stale + r.Orphaned }

func (r Report) String() string {
	return fmt.Sprintf("search index: %d products and %d documents checked; %d missing, %d stale, %d orphaned; %d repaired in %v",
		r.Products, r.Documents, r.Missing, r.Stale, r.Orphaned, r.Repaired, r.Took.Round(time.Millisecond))
}

// SearchIndex makes the products index hold exactly the graph's products:
// it re-indexes products missing or different there and deletes documents
// whose product is gone. Popularity and other signals in the index are kept
// (re-indexing writes content fields only).
func SearchIndex(ctx context.Context, g Graph, ix Index, o Options) (Report, error) {
	if o.Batch <= 0 {
		o.Batch = 500
	}
	start := time.Now()
	c := &indexCheck{g: g, ix: ix, o: o}
	if err := c.products(ctx); err != nil {
		return c.rep, err
	}
	if err := c.documents(ctx); err != nil {
		return c.rep, err
	}
	c.rep.Took = time.Since(start)
	return c.rep, nil
}

// indexCheck is one run of SearchIndex and what it has found so far.
type indexCheck struct {
	g   Graph
	ix  Index
	o   Options
	rep Report
}

// note keeps the first drifted IDs as examples.
func (c *indexCheck) note(id int64) {
	if len(c.rep.Examples) < 10 {
		c.rep.Examples = append(c.rep.Examples, id)
	}
}

func (c *indexCheck) progress() {
	if c.o.Progress != nil {
		c.o.Progress(c.rep)
	}
}

// products is the first pass: every graph product against its document.
func (c *indexCheck) products(ctx context.Context) error {
	for after := int64(-1 << 62); ; {
		ps, err := c.g.ProductsAfter(ctx, c.o.Scope, after, c.o.Batch)
		if err != nil {
			return fmt.Errorf("read products after %d: %w", after, err)
		}
		if len(ps) == 0 {
			return nil
		}
		after = ps[len(ps)-1].ID
		if err := c.productBatch(ctx, ps); err != nil {
			return err
		}
		c.progress()
	}
}

// productBatch re-indexes the products of ps whose document is missing or
// differs.
func (c *indexCheck) productBatch(ctx context.Context, ps []stylegraph.Product) error {
	ids := make([]int64, len(ps))
	for i, p := range ps {
		ids[i] = p.ID
	}
	docs, err := c.ix.Products(ctx, ids)
	if err != nil {
		return fmt.Errorf("read index documents: %w", err)
	}
	var fix []stylegraph.Product
	for _, p := range ps {
		d, ok := docs[p.ID]
		switch {
		case !ok:
			c.rep.Missing++
		case !same(p, d):
			c.rep.Stale++
		default:
			continue
		}
		c.note(p.ID)
		fix = append(fix, p)
	}
	c.rep.Products += len(ps)
	if len(fix) > 0 && !c.o.DryRun {
		br, err := c.ix.IndexProducts(ctx, fix)
		if err != nil {
			return fmt.Errorf("re-index %d products: %w", len(fix), err)
		}
		c.rep.Repaired += br.Indexed
	}
	return nil
}

// documents is the second pass: every document against the graph.
func (c *indexCheck) documents(ctx context.Context) error {
	from, to := c.o.Scope.From, c.o.Scope.To
	if from == 0 && to == 0 {
		from, to = 0, 1<<53-1
	}
	for after := from - 1; ; {
		ids, err := c.ix.ProductIDsAfter(ctx, from, to, after, c.o.Batch)
		if err != nil {
			return fmt.Errorf("list index documents after %d: %w", after, err)
		}
		if len(ids) == 0 {
			return nil
		}
		after = ids[len(ids)-1]
		c.rep.Documents += len(ids)
		if err := c.documentBatch(ctx, ids); err != nil {
			return err
		}
		c.progress()
	}
}

// documentBatch deletes the documents of ids whose product is gone.
func (c *indexCheck) documentBatch(ctx context.Context, ids []int64) error {
	have, err := c.g.ExistingProducts(ctx, ids)
	if err != nil {
		return fmt.Errorf("look up products: %w", err)
	}
	var gone []int64
	for _, id := range ids {
		if !have[id] {
			gone = append(gone, id)
			c.note(id)
		}
	}
	c.rep.Orphaned += len(gone)
	if len(gone) > 0 && !c.o.DryRun {
		br, err := c.ix.DeleteProducts(ctx, gone)
		if err != nil {
			return fmt.Errorf("delete %d orphaned documents: %w", len(gone), err)
		}
		c.rep.Repaired += len(gone) - len(br.Failed)
	}
	return nil
}

// same reports whether the index holds p as the graph does. Fields compare
// in a canonical form: empty lists as absent, times in UTC to the
// millisecond, the brand ID the indexer derives when the graph has none.
func same(graph, index stylegraph.Product) bool {
	a, _ := json.Marshal(canonical(graph))
	b, _ := json.Marshal(canonical(index))
	return string(a) == string(b)
}

func canonical(p stylegraph.Product) stylegraph.Product {
	for _, l := range []*[]string{&p.CategoryPath, &p.Sizes, &p.Images, &p.Tags} {
		if len(*l) == 0 {
			*l = nil
		}
	}
	p.Tags = slices.Clone(p.Tags)
	slices.Sort(p.Tags)
	p.CreatedAt = p.CreatedAt.UTC().Truncate(time.Millisecond)
	if p.BrandID == 0 && p.Brand != "" {
		p.BrandID = stylegraph.BrandID(p.Brand)
	}
	return p
}

// Feeds is the cached feed objects the reconciler compares with the graph
// and repairs (feeds.Service).
type Feeds interface {
	CachedObjectIDs(ctx context.Context, fn func([]int64) error) error
	CheckObjects(ctx context.Context, fids []int64, dryRun bool) (feeds.ObjectDrift, error)
}

// FeedReport is what a run over the cached feed objects found and fixed.
type FeedReport struct {
	feeds.ObjectDrift
	Took time.Duration
}

// Drift is how many objects were found out of step.
func (r FeedReport) Drift() int { return r.Stale + r.Deleted }

func (r FeedReport) String() string {
	return fmt.Sprintf("feed objects: %d checked; %d stale (counts, likes, comments or text), %d of deleted posts still shown; %d repaired in %v",
		r.Checked, r.Stale, r.Deleted, r.Repaired, r.Took.Round(time.Millisecond))
}

// FeedObjects makes every cached feed object what the graph renders now:
// stale like and comment counts, recent likes and comments, text and author
// are re-rendered, and objects of posts gone from the graph are replaced by
// tombstones so that no feed shows them. Objects not cached are rendered
// from the graph on their next read and need nothing.
func FeedObjects(ctx context.Context, f Feeds, o Options) (FeedReport, error) {
	if o.Batch <= 0 {
		o.Batch = 500
	}
	start := time.Now()
	var rep FeedReport
	err := f.CachedObjectIDs(ctx, func(page []int64) error {
		for ids := range slices.Chunk(page, o.Batch) {
			d, err := f.CheckObjects(ctx, ids, o.DryRun)
			if err != nil {
				return fmt.Errorf("check %d feed objects: %w", len(ids), err)
			}
			rep.Checked += d.Checked
			rep.Stale += d.Stale
			rep.Deleted += d.Deleted
			rep.Repaired += d.Repaired
			for _, id := range d.Examples {
				if len(rep.Examples) < 10 {
					rep.Examples = append(rep.Examples, id)
				}
			}
		}
		return nil
	})
	rep.Took = time.Since(start)
	return rep, err
}
