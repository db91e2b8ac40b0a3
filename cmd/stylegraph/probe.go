package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"time"
)

// runProbe GETs a URL and fails unless it answers 2xx: the health check of
// containers built on an image without a shell or curl (distroless).
func runProbe(ctx context.Context, args []string, stderr io.Writer) error {
	fs := flags("probe", stderr)
	timeout := fs.Duration("timeout", 3*time.Second, "give up after this long")
	if err := fs.Parse(args); err != nil {
		return err
	}
	url := "http://127.0.0.1:8080/healthz"
	if fs.NArg() > 0 {
		url = fs.Arg(0)
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return fmt.Errorf("probe: %w", err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("probe: %w", err)
	}
	resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("probe %s: status %d", url, resp.StatusCode)
	}
	return nil
}
