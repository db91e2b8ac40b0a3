package main

import (
	"fmt"
	"io"
	"runtime"
)

// version and commit are stamped at build time:
//
//	go build -ldflags "-X main.version=1.2.3 -X main.commit=abc1234" ./cmd/stylegraph
//
// (the Dockerfile and `make build` do this); an unstamped build says "dev".
var (
	version = "dev"
	commit  = "unknown"
)

func runVersion(stdout io.Writer) error {
	_, err := fmt.Fprintf(stdout, "stylegraph %s (commit %s, %s %s/%s)\n", version, commit, runtime.Version(), runtime.GOOS, runtime.GOARCH)
	return err
}
