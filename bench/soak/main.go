// Command soak runs `stylegraph serve` and `stylegraph worker` (the built
// binary, as deployed) on loopback against the local services for a bounded
// time under steady mixed traffic (events, feed, search, recommendations,
// posts) and reports, per interval: requests, errors, p50/p99 latency, and
// each process's resident memory and goroutines. It keeps to data of its own
// (key, stream and index prefixes; users and products in a random ID range)
// and removes it at the end.
//
// Run with `make soak` (SOAK_ARGS='-duration 10m -rate 40 -out docs/soak.md').
// Not part of CI.
package main

import (
	"bufio"
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/google/uuid"
	"github.com/redis/go-redis/v9"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/bench/harness"
	"github.com/stylegraph/stylegraph/config"
	"github.com/stylegraph/stylegraph/graph"
	"github.com/stylegraph/stylegraph/search"
)

func main() {
	bin := flag.String("bin", "bin/stylegraph", "the stylegraph binary to run")
	duration := flag.Duration("duration", 10*time.Minute, "how long the traffic runs")
	rate := flag.Int("rate", 40, "requests per second, steady")
	interval := flag.Duration("interval", 30*time.Second, "one report row per interval")
	out := flag.String("out", "", "also write the report as Markdown to this file")
	short := flag.Bool("short", false, "smoke mode: 10 seconds at 10 requests/s, a row every 5 seconds, to check the soak works")
	flag.Parse()
	if *short {
		*duration, *rate, *interval = min(*duration, 10*time.Second), min(*rate, 10), min(*interval, 5*time.Second)
	}
	if err := run(*bin, *duration, *rate, *interval, *out); err != nil {
		fmt.Fprintln(os.Stderr, "soak:", err)
		os.Exit(1)
	}
}

func run(bin string, duration time.Duration, rate int, interval time.Duration, out string) error {
	ctx := context.Background()
	cfg, err := config.Load()
	if err != nil {
		return err
	}
	n := time.Now().UnixNano() % 1e9
	prefix := fmt.Sprintf("soak:%d:", n)
	dir, err := os.MkdirTemp("", "soak-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	var httpAddr, internal, workerAddr string
	for _, a := range []*string{&httpAddr, &internal, &workerAddr} {
		if *a, err = harness.FreeAddr(); err != nil {
			return err
		}
	}
	env := append(os.Environ(),
		"HTTP_ADDR="+httpAddr, "INTERNAL_ADDR="+internal, "WORKER_ADDR="+workerAddr,
		"ACTIVITY_STREAM="+prefix+"events", "FEED_KEY_PREFIX="+prefix+"feed:", "SEARCH_KEY_PREFIX="+prefix+"search:",
		"RECS_CACHE_PREFIX="+prefix+"recs:", fmt.Sprintf("SEARCH_INDEX_PREFIX=soak-%d", n),
		"ARCHIVE_DIR="+dir+"/archive", "AUDIT_DIR="+dir+"/audit", "RATE_LIMIT_PER_IP=0", "RATE_LIMIT_PER_USER=0",
		"LOG_LEVEL=warn")

	// Fixture: shoppers and products of the run's own.
	db, err := graph.Open(ctx, cfg.Neo4jURI, cfg.Neo4jUser, cfg.Neo4jPassword)
	if err != nil {
		return fmt.Errorf("%w (run `make services`)", err)
	}
	defer db.Close(ctx)
	g := graph.NewStores(db)
	base := harness.IDBase()
	const nUsers, nProducts = 100, 200
	var us []stylegraph.User
	for i := range nUsers {
		us = append(us, stylegraph.User{ID: base + int64(i), Name: "soak"})
	}
	var ps []stylegraph.Product
	for i := range nProducts {
		ps = append(ps, stylegraph.Product{ID: base + 500_000 + int64(i), Title: []string{"linen shirt", "denim jacket", "summer dress", "running shoe"}[i%4],
			Price: 20, Currency: "EUR", CreatedAt: time.Now().UTC()})
	}
	if err := g.Catalog.UpsertUsers(ctx, us); err != nil {
		return err
	}
	if err := g.Catalog.UpsertProducts(ctx, ps); err != nil {
		return err
	}
	defer func() {
		_ = g.Seed.PurgeUsers(context.Background(), base, base+nUsers)
		for _, p := range ps {
			_, _ = g.Catalog.DeleteProduct(context.Background(), p.ID)
		}
	}()
	rdb := redis.NewUniversalClient(cfg.RedisOptions())
	defer rdb.Close()
	defer func() {
		iter := rdb.Scan(context.Background(), 0, "*"+prefix+"*", 1000).Iterator()
		for iter.Next(context.Background()) {
			rdb.Del(context.Background(), iter.Val())
		}
	}()

	serve, err := start(bin, env, dir+"/serve.log", "serve")
	if err != nil {
		return err
	}
	defer stop(serve)
	worker, err := start(bin, env, dir+"/worker.log", "worker")
	if err != nil {
		return err
	}
	defer stop(worker)
	apiURL := "http://" + httpAddr
	if err := waitFor(apiURL+"/readyz", 2*time.Minute); err != nil {
		return fmt.Errorf("serve: %w; log:\n%s", err, tail(dir+"/serve.log"))
	}
	ix, err := search.Open(cfg.OpenSearchURL, cfg.OpenSearchUser, cfg.OpenSearchPassword, fmt.Sprintf("soak-%d", n))
	if err != nil {
		return err
	}
	defer func() { _ = ix.DropPrefix(context.Background()) }()
	if _, err := ix.IndexProducts(ctx, ps); err != nil {
		return err
	}
	ids := make([]int64, nUsers)
	for i := range ids {
		ids[i] = base + int64(i)
	}
	toks, err := harness.MintTokens(cfg.JWTSecret, stylegraph.RoleShopper, ids...)
	if err != nil {
		return err
	}

	fmt.Printf("soak: %v at %d requests/s (events, feed, search, recommendations, posts) from %d shoppers; serve pid %d, worker pid %d\n",
		duration, rate, nUsers, serve.Process.Pid, worker.Process.Pid)
	var (
		mu     sync.Mutex
		win    []time.Duration
		errs   int
		byKind = map[string]int{}
		sent   int
	)
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 32}}
	do := func(i int) {
		u := rand.IntN(nUsers)
		var req *http.Request
		switch i % 10 {
		case 0, 1, 2:
			var evs []string
			for range 10 {
				evs = append(evs, fmt.Sprintf(`{"id":%q,"type":"view","target":{"kind":"product","id":%d}}`, uuid.NewString(), ps[rand.IntN(nProducts)].ID))
			}
			req, _ = http.NewRequest("POST", apiURL+"/v1/events", strings.NewReader("["+strings.Join(evs, ",")+"]"))
		case 3, 4, 5:
			req, _ = http.NewRequest("GET", apiURL+"/v1/feed", nil)
		case 6, 7:
			req, _ = http.NewRequest("GET", apiURL+"/v1/search?q="+[]string{"shirt", "jacket", "dress", "shoe"}[i%4], nil)
		case 8:
			req, _ = http.NewRequest("GET", apiURL+"/v1/recommendations", nil)
		case 9:
			req, _ = http.NewRequest("POST", apiURL+"/v1/posts", strings.NewReader(`{"title":"soak post"}`))
			req.Header.Set("Idempotency-Key", uuid.NewString())
		}
		req.Header.Set("Authorization", "Bearer "+toks[u])
		req.Header.Set("Content-Type", "application/json")
		start := time.Now()
		resp, err := client.Do(req)
		took := time.Since(start)
		code := 0
		if err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			code = resp.StatusCode
		}
		mu.Lock()
		defer mu.Unlock()
		sent++
		win = append(win, took)
		if code < 200 || code >= 300 {
			errs++
			byKind[fmt.Sprintf("%s %s %d", req.Method, req.URL.Path, code)]++
		}
	}

	type row struct {
		at                time.Duration
		reqs, errs        int
		p50, p99          time.Duration
		rssAPI, rssWorker int64
		goAPI, goWorker   int
	}
	sample := func(at time.Duration) row {
		mu.Lock()
		lat := win
		r := row{at: at, reqs: len(win), errs: errs}
		win, errs = nil, 0
		mu.Unlock()
		if len(lat) > 0 {
			ms := make([]float64, len(lat))
			for i, l := range lat {
				ms[i] = float64(l)
			}
			r.p50, r.p99 = time.Duration(harness.Percentile(ms, 50)), time.Duration(harness.Percentile(ms, 99))
		}
		r.rssAPI, r.rssWorker = rss(serve.Process.Pid), rss(worker.Process.Pid)
		r.goAPI, r.goWorker = goroutines("http://"+internal+"/metrics"), goroutines("http://"+workerAddr+"/metrics")
		return r
	}
	rows := []row{sample(0)}
	sem := make(chan struct{}, 64)
	var wg sync.WaitGroup
	meter := harness.StartLoad()
	begin := time.Now()
	tick := time.NewTicker(time.Second / time.Duration(rate))
	next := begin.Add(interval)
	for i := 0; time.Since(begin) < duration; i++ {
		<-tick.C
		select {
		case sem <- struct{}{}:
			wg.Add(1)
			go func() { defer wg.Done(); defer func() { <-sem }(); do(i) }()
		default: // 64 in flight: the server is not keeping up; counted as an error
			mu.Lock()
			errs++
			byKind["dropped: 64 requests in flight"]++
			mu.Unlock()
		}
		if time.Now().After(next) {
			r := sample(time.Since(begin).Round(time.Second))
			rows = append(rows, r)
			fmt.Printf("%6v  %5d requests  %3d errors  p50 %6.1f ms  p99 %7.1f ms  RSS serve %4d MiB worker %4d MiB  goroutines serve %4d worker %4d\n",
				r.at, r.reqs, r.errs, ms(r.p50), ms(r.p99), r.rssAPI>>20, r.rssWorker>>20, r.goAPI, r.goWorker)
			next = next.Add(interval)
		}
	}
	tick.Stop()
	wg.Wait()
	rows = append(rows, sample(time.Since(begin).Round(time.Second)))

	var b bytes.Buffer
	fmt.Fprintf(&b, "Soak run of %s (`make soak`): `stylegraph serve` and `stylegraph worker` on loopback, %v at %d requests/s from %d shoppers "+
		"(30 %% event batches of 10 views, 30 %% feed, 20 %% search, 10 %% recommendations, 10 %% posts), %d requests in all.\n\n",
		time.Now().UTC().Format("2006-01-02 15:04 UTC"), duration, rate, nUsers, sent)
	fmt.Fprintf(&b, "| t | requests | errors | p50 ms | p99 ms | RSS serve MiB | RSS worker MiB | goroutines serve | goroutines worker |\n|---|---|---|---|---|---|---|---|---|\n")
	total := 0
	for _, r := range rows {
		total += r.errs
		fmt.Fprintf(&b, "| %v | %d | %d | %.1f | %.1f | %d | %d | %d | %d |\n", r.at, r.reqs, r.errs, ms(r.p50), ms(r.p99), r.rssAPI>>20, r.rssWorker>>20, r.goAPI, r.goWorker)
	}
	fmt.Fprintf(&b, "\nErrors in all: %d of %d requests.", total, sent)
	if len(byKind) > 0 {
		var ks []string
		for k, v := range byKind {
			ks = append(ks, fmt.Sprintf("%s: %d", k, v))
		}
		sort.Strings(ks)
		fmt.Fprintf(&b, " By kind: %s.", strings.Join(ks, "; "))
	}
	fmt.Fprintf(&b, " Machine: %s.\n", meter.Stop())
	fmt.Print("\n" + b.String())
	if out != "" {
		if err := os.WriteFile(out, append([]byte("# Soak run\n\n"), b.Bytes()...), 0o644); err != nil {
			return err
		}
	}
	return nil
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func start(bin string, env []string, logPath string, args ...string) (*exec.Cmd, error) {
	f, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, args...)
	cmd.Env, cmd.Stdout, cmd.Stderr = env, f, f
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s %s (make soak builds it): %w", bin, args[0], err)
	}
	return cmd, nil
}

func stop(cmd *exec.Cmd) {
	_ = cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		_ = cmd.Process.Kill()
		<-done
	}
}

func waitFor(url string, limit time.Duration) error {
	for deadline := time.Now().Add(limit); ; time.Sleep(200 * time.Millisecond) {
		if resp, err := http.Get(url); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return nil
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s not 200 after %v", url, limit)
		}
	}
}

func tail(path string) string {
	b, _ := os.ReadFile(path)
	if len(b) > 3000 {
		b = b[len(b)-3000:]
	}
	return string(b)
}

// rss is a process's resident set in bytes, from /proc.
func rss(pid int) int64 {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// goroutines reads go_goroutines from a Prometheus endpoint.
func goroutines(url string) int {
	resp, err := http.Get(url)
	if err != nil {
		return -1
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "go_goroutines "); ok {
			f, _ := strconv.ParseFloat(v, 64)
			return int(f)
		}
	}
	return -1
}
