package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/stylegraph/stylegraph/ingest"
	"github.com/stylegraph/stylegraph/internal/wiring"
	"github.com/stylegraph/stylegraph/recommend"
)

func runWorker(ctx context.Context, args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("worker", flag.ContinueOnError)
	fs.SetOutput(stderr)
	only := fs.String("only", "", "comma-separated consumer groups to run (default: all)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	d, err := wiring.Load(ctx, stderr)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Graph.Migrate(ctx, d.Log); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", d.Cfg.Activity.WorkerAddr)
	if err != nil {
		return err
	}
	var groups []string
	if *only != "" {
		groups = strings.Split(*only, ",")
	}
	return work(ctx, d, ln, groups)
}

// work runs the consumers (all, or those in groups) until ctx ends, serving
// /metrics, /healthz and /readyz on ln, then lets in-flight batches finish.
func work(ctx context.Context, d *deps, ln net.Listener, groups []string) error {
	all := d.Consumers()
	run := all
	if len(groups) > 0 {
		run = nil
		for _, g := range groups {
			found := false
			for _, c := range all {
				if c.Group == g {
					run, found = append(run, c), true
				}
			}
			if !found {
				ln.Close()
				return fmt.Errorf("worker: no consumer group %q (have %s)", g, strings.Join(d.ConsumerGroups(), ", "))
			}
		}
	}
	log, err := d.ActivityLog(ctx)
	if err != nil {
		ln.Close()
		return err
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	d.RegisterBreakers(reg)
	metrics := ingest.NewMetrics(reg)
	var names []string
	for _, c := range run {
		names = append(names, c.Group)
	}
	if err := ingest.RegisterLag(reg, log.Lag, names...); err != nil {
		ln.Close()
		return err
	}

	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{Registry: reg}))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"status":"ok"}` + "\n"))
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		// Within a second, like the API's: a probe must not hang with Redis.
		rctx, cancel := context.WithTimeout(r.Context(), time.Second)
		defer cancel()
		pctx, pcancel := context.WithTimeout(rctx, 700*time.Millisecond)
		defer pcancel()
		status, code := "ready", http.StatusOK
		if err := d.Redis.Ping(pctx).Err(); err != nil {
			status, code = "unavailable", http.StatusServiceUnavailable
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(code)
		_ = json.NewEncoder(w).Encode(map[string]any{"status": status, "consumers": ingest.LagDetails(rctx, log.Lag, names...)})
	})
	side := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	serveErr := make(chan error, 1)
	go func() {
		if err := side.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			serveErr <- err
		}
		close(serveErr)
	}()

	host, _ := os.Hostname()
	name := fmt.Sprintf("%s-%d-%s", host, os.Getpid(), uuid.NewString()[:8])
	a := d.Cfg.Activity
	opts := ingest.ConsumerOptions{
		BatchSize: a.BatchSize, MaxAttempts: a.MaxAttempts, MaxDeliveries: a.MaxDeliveries,
		RetryBase: a.RetryBase, RetryMax: a.RetryMax, ShutdownGrace: d.Cfg.ShutdownTimeout,
		Logger: d.Log, Metrics: metrics,
	}
	ctx, stop := context.WithCancel(ctx)
	defer stop()
	var wg sync.WaitGroup
	for _, c := range run {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ingest.NewConsumer(log, c.Group, name, c.Handler, opts).Run(ctx)
		}()
	}
	if len(groups) == 0 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			recommend.KeepTopsFresh(ctx, d.Graph, d.RecsCache(), recommend.TopsEvery, d.Log)
		}()
	}
	d.Log.Info("worker running", "consumers", strings.Join(names, ","), "addr", ln.Addr().String(), "consumer", name)
	err = nil
	select {
	case <-ctx.Done():
	case err = <-serveErr:
	}
	d.Log.Info("worker stopping")
	stop()
	wg.Wait()
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = side.Shutdown(sctx)
	return err
}
