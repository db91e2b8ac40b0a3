package main

import (
	"fmt"
	"io"
	"time"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/config"
	"github.com/stylegraph/stylegraph/internal/wiring"
)

func runToken(args []string, stdout, stderr io.Writer) error {
	fs := flags("token", stderr)
	sub := fs.Int64("sub", 0, "user ID the token speaks for")
	role := fs.String("role", "shopper", "shopper | merchandiser | admin | service")
	ttl := fs.Duration("ttl", time.Hour, "time to live")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg, err := config.Load()
	if err != nil {
		return err
	}
	tok, err := wiring.Authenticator(cfg).Mint(*sub, stylegraph.Role(*role), *ttl)
	if err != nil {
		return fmt.Errorf("--%s: %s", stylegraph.ErrorField(err), stylegraph.ErrorMessage(err))
	}
	fmt.Fprintln(stdout, tok)
	return nil
}
