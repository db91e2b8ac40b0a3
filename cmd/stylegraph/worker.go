package main

import (
	"context"
	"encoding/json"
	"errors"
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
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/stylegraph/stylegraph/ingest"
	"github.com/stylegraph/stylegraph/internal/wiring"
	"github.com/stylegraph/stylegraph/recommend"
)

func runWorker(ctx context.Context, args []string, stderr io.Writer) error {
	fs := flags("worker", stderr)
	only := fs.String("only", "", "comma-separated consumer groups to run (default: all)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	d, err := open(ctx, stderr, graphSchema)
	if err != nil {
		return err
	}
	defer d.Close()
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
	w, err := newWorker(ctx, d, groups)
	if err != nil {
		ln.Close()
		return err
	}
	side := &http.Server{Handler: w.handler(), ReadHeaderTimeout: 5 * time.Second}
	serveErr := make(chan error, 1)
	go func() {
		if err := side.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			serveErr <- err
		}
		close(serveErr)
	}()

	ctx, stop := context.WithCancel(ctx)
	defer stop()
	// The precomputed top lists are refreshed by a full worker only, not by
	// one started for a few groups.
	wg := w.start(ctx, len(groups) == 0)
	d.Log.Info("worker running", "consumers", strings.Join(w.groups, ","), "addr", ln.Addr().String(), "consumer", w.name)
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

// worker is what `stylegraph worker` runs: a set of consumers on the
// activity log under one consumer name, and the metrics they count into.
type worker struct {
	d         *deps
	log       ingest.Log
	consumers []wiring.Consumer
	groups    []string
	reg       *prometheus.Registry
	opts      ingest.ConsumerOptions
	// name tells this process's consumers from other workers' in each group.
	name string
}

// newWorker opens the activity log and the metrics for the consumers in
// groups (every consumer when groups is empty).
func newWorker(ctx context.Context, d *deps, groups []string) (*worker, error) {
	consumers, err := selectConsumers(d, groups)
	if err != nil {
		return nil, err
	}
	log, err := d.ActivityLog(ctx)
	if err != nil {
		return nil, err
	}
	w := &worker{d: d, log: log, consumers: consumers}
	for _, c := range consumers {
		w.groups = append(w.groups, c.Group)
	}
	if w.reg, err = d.Registry(log.Lag, w.groups...); err != nil {
		return nil, err
	}
	w.opts = d.ConsumerOptions(ingest.NewMetrics(w.reg))
	host, _ := os.Hostname()
	w.name = fmt.Sprintf("%s-%d-%s", host, os.Getpid(), uuid.NewString()[:8])
	return w, nil
}

// selectConsumers picks the consumers of the named groups, in that order;
// no names picks them all.
func selectConsumers(d *deps, groups []string) ([]wiring.Consumer, error) {
	all := d.Consumers()
	if len(groups) == 0 {
		return all, nil
	}
	var run []wiring.Consumer
	for _, g := range groups {
		found := false
		for _, c := range all {
			if c.Group == g {
				run, found = append(run, c), true
			}
		}
		if !found {
			return nil, fmt.Errorf("worker: no consumer group %q (have %s)", g, strings.Join(d.ConsumerGroups(), ", "))
		}
	}
	return run, nil
}

// handler serves /metrics, /healthz and /readyz.
func (w *worker) handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(w.reg, promhttp.HandlerOpts{Registry: w.reg}))
	mux.HandleFunc("GET /healthz", func(rw http.ResponseWriter, r *http.Request) {
		rw.Header().Set("Content-Type", "application/json")
		_, _ = rw.Write([]byte(`{"status":"ok"}` + "\n"))
	})
	mux.HandleFunc("GET /readyz", w.ready)
	return mux
}

// ready answers /readyz: ready while Redis answers, with every group's lag.
func (w *worker) ready(rw http.ResponseWriter, r *http.Request) {
	// Within a second, like the API's: a probe must not hang with Redis.
	rctx, cancel := context.WithTimeout(r.Context(), time.Second)
	defer cancel()
	pctx, pcancel := context.WithTimeout(rctx, 700*time.Millisecond)
	defer pcancel()
	status, code := "ready", http.StatusOK
	if err := w.d.Redis.Ping(pctx).Err(); err != nil {
		status, code = "unavailable", http.StatusServiceUnavailable
	}
	rw.Header().Set("Content-Type", "application/json")
	rw.WriteHeader(code)
	_ = json.NewEncoder(rw).Encode(map[string]any{"status": status, "consumers": ingest.LagDetails(rctx, w.log.Lag, w.groups...)})
}

// start runs each consumer, and with keepTops the refresh of the precomputed
// top lists, until ctx ends; the group is done when they all have returned.
func (w *worker) start(ctx context.Context, keepTops bool) *sync.WaitGroup {
	var wg sync.WaitGroup
	for _, c := range w.consumers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ingest.NewConsumer(w.log, c.Group, w.name, c.Handler, w.opts).Run(ctx)
		}()
	}
	if keepTops {
		wg.Add(1)
		go func() {
			defer wg.Done()
			recommend.KeepTopsFresh(ctx, w.d.Graph.Recs, w.d.RecsCache(), recommend.TopsEvery, w.d.Log)
		}()
	}
	return &wg
}
