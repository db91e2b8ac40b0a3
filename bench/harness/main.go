package harness

import (
	"flag"
	"fmt"
	"os"
)

// Main is a benchmark's main: it registers the shared flags next to the
// benchmark's own (registered before Main is called), parses them, runs run
// and exits 1 with "bench-<name>: <error>" when it fails. The CPU profile
// Begin starts is stopped when run returns.
func Main(name string, run func(o *Options) error) {
	o := Flags(nil)
	flag.Parse()
	o.Parse(nil)
	o.name = name
	err := run(o)
	o.stopProfile()
	if err != nil {
		fmt.Fprintf(os.Stderr, "bench-%s: %v\n", name, err)
		os.Exit(1)
	}
}

// Begin ends the benchmark's setup: it prints the header (machine, mode,
// the command that reproduces the run) and starts the CPU profile asked for
// with -cpuprofile, so fixtures and indexing stay out of it.
func (o *Options) Begin() error {
	Header(os.Stdout, o, o.name)
	stop, err := o.StartProfile()
	if err != nil {
		return err
	}
	o.stopProfile = stop
	return nil
}
