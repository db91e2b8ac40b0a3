package main

import (
	"context"
	"flag"
	"io"

	"github.com/stylegraph/stylegraph/internal/wiring"
)

// deps are the opened clients and the wiring every subcommand shares
// (internal/wiring, which the benchmarks use too).
type deps = wiring.Deps

// schemas are the migrations a subcommand applies once the stores are open.
type schemas int

const (
	noSchemas    schemas = iota
	graphSchema          // Neo4j constraints and indexes
	searchSchema         // the OpenSearch indices
	allSchemas           // both
)

// open reads the configuration, opens every client and applies the schemas
// the subcommand needs; the caller closes what it returns.
func open(ctx context.Context, stderr io.Writer, s schemas) (*deps, error) {
	d, err := wiring.Load(ctx, stderr)
	if err != nil {
		return nil, err
	}
	switch s {
	case graphSchema:
		err = d.Graph.Migrate(ctx, d.Log)
	case searchSchema:
		err = d.Search.Migrate(ctx, d.Log)
	case allSchemas:
		err = d.Migrate(ctx)
	}
	if err != nil {
		d.Close()
		return nil, err
	}
	return d, nil
}

// flags is a subcommand's flag set; it reports errors and usage on stderr.
func flags(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}
