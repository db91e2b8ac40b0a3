package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/stylegraph/stylegraph/config"
	"github.com/stylegraph/stylegraph/ingest/redisstream"
)

// runDeadLetters lists dead-lettered events as JSON lines, or with
// `requeue <id>…` puts them back on the activity stream.
func runDeadLetters(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flags("deadletters", stderr)
	limit := fs.Int("limit", 20, "how many to list, oldest first")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: stylegraph deadletters [--limit N]       list dead-lettered events\n       stylegraph deadletters requeue <id>...   put them back on the activity stream")
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg, err := config.Load()
	if err != nil {
		return err
	}
	rdb := redis.NewUniversalClient(cfg.RedisOptions())
	defer rdb.Close()
	cctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	log := redisstream.New(rdb, redisstream.Options{Stream: cfg.Activity.Stream})
	if fs.Arg(0) == "requeue" {
		ids := fs.Args()[1:]
		if len(ids) == 0 {
			fs.Usage()
			return flag.ErrHelp
		}
		n, err := log.Requeue(cctx, ids...)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "requeued %d of %d\n", n, len(ids))
		return nil
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return fmt.Errorf("unknown argument %q", fs.Arg(0))
	}
	dead, err := log.DeadLetters(cctx, *limit)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(stdout)
	for _, d := range dead {
		if err := enc.Encode(d); err != nil {
			return err
		}
	}
	return nil
}
