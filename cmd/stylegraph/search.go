package main

import (
	"context"
	"flag"
	"fmt"
	"io"
)

const searchUsage = `Usage: stylegraph search reindex [--keep-old]

reindex  build a new products index from the current mapping and synonyms,
         copy every document, and swap the alias with no downtime
`

func runSearch(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "reindex" {
		fmt.Fprint(stderr, searchUsage)
		return flag.ErrHelp
	}
	fs := flags("search reindex", stderr)
	keep := fs.Bool("keep-old", false, "keep the previous index (for a manual rollback)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	d, err := open(ctx, stderr, searchSchema)
	if err != nil {
		return err
	}
	defer d.Close()
	rep, err := d.Search.Reindex(ctx, "products", *keep, d.Log)
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
