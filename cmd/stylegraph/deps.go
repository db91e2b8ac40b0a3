package main

import "github.com/stylegraph/stylegraph/internal/wiring"

// deps are the opened clients and the wiring every subcommand shares
// (internal/wiring, which the benchmarks use too).
type deps = wiring.Deps
