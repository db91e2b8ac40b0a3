package main

import (
	"context"
	"fmt"
	"io"
	"net"
)

func runServe(ctx context.Context, args []string, stderr io.Writer) error {
	fs := flags("serve", stderr)
	skipMigrate := fs.Bool("skip-migrate", false, "do not apply migrations at start")
	if err := fs.Parse(args); err != nil {
		return err
	}
	d, err := open(ctx, stderr, noSchemas)
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
	fs := flags("migrate", stderr)
	if err := fs.Parse(args); err != nil {
		return err
	}
	d, err := open(ctx, stderr, allSchemas)
	if err != nil {
		return err
	}
	d.Close()
	return nil
}
