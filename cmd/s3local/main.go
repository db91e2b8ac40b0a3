// Command s3local is a small S3-compatible server for development and tests,
// built on gofakes3 (MIT), keeping objects in memory or, with -dir, as files. It stands in for S3
// so the archiver and replay run against a real S3 protocol endpoint; it is
// not meant for production data. scripts/services/s3.sh starts it.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3afero"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
	"github.com/spf13/afero"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "s3local:", err)
		os.Exit(1)
	}
}

func run() error {
	addr := flag.String("addr", "127.0.0.1:9000", "listen address")
	dir := flag.String("dir", "", "folder holding buckets as folders and objects as files (default: memory)")
	buckets := flag.String("buckets", "", "comma-separated buckets to create at start (docker-compose.yml)")
	probe := flag.Bool("probe", false, "check that a server answers on -addr and exit (container health check)")
	flag.Parse()
	if *probe {
		resp, err := http.Get("http://" + *addr + "/")
		if err != nil {
			return err
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("probe: status %d", resp.StatusCode)
		}
		return nil
	}

	var backend gofakes3.Backend = s3mem.New()
	if *dir != "" {
		if err := os.MkdirAll(*dir, 0o750); err != nil {
			return err
		}
		fsb, err := s3afero.MultiBucket(afero.NewBasePathFs(afero.NewOsFs(), *dir))
		if err != nil {
			return fmt.Errorf("open %s: %w", *dir, err)
		}
		backend = fsb
	}
	for _, b := range strings.Split(*buckets, ",") {
		if b = strings.TrimSpace(b); b == "" {
			continue
		}
		if err := backend.CreateBucket(b); err != nil && !gofakes3.IsAlreadyExists(err) {
			return fmt.Errorf("create bucket %s: %w", b, err)
		}
	}
	faker := gofakes3.New(backend, gofakes3.WithTimeSkewLimit(0), gofakes3.WithLogger(gofakes3.StdLog(log.Default(), gofakes3.LogErr)))
	srv := &http.Server{Addr: *addr, Handler: faker.Server(), ReadHeaderTimeout: 10 * time.Second}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	log.Printf("s3local serving on %s (dir %q)", *addr, *dir)
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
