//go:build chaos

// The fault-injection suite (`make test-chaos`). It runs the API in this
// process and the worker as a child process, against a Redis of its own
// (crashed with SIGKILL and frozen with SIGSTOP) and against the shared Neo4j
// and OpenSearch through TCP proxies (hung: bytes stop, as with SIGSTOP;
// down: connections refused), while mixed traffic runs. It prints one row per
// fault and fails on any 500, a 503 without Retry-After, an answer slower
// than its budget + 1s, an acknowledged event or post lost or doubled, drift
// left between the graph and the index, or a recovery slower than its bound.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/redis/go-redis/v9"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/config"
	"github.com/stylegraph/stylegraph/feeds"
	"github.com/stylegraph/stylegraph/graph"
	"github.com/stylegraph/stylegraph/internal/e2e"
	"github.com/stylegraph/stylegraph/internal/testenv"
	"github.com/stylegraph/stylegraph/internal/wiring"
	"github.com/stylegraph/stylegraph/reconcile"
)

// chaosChild names the environment variable that makes the test binary run
// `stylegraph <args>` instead of the tests: the suite's worker is this binary.
const chaosChild = "STYLEGRAPH_CHAOS_CHILD"

func TestMain(m *testing.M) {
	if args := os.Getenv(chaosChild); args != "" {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		err := run(ctx, strings.Fields(args), os.Stdout, os.Stderr)
		stop()
		if err != nil {
			fmt.Fprintln(os.Stderr, "stylegraph:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	redis.SetLogger(quiet{}) // the client's reconnect chatter while Redis is down
	os.Exit(m.Run())
}

type quiet struct{}

func (quiet) Printf(context.Context, string, ...any) {}

func tail(b []byte, n int) []byte {
	if len(b) > n {
		return b[len(b)-n:]
	}
	return b
}

const (
	chaosUsers    = 6  // one load client each
	chaosProducts = 40 // viewed by the events, rewritten by PUTs
	// slack is what an answer may take beyond its budget (the bound).
	slack = time.Second
	// recoveryBound is how soon after a fault ends every probe must answer
	// normally again: the breaker's open time plus a reconnect.
	recoveryBound = 10 * time.Second
)

// chaosEnv is everything one run of the suite holds.
type chaosEnv struct {
	t        *testing.T
	cfg      config.Config
	d        *deps
	base     string
	redis    *testenv.RedisServer
	neo, ost *testenv.Proxy
	worker   *exec.Cmd
	workerLg *os.File
	idb      int64
	toks     []string // shoppers, one per load client
	merch    string

	mu       sync.Mutex
	phase    *phaseRow
	rows     []*phaseRow
	acked    map[string]bool // event IDs a 202 acknowledged
	posts    map[string]bool // Idempotency-Keys a 201 acknowledged
	putTitle map[int64]bool  // products a PUT answered 200 for
	abandon  chan int        // the status of the one PUT nobody re-sends
	// posts of the merchandiser's: one liked and one deleted while Redis is
	// down, by requests nobody re-sends; their statuses
	likedPost, deletedPost int64
	abandonFeed            chan [2]int
	pending                []*loadClient // clients with writes still to retry
	prober                 *loadClient
	drift                  string // what the reconcilers found and left, for the table
}

// phaseRow is one line of the printed table. degraded counts answers
// marked degraded: X-Degraded, or readiness reporting "degraded".
type phaseRow struct {
	name     string
	sent     int
	codes    map[int]int
	slowest  time.Duration
	slowWhat string
	degraded int
	recovery time.Duration
	faults   []string
}

func (r *phaseRow) fault(format string, args ...any) {
	if len(r.faults) < 20 {
		r.faults = append(r.faults, fmt.Sprintf(format, args...))
	}
}

func TestChaos(t *testing.T) {
	e := startChaos(t)
	load, stopLoad := e.startLoad()

	defer e.report()
	e.in("steady", 3*time.Second, nil, nil, nil)

	e.in("worker kill -9 mid-batch", 4*time.Second, func() {
		time.Sleep(time.Second)
		e.killWorker()
		time.Sleep(time.Second)
		e.startWorker()
	}, nil, e.probeEvents)

	e.in("redis kill -9", 3*time.Second, func() { e.redis.Kill(); go e.abandonFeedWrites() }, e.redis.Start, e.probeEvents)
	e.in("redis hung (SIGSTOP)", 4*time.Second, e.redis.Freeze, e.redis.Thaw, e.probeEvents)
	e.in("neo4j hung", 10*time.Second, e.neo.Pause, e.neo.Resume, e.probeGraph)
	e.in("neo4j down", 4*time.Second, e.neo.Down, e.neo.Up, e.probeGraph)
	e.in("opensearch hung", 10*time.Second, e.ost.Pause, e.ost.Resume, e.probeSearch)
	e.in("opensearch down", 4*time.Second, func() { e.ost.Down(); go e.abandonPut() }, e.ost.Up, e.probeSearch)
	e.in("clients hang up mid-write", 4*time.Second, func() { e.hangUps(4 * time.Second) }, nil, nil)

	stopLoad()
	load.Wait()
	e.drain()
	e.settle()
	e.verify()
}

// report prints the table and fails the test on every fault recorded.
func (e *chaosEnv) report() {
	e.print()
	for _, r := range e.rows {
		for _, f := range r.faults {
			e.t.Errorf("%s: %s", r.name, f)
		}
	}
}

func startChaos(t *testing.T) *chaosEnv {
	t.Helper()
	base := testenv.Config(t)
	nu, err := url.Parse(base.Neo4jURI)
	if err != nil {
		t.Fatal(err)
	}
	ou, err := url.Parse(base.OpenSearchURL)
	if err != nil {
		t.Fatal(err)
	}
	e := &chaosEnv{
		t: t, idb: testenv.IDBase(t), redis: testenv.StartRedis(t),
		neo: testenv.StartProxy(t, nu.Host), ost: testenv.StartProxy(t, ou.Host),
		acked: map[string]bool{}, posts: map[string]bool{}, putTitle: map[int64]bool{}, abandon: make(chan int, 1),
		abandonFeed: make(chan [2]int, 1),
	}
	defaults, err := config.LoadFrom(func(string) (string, bool) { return "", false })
	if err != nil {
		t.Fatal(err)
	}
	cfg := base
	cfg.RedisAddr, cfg.RedisAddrs, cfg.RedisCluster = e.redis.Addr(), []string{e.redis.Addr()}, false
	cfg.Neo4jURI = "bolt://" + e.neo.Addr() // direct: no routing table pointing past the proxy
	cfg.OpenSearchURL = ou.Scheme + "://" + e.ost.Addr()
	cfg.SearchIndexPrefix = fmt.Sprintf("chaos-%d", e.idb)
	cfg.Feed.KeyPrefix = "chaos:feed:"
	cfg.Archive.Dir, cfg.AuditDir = t.TempDir(), t.TempDir()
	cfg.Activity.Stream = "chaos:events"
	cfg.Activity.ClaimIdle = 2 * time.Second // a killed worker's batch is taken over soon
	cfg.Activity.RetryBase, cfg.Activity.RetryMax = 50*time.Millisecond, 2*time.Second
	// The defaults under test, with a breaker that closes again within the
	// recovery bound.
	cfg.Reliability = defaults.Reliability
	cfg.Reliability.BreakerOpenFor = 2 * time.Second
	cfg.RateLimitPerUser, cfg.RateLimitPerIP = 0, 0 // one address sends all the load
	cfg.Activity.WorkerAddr = fmt.Sprintf("127.0.0.1:%d", testenv.FreePort(t))
	e.cfg = cfg

	// Products the events view and the PUTs rewrite, written straight to
	// the graph before any fault.
	g := testenv.Graph(t)
	ctx := context.Background()
	var ps []stylegraph.Product
	for i := range chaosProducts {
		ps = append(ps, stylegraph.Product{ID: e.product(i), Title: "chaos product", Price: 10, CreatedAt: time.Now().UTC()})
	}
	if err := g.Catalog.UpsertProducts(ctx, ps); err != nil {
		t.Fatal(err)
	}
	// The shoppers exist before the load: the steady phase reads their
	// followers, which must not depend on how soon the worker applied their
	// first event.
	var us []stylegraph.User
	for i := range chaosUsers {
		us = append(us, stylegraph.User{ID: e.idb + int64(i), Name: fmt.Sprintf("Chaos %d", i)})
	}
	if err := g.Catalog.UpsertUsers(ctx, us); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx := context.Background()
		_ = g.Seed.PurgeUsers(ctx, e.idb, e.idb+chaosUsers+10)
		for i := range chaosProducts {
			_, _ = g.Catalog.DeleteProduct(ctx, e.product(i))
		}
	})

	sctx, cancel := context.WithCancel(context.Background())
	d, err := wiring.Open(sctx, cfg, io.Discard)
	if err != nil {
		cancel()
		t.Fatalf("%v; start the local services with `make services`", err)
	}
	e.d = d
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- d.Serve(sctx, ln, true) }()
	t.Cleanup(func() {
		cancel()
		<-done
		_ = d.Search.DropPrefix(context.Background())
		d.Close()
	})
	e.base = "http://" + ln.Addr().String()
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		if resp, err := http.Get(e.base + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatal("API not ready after 60s")
		}
	}
	if rep, err := d.Search.IndexProducts(ctx, ps); err != nil || len(rep.Failed) > 0 {
		t.Fatalf("index products: %v %+v", err, rep)
	}
	for i := range chaosUsers {
		e.toks = append(e.toks, "Bearer "+e2e.Token(t, cfg.JWTSecret, e.idb+int64(i), stylegraph.RoleShopper))
	}
	e.merch = "Bearer " + e2e.Token(t, cfg.JWTSecret, e.idb+chaosUsers, stylegraph.RoleMerchandiser)
	e.startWorker()
	t.Cleanup(e.killWorker)
	// Two posts whose feed objects are cached before any fault.
	for _, into := range []*int64{&e.likedPost, &e.deletedPost} {
		a := timed(t, "POST", e.base+"/v1/posts", map[string]string{"Authorization": e.merch}, `{"title":"chaos feed object"}`)
		var f stylegraph.Feed
		if err := json.Unmarshal([]byte(a.body), &f); a.code != 201 || err != nil {
			t.Fatalf("create post = %d %s", a.code, a.body)
		}
		*into = f.Post.ID
	}
	return e
}

func (e *chaosEnv) product(i int) int64 { return e.idb + 500_000 + int64(i) }

// startWorker runs `stylegraph worker` (this test binary) with the suite's
// configuration in its environment.
func (e *chaosEnv) startWorker() {
	e.t.Helper()
	c := e.cfg
	env := []string{chaosChild + "=worker"}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "REDIS_ADDRS=") && !strings.HasPrefix(kv, "REDIS_CLUSTER=") {
			env = append(env, kv)
		}
	}
	env = append(env,
		"REDIS_ADDR="+c.RedisAddr, "NEO4J_URI="+c.Neo4jURI, "OPENSEARCH_URL="+c.OpenSearchURL,
		"SEARCH_INDEX_PREFIX="+c.SearchIndexPrefix, "FEED_KEY_PREFIX="+c.Feed.KeyPrefix,
		"ARCHIVE_DIR="+c.Archive.Dir, "AUDIT_DIR="+c.AuditDir, "ACTIVITY_STREAM="+c.Activity.Stream,
		"ACTIVITY_CLAIM_IDLE="+c.Activity.ClaimIdle.String(), "CONSUMER_RETRY_BASE="+c.Activity.RetryBase.String(),
		"CONSUMER_RETRY_MAX="+c.Activity.RetryMax.String(), "BREAKER_OPEN_FOR="+c.Reliability.BreakerOpenFor.String(),
		"WORKER_ADDR="+c.Activity.WorkerAddr, "LOG_LEVEL=warn",
	)
	if e.workerLg == nil {
		f, err := os.Create(e.t.TempDir() + "/worker.log")
		if err != nil {
			e.t.Fatal(err)
		}
		e.workerLg = f
	}
	cmd := exec.Command(os.Args[0])
	cmd.Env = env
	cmd.Stdout, cmd.Stderr = e.workerLg, e.workerLg
	if err := cmd.Start(); err != nil {
		e.t.Fatalf("start worker: %v", err)
	}
	e.worker = cmd
}

// killWorker kills the worker the hard way, mid-batch if it has one.
func (e *chaosEnv) killWorker() {
	if e.worker != nil && e.worker.Process != nil {
		_ = e.worker.Process.Kill()
		_ = e.worker.Wait()
		e.worker = nil
	}
}

// in runs one phase: fault starts the fault, heal ends it after hold
// (nil: the fault heals itself), and probe, when given, measures how long the
// affected path takes to answer normally again.
func (e *chaosEnv) in(name string, hold time.Duration, fault, heal func(), probe func() bool) {
	if only := os.Getenv("CHAOS_ONLY"); only != "" && fault != nil && !strings.Contains(name, only) {
		return // while working on one fault: CHAOS_ONLY=redis make test-chaos
	}
	row := &phaseRow{name: name, codes: map[int]int{}}
	e.mu.Lock()
	e.phase = row
	e.rows = append(e.rows, row)
	e.mu.Unlock()
	start := time.Now()
	if fault != nil {
		fault()
	}
	if rest := hold - time.Since(start); rest > 0 {
		time.Sleep(rest)
	}
	if heal != nil {
		heal()
	}
	// Neo4j or OpenSearch out: readiness (and any fallback answer) says so.
	if (strings.HasPrefix(name, "neo4j") || strings.HasPrefix(name, "opensearch")) && row.degraded == 0 {
		e.mu.Lock()
		row.fault("no answer marked degraded during the outage")
		e.mu.Unlock()
	}
	if probe == nil {
		return
	}
	healed := time.Now()
	for !probe() {
		if time.Since(healed) > recoveryBound {
			e.mu.Lock()
			row.fault("not recovered %v after the fault ended", recoveryBound)
			e.mu.Unlock()
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	e.mu.Lock()
	row.recovery = time.Since(healed)
	e.mu.Unlock()
}

// do sends one request and records what came back against the current
// phase. It returns the status (0 when there was no answer) and the body.
func (e *chaosEnv) do(method, path, tok string, hdr map[string]string, body string, budget time.Duration) (int, []byte) {
	req, _ := http.NewRequest(method, e.base+path, strings.NewReader(body))
	req.Header.Set("Authorization", tok)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	start := time.Now()
	resp, err := (&http.Client{Timeout: 20 * time.Second}).Do(req)
	took := time.Since(start)
	var b []byte
	if err == nil {
		b, _ = io.ReadAll(resp.Body)
		resp.Body.Close()
	}
	what := method + " " + strings.SplitN(path, "?", 2)[0]
	e.mu.Lock()
	defer e.mu.Unlock()
	r := e.phase
	r.sent++
	if err != nil {
		r.codes[0]++
		r.fault("%s: no answer after %v: %v", what, took.Round(time.Millisecond), err)
		return 0, nil
	}
	r.codes[resp.StatusCode]++
	if took > r.slowest {
		r.slowest, r.slowWhat = took, what
	}
	if resp.Header.Get("X-Degraded") != "" || path == "/readyz" && strings.Contains(string(b), `"status":"degraded"`) {
		r.degraded++
	}
	switch c := resp.StatusCode; {
	case c == 503 && resp.Header.Get("Retry-After") == "":
		r.fault("%s: 503 without Retry-After", what)
	case c >= 500 && c != 503:
		r.fault("%s: %d %s", what, c, b)
	case c == 409 && method == "POST": // the same Idempotency-Key still running: retried
	case c >= 400 && c != 503:
		r.fault("%s: unexpected %d %s", what, c, b)
	}
	if took > budget+slack {
		r.fault("%s: %d after %v, budget %v", what, resp.StatusCode, took.Round(time.Millisecond), budget)
	}
	return resp.StatusCode, b
}

// startLoad runs one client per shopper until stop is called: events in
// batches, feed, search, recommendations, followers, posts with an
// Idempotency-Key, product PUTs and readiness, each retried (same IDs, same
// key) until acknowledged, as a careful client would.
func (e *chaosEnv) startLoad() (*sync.WaitGroup, func()) {
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for i := range chaosUsers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := &loadClient{e: e, uid: e.idb + int64(i), tok: e.toks[i]}
			for n := 0; ; n++ {
				select {
				case <-stop:
					e.mu.Lock()
					e.pending = append(e.pending, c)
					e.mu.Unlock()
					return
				default:
				}
				c.step(n)
				time.Sleep(time.Duration(20+rand.IntN(40)) * time.Millisecond)
			}
		}()
	}
	return &wg, func() { close(stop) }
}

// loadClient is one shopper's client with what it still has to retry.
type loadClient struct {
	e       *chaosEnv
	uid     int64
	tok     string
	events  []string // event bodies not yet acknowledged
	ids     []string
	postKey string
	put     int64 // product whose PUT is not yet acknowledged, 0 for none
	putN    int
}

func (c *loadClient) step(n int) {
	e, rel := c.e, c.e.cfg.Reliability
	switch n % 8 {
	case 0, 4:
		c.sendEvents()
	case 1:
		e.do("GET", "/v1/feed", c.tok, nil, "", rel.ReadBudget)
	case 2:
		if n%16 == 2 {
			e.do("GET", "/v1/search?q=shirt", c.tok, nil, "", rel.ReadBudget)
		} else {
			c.suggest()
		}
	case 3:
		e.do("GET", "/v1/recommendations", c.tok, nil, "", rel.ReadBudget)
	case 5:
		e.do("GET", fmt.Sprintf("/v1/users/%d/followers", c.uid), c.tok, nil, "", rel.ReadBudget)
	case 6:
		c.sendPost()
	case 7:
		if n%16 == 7 {
			c.sendPut()
		} else {
			e.do("GET", "/readyz", "", nil, "", time.Second)
		}
	}
}

// suggest asks for autocomplete; with OpenSearch out it must still answer,
// from the suggestions kept in Redis.
func (c *loadClient) suggest() {
	e := c.e
	code, _ := e.do("GET", "/v1/search/suggest?q=chaos", c.tok, nil, "", e.cfg.Reliability.ReadBudget)
	e.mu.Lock()
	defer e.mu.Unlock()
	if strings.HasPrefix(e.phase.name, "opensearch") && code != 200 {
		e.phase.fault("GET /v1/search/suggest: %d with OpenSearch out, want the suggestions kept in Redis", code)
	}
}

func (c *loadClient) sendEvents() bool {
	e := c.e
	if c.events == nil {
		c.newEvents(5)
	}
	code, b := e.do("POST", "/v1/events", c.tok, nil, "["+strings.Join(c.events, ",")+"]", e.cfg.Reliability.WriteBudget)
	if code != 202 {
		return false
	}
	var out struct {
		Results []struct {
			ID, Status string
		}
	}
	if err := json.Unmarshal(b, &out); err != nil {
		e.t.Errorf("events answer: %v %s", err, b)
		return false
	}
	e.mu.Lock()
	for _, r := range out.Results {
		if r.Status == "accepted" || r.Status == "duplicate" {
			e.acked[r.ID] = true
		} else {
			e.phase.fault("event %s: %s", r.ID, r.Status)
		}
	}
	e.mu.Unlock()
	c.events, c.ids = nil, nil
	return true
}

// newEvents makes a batch of n product views with new IDs.
func (c *loadClient) newEvents(n int) {
	for range n {
		id := uuid.NewString()
		c.ids = append(c.ids, id)
		c.events = append(c.events, fmt.Sprintf(`{"id":%q,"type":"view","target":{"kind":"product","id":%d}}`,
			id, c.e.product(rand.IntN(chaosProducts))))
	}
}

func (c *loadClient) sendPost() bool {
	e := c.e
	if c.postKey == "" {
		c.postKey = uuid.NewString()
	}
	code, _ := e.do("POST", "/v1/posts", c.tok, map[string]string{"Idempotency-Key": c.postKey},
		fmt.Sprintf(`{"title":"chaos %s"}`, c.postKey), e.cfg.Reliability.WriteBudget)
	if code != 201 {
		return false
	}
	e.mu.Lock()
	e.posts[c.postKey] = true
	e.mu.Unlock()
	c.postKey = ""
	return true
}

func (c *loadClient) sendPut() bool {
	e := c.e
	if c.put == 0 {
		c.put = e.product(rand.IntN(chaosProducts - 1)) // the last is abandonPut's
		c.putN++
	}
	code, _ := e.do("PUT", fmt.Sprintf("/v1/products/%d", c.put), e.merch, nil,
		fmt.Sprintf(`{"title":"chaos shirt %d %d","price":12,"currency":"EUR"}`, c.uid, c.putN), e.cfg.Reliability.WriteBudget)
	if code != 200 {
		return false
	}
	e.mu.Lock()
	e.putTitle[c.put] = true
	e.mu.Unlock()
	c.put = 0
	return true
}

// abandonPut rewrites the last product while OpenSearch is down and never
// sends it again: the graph takes it, the index does not, and only the
// reconciler can repair that.
func (e *chaosEnv) abandonPut() {
	code, _ := e.do("PUT", fmt.Sprintf("/v1/products/%d", e.product(chaosProducts-1)), e.merch, nil,
		`{"title":"abandoned rewrite","price":13,"currency":"EUR"}`, e.cfg.Reliability.WriteBudget)
	e.abandon <- code
}

// abandonFeedWrites likes one post and deletes another while Redis is down
// and never sends either again: the graph takes both, the cached feed
// objects do not, and only the reconciler can repair that.
func (e *chaosEnv) abandonFeedWrites() {
	like, _ := e.do("PUT", fmt.Sprintf("/v1/posts/%d/like", e.likedPost), e.toks[1], nil, "", e.cfg.Reliability.WriteBudget)
	del, _ := e.do("DELETE", fmt.Sprintf("/v1/posts/%d", e.deletedPost), e.merch, nil, "", e.cfg.Reliability.WriteBudget)
	e.abandonFeed <- [2]int{like, del}
}

// hangUps sends writes whose callers hang up after a few milliseconds, then
// sends each again (same event IDs, same Idempotency-Key) until it is
// acknowledged: nothing may be lost, doubled or left half written.
func (e *chaosEnv) hangUps(d time.Duration) {
	c := &loadClient{e: e, uid: e.idb, tok: e.toks[0]}
	for end := time.Now().Add(d); time.Now().Before(end); {
		// What was hung up on last time is sent again, as a client would,
		// and only what was acknowledged makes room for a new write.
		if c.events == nil || c.sendEvents() {
			c.newEvents(5)
		}
		if c.postKey == "" || c.sendPost() {
			c.postKey = uuid.NewString()
		}
		if c.put == 0 || c.sendPut() {
			c.put = e.product(rand.IntN(chaosProducts - 1))
			c.putN++
		}
		for _, req := range []struct{ method, path, tok, body string }{
			{"POST", "/v1/events", c.tok, "[" + strings.Join(c.events, ",") + "]"},
			{"POST", "/v1/posts", c.tok, fmt.Sprintf(`{"title":"chaos %s"}`, c.postKey)},
			{"PUT", fmt.Sprintf("/v1/products/%d", c.put), e.merch, fmt.Sprintf(`{"title":"chaos shirt %d %d","price":12,"currency":"EUR"}`, c.uid, c.putN)},
		} {
			ctx, cancel := context.WithTimeout(context.Background(), time.Duration(1+rand.IntN(30))*time.Millisecond)
			r, _ := http.NewRequestWithContext(ctx, req.method, e.base+req.path, strings.NewReader(req.body))
			r.Header.Set("Authorization", req.tok)
			r.Header.Set("Content-Type", "application/json")
			if req.path == "/v1/posts" {
				r.Header.Set("Idempotency-Key", c.postKey)
			}
			if resp, err := http.DefaultClient.Do(r); err == nil {
				resp.Body.Close()
			}
			cancel()
		}
	}
	e.mu.Lock()
	e.pending = append(e.pending, c)
	e.mu.Unlock()
}

// drain retries what every client still holds until it is acknowledged.
func (e *chaosEnv) drain() {
	e.in("after: clients retry what is left", 0, nil, nil, nil)
	for _, c := range e.pending {
		for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(200 * time.Millisecond) {
			ok := (c.events == nil || c.sendEvents()) && (c.postKey == "" || c.sendPost()) && (c.put == 0 || c.sendPut())
			if ok {
				break
			}
			if time.Now().After(deadline) {
				e.t.Errorf("client %d: writes still refused 30s after the last fault", c.uid)
				break
			}
		}
	}
}

// settle waits until the graph writer has applied everything in the stream.
func (e *chaosEnv) settle() {
	e.t.Helper()
	log, err := e.d.ActivityLog(context.Background())
	if err != nil {
		e.t.Fatal(err)
	}
	start := time.Now()
	for deadline := start.Add(60 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		n, err := log.Lag(context.Background(), e.cfg.Activity.GraphWriterGroup)
		if err == nil && n == 0 {
			e.t.Logf("graph writer caught up %v after the load stopped", time.Since(start).Round(time.Millisecond))
			return
		}
		if time.Now().After(deadline) {
			b, _ := os.ReadFile(e.workerLg.Name())
			e.t.Fatalf("graph writer lag %d (%v) 60s after the load stopped; worker log:\n%s", n, err, tail(b, 3000))
		}
	}
}

// verify compares what was acknowledged with what the stores hold.
func (e *chaosEnv) verify() {
	e.t.Helper()
	ctx := context.Background()
	g := testenv.Graph(e.t)
	one := func(q string) int64 {
		rows, err := g.Inspect(ctx, q, map[string]any{"lo": e.idb, "hi": e.idb + chaosUsers})
		if err != nil || len(rows) != 1 {
			e.t.Fatalf("%s: %v", q, err)
		}
		n, _ := rows[0]["n"].(int64)
		return n
	}
	views := one(`MATCH (u:User)-[v:VIEWED]->(:Product) WHERE u.id >= $lo AND u.id < $hi RETURN sum(v.count) AS n`)
	posts := one(`MATCH (u:User)-[:POSTED]->(p:Post) WHERE u.id >= $lo AND u.id < $hi RETURN count(p) AS n`)
	e.t.Logf("events acknowledged %d, applied in the graph %d; posts acknowledged %d, in the graph %d", len(e.acked), views, len(e.posts), posts)
	if views != int64(len(e.acked)) {
		e.t.Errorf("events: %d acknowledged, %d applied in the graph (lost or doubled)", len(e.acked), views)
	}
	if posts != int64(len(e.posts)) {
		e.t.Errorf("posts: %d acknowledged, %d in the graph (lost or doubled)", len(e.posts), posts)
	}
	if len(e.acked) == 0 || len(e.posts) == 0 {
		e.t.Errorf("nothing acknowledged: the load did not run")
	}
	// Drift: the reconciler repairs what the abandoned write left, then
	// every product in the index is the graph's.
	scope := graph.Scope{From: e.product(0), To: e.product(chaosProducts - 1)}
	rep, err := reconcile.SearchIndex(ctx, g.Catalog, e.d.Search, reconcile.Options{Scope: scope})
	if err != nil {
		e.t.Fatalf("reconcile: %v", err)
	}
	e.t.Logf("reconcile: %v", rep)
	if code := <-e.abandon; code == 503 && rep.Drift() == 0 {
		e.t.Errorf("a PUT answered 503 with OpenSearch down, yet reconcile found no drift")
	}
	if err := e.d.Search.Refresh(ctx); err != nil {
		e.t.Fatal(err)
	}
	left, err := reconcile.SearchIndex(ctx, g.Catalog, e.d.Search, reconcile.Options{Scope: scope, DryRun: true})
	if err != nil {
		e.t.Fatalf("reconcile --dry-run: %v", err)
	}
	if left.Drift() != 0 || left.Products != chaosProducts {
		e.t.Errorf("drift left after reconcile: %v", left)
	}
	e.t.Logf("products written by PUT %d; drift left between graph and index %d", len(e.putTitle), left.Drift())

	// Feed objects: the reconciler re-renders the one whose like Redis
	// missed and buries the deleted post's, then none is out of step.
	fd := feeds.New(wiring.FeedGraph(g), e.d.Redis, nil, nil, e.d.FeedConfig(), e.d.Log)
	defer fd.Close()
	frep, err := reconcile.FeedObjects(ctx, fd, reconcile.Options{})
	if err != nil {
		e.t.Fatalf("reconcile feed objects: %v", err)
	}
	e.t.Logf("reconcile: %v", frep)
	codes := <-e.abandonFeed
	if codes[0] == 503 && frep.Stale == 0 {
		e.t.Errorf("a like answered 503 with Redis down, yet reconcile found no stale feed object")
	}
	if codes[1] == 503 && frep.Deleted == 0 {
		e.t.Errorf("a delete answered 503 with Redis down, yet reconcile found no deleted post's feed object")
	}
	fleft, err := reconcile.FeedObjects(ctx, fd, reconcile.Options{DryRun: true})
	if err != nil {
		e.t.Fatalf("reconcile feed objects --dry-run: %v", err)
	}
	if fleft.Drift() != 0 || fleft.Checked == 0 {
		e.t.Errorf("drift left after reconcile: %v", fleft)
	}
	e.t.Logf("like and delete while Redis was down answered %d and %d; drift left between graph and feed objects %d of %d", codes[0], codes[1], fleft.Drift(), fleft.Checked)
	e.drift = fmt.Sprintf("graph/index: %d found, %d left; graph/feed objects: %d found, %d left", rep.Drift(), left.Drift(), frep.Drift(), fleft.Drift())
}

// print writes the table: one row per fault.
func (e *chaosEnv) print() {
	var b strings.Builder
	fmt.Fprintf(&b, "\n%-34s %6s  %-34s %9s %-18s %8s %9s %s\n", "fault", "sent", "status codes", "slowest", "(what)", "degraded", "recovery", "failures")
	for _, r := range e.rows {
		var codes []string
		var ks []int
		for k := range r.codes {
			ks = append(ks, k)
		}
		sort.Ints(ks)
		for _, k := range ks {
			codes = append(codes, fmt.Sprintf("%d:%d", k, r.codes[k]))
		}
		rec := "-"
		if r.recovery > 0 {
			rec = r.recovery.Round(10 * time.Millisecond).String()
		}
		fmt.Fprintf(&b, "%-34s %6d  %-34s %9v %-18s %8d %9s %d\n", r.name, r.sent, strings.Join(codes, " "),
			r.slowest.Round(time.Millisecond), r.slowWhat, r.degraded, rec, len(r.faults))
	}
	if e.drift != "" {
		fmt.Fprintf(&b, "drift across stores after the faults: %s\n", e.drift)
	}
	e.t.Log(b.String())
}

// The probes tell when a healed dependency serves again.
func (e *chaosEnv) probeEvents() bool {
	if e.prober == nil {
		e.prober = &loadClient{e: e, uid: e.idb, tok: e.toks[0]}
		e.mu.Lock()
		e.pending = append(e.pending, e.prober)
		e.mu.Unlock()
	}
	if e.prober.events == nil {
		e.prober.newEvents(1)
	}
	return e.prober.sendEvents()
}

func (e *chaosEnv) probeGraph() bool {
	code, _ := e.do("GET", fmt.Sprintf("/v1/users/%d/followers", e.idb), e.toks[0], nil, "", e.cfg.Reliability.ReadBudget)
	return code == 200
}

func (e *chaosEnv) probeSearch() bool {
	code, _ := e.do("GET", "/v1/search?q=shirt", e.toks[0], nil, "", e.cfg.Reliability.ReadBudget)
	return code == 200
}
