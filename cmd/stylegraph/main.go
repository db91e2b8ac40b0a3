// Command stylegraph is the one binary of the service: the API server, the
// nearline workers, migrations, data loading and dev tools. This is the only
// package that builds clients and wires packages together.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

const usage = `stylegraph: a social, personalised shopping backend.

Usage: stylegraph <command> [flags]

Commands:
  serve     run the HTTP API (applies migrations first)
  worker    run the nearline consumers (graph writer, archiver, …); metrics on WORKER_ADDR
  deadletters  list dead-lettered events (--limit 20), or "deadletters requeue <id>…" to retry them
  migrate   apply Neo4j constraints/indexes and OpenSearch indices
  seed      load a generated demo data set
  import    import products [--batch 1000] <file.csv|file.ndjson>: upsert a catalog
  replay    replay --from <folder|s3://bucket/prefix> [--since 2026-11-25]: rebuild the graph from the archive
  token     mint a dev bearer token (--sub 42 --role shopper --ttl 1h)
  search    search reindex [--keep-old]: rebuild the products index behind its alias, no downtime
  eval      eval search: nDCG@10 and MAP@10 of product search against a BM25 baseline;
            eval recs: the recommenders on MovieLens-100K (5 folds) next to a popularity baseline
  reconcile reconcile [--dry-run] [--from ID --to ID]: make the search index hold exactly the graph's
            products and the cached feed objects what the graph renders (after an outage); reports
            what was missing, stale, orphaned or deleted and what it fixed
  recompute item similarity (SIMILAR edges) and precomputed recommendation lists; cron-safe
  version   print the version and commit this binary was built from
  probe     probe [url]: exit 0 if url (default http://127.0.0.1:8080/healthz) answers 2xx; container health checks

Configuration comes from the environment; see README.md.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "stylegraph:", err)
		}
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return flag.ErrHelp
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "version", "--version":
		return runVersion(stdout)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	c, ok := commands[cmd]
	if !ok {
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("unknown command %q", cmd)
	}
	return c(ctx, rest, stdout, stderr)
}

// command runs one subcommand with its arguments.
type command func(ctx context.Context, args []string, stdout, stderr io.Writer) error

// commands are the subcommands by name; those that print only diagnostics
// take stderr alone.
var commands = map[string]command{
	"serve":       errOnly(runServe),
	"worker":      errOnly(runWorker),
	"deadletters": runDeadLetters,
	"migrate":     errOnly(runMigrate),
	"seed":        runSeed,
	"replay":      runReplay,
	"import":      runImport,
	"token": func(_ context.Context, args []string, stdout, stderr io.Writer) error {
		return runToken(args, stdout, stderr)
	},
	"search":    runSearch,
	"eval":      runEval,
	"reconcile": runReconcile,
	"recompute": runRecompute,
	"probe":     errOnly(runProbe),
}

func errOnly(f func(ctx context.Context, args []string, stderr io.Writer) error) command {
	return func(ctx context.Context, args []string, _, stderr io.Writer) error { return f(ctx, args, stderr) }
}
