package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/stylegraph/stylegraph/ingest"
	"github.com/stylegraph/stylegraph/search"
)

// searchEngine is the product search the API serves: OpenSearch ranked with
// taste profiles from the graph, cached in Redis.
func (d *deps) searchEngine() *search.Engine {
	return search.NewEngine(d.search, d.searchProfiles(), d.log).WithProfileTimeout(d.cfg.Search.ProfileTimeout)
}

// searchProfiles caches shoppers' taste profiles for personalised search.
func (d *deps) searchProfiles() *search.CachedProfiles {
	return search.NewCachedProfiles(d.graph, d.redis, d.cfg.Search.KeyPrefix+"profile:", d.cfg.Search.ProfileTTL)
}

// searchSignals is the consumer that turns views, likes, carts and purchases
// of products into popularity in the search index.
func (d *deps) searchSignals() ingest.Handler {
	pop := search.NewPopularity(d.search, d.redis, d.cfg.Search.KeyPrefix+"signal:", d.cfg.Activity.DedupWindow)
	return ingest.HandlerFunc(func(ctx context.Context, events []ingest.Event) error {
		_, err := pop.Apply(ctx, productSignals(events))
		return err
	})
}

// productSignals keeps the events about products that move popularity.
func productSignals(events []ingest.Event) []search.Signal {
	var out []search.Signal
	for _, e := range events {
		if e.Target == nil || e.Target.Kind != ingest.KindProduct || search.SignalWeight(string(e.Type)) == 0 {
			continue
		}
		out = append(out, search.Signal{EventID: e.ID, ProductID: e.Target.ID, Action: string(e.Type)})
	}
	return out
}

const searchUsage = `Usage: stylegraph search reindex [--keep-old]

reindex  build a new products index from the current mapping and synonyms,
         copy every document, and swap the alias with no downtime
`

func runSearch(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "reindex" {
		fmt.Fprint(stderr, searchUsage)
		return flag.ErrHelp
	}
	fs := flag.NewFlagSet("search reindex", flag.ContinueOnError)
	fs.SetOutput(stderr)
	keep := fs.Bool("keep-old", false, "keep the previous index (for a manual rollback)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	d, err := loadDeps(ctx, stderr)
	if err != nil {
		return err
	}
	defer d.close()
	if err := d.search.Migrate(ctx, d.log); err != nil {
		return err
	}
	rep, err := d.search.Reindex(ctx, "products", *keep, d.log)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "alias %s: %s -> %s (%d documents copied, %d caught up)\n", rep.Alias, orNone(rep.Old), rep.New, rep.Copied, rep.CaughtUp)
	return nil
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}
