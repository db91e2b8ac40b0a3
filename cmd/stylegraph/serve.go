package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net"

	"github.com/stylegraph/stylegraph/internal/wiring"
)

func runServe(ctx context.Context, args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	skipMigrate := fs.Bool("skip-migrate", false, "do not apply migrations at start")
	if err := fs.Parse(args); err != nil {
		return err
	}
	d, err := wiring.Load(ctx, stderr)
	if err != nil {
		return err
	}
	defer d.Close()
	ln, err := net.Listen("tcp", d.Cfg.HTTPAddr)
	if err != nil {
		return err
	}
	if d.Cfg.InternalAddr != "off" {
		if d.Internal, err = net.Listen("tcp", d.Cfg.InternalAddr); err != nil {
			return fmt.Errorf("INTERNAL_ADDR: %w", err)
		}
	}
	return d.Serve(ctx, ln, !*skipMigrate)
}

func runMigrate(ctx context.Context, args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	if err := fs.Parse(args); err != nil {
		return err
	}
	d, err := wiring.Load(ctx, stderr)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Migrate(ctx)
}
