// Command ingest benchmarks the activity pipeline against the real services,
// each figure next to same-work baselines measured in the same rounds:
//
//   - POST /v1/events (batches of 100, posted by many shoppers with their own
//     tokens from many client addresses) on the server `stylegraph serve`
//     builds, defaults on (rate limits, dedup, retention), next to the same
//     dedup+append Lua script called from go-redis with the same batches and
//     clients, a pipelined raw XADD, and redis-benchmark's XADD;
//   - POST /v1/events with Redis at appendfsync always, and with one replica
//     and ACTIVITY_WAIT_REPLICAS=1, each next to appendfsync everysec (the
//     default), on Redis instances of the benchmark's own (durability.go);
//   - the graph writer consumer applying events to Neo4j next to the plain
//     batched UNWIND/MERGE.
//
// Run with `make bench-ingest` (`BENCH_ARGS=-short` for the smoke test).
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
	"github.com/redis/go-redis/v9"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/api"
	"github.com/stylegraph/stylegraph/bench/harness"
	"github.com/stylegraph/stylegraph/graph"
	"github.com/stylegraph/stylegraph/ingest"
	"github.com/stylegraph/stylegraph/ingest/redisstream"
)

const batch = 100

func main() {
	o := harness.Flags(nil)
	events := flag.Int("events", 20000, "events posted per run")
	clients := flag.Int("clients", 4, "concurrent clients")
	graphEvents := flag.Int("graph-events", 5000, "events the graph writer applies per run")
	users := flag.Int("users", 500, "shoppers posting (one token and client address each)")
	durable := flag.Bool("durability", true, "also measure appendfsync always and ACTIVITY_WAIT_REPLICAS against everysec, on Redis instances of the benchmark's own")
	products := flag.Int("products", 1000, "products in the fixture")
	flag.Parse()
	o.Parse(nil)
	if o.Short {
		*events, *graphEvents, *users, *products = min(*events, 2000), min(*graphEvents, 200), min(*users, 50), min(*products, 100)
	}
	if err := run(o, *events, *clients, *graphEvents, *users, *products, *durable); err != nil {
		fmt.Fprintln(os.Stderr, "bench-ingest:", err)
		os.Exit(1)
	}
}

type fixture struct {
	users, products []int64
}

func run(o *harness.Options, nEvents, clients, nGraph, nUsers, nProducts int, durable bool) error {
	ctx := context.Background()
	prefix := fmt.Sprintf("bench:ingest:%d:", time.Now().UnixNano())
	dir, err := os.MkdirTemp("", "bench-ingest-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	cfg, err := harness.Config(prefix, dir)
	if err != nil {
		return err
	}
	srv, err := harness.StartServer(ctx, cfg)
	if err != nil {
		return err
	}
	defer srv.Close()
	rdb, g := srv.Deps.Redis, srv.Deps.Graph
	defer dropPrefix(rdb, prefix)
	fx, err := makeFixture(ctx, g, nUsers, nProducts)
	if err != nil {
		return err
	}
	defer fx.drop(g)
	tokens, err := srv.Tokens(stylegraph.RoleShopper, fx.users...)
	if err != nil {
		return err
	}
	key, err := srv.APIKey()
	if err != nil {
		return err
	}
	stop, err := o.StartProfile()
	if err != nil {
		return err
	}
	defer stop()

	harness.Header(os.Stdout, o, "ingest")
	fmt.Printf("%d events a run in batches of %d from %d clients; %d shoppers, each with a token and a client address; one batch in ten is commerce from the backend's API key\n",
		nEvents, batch, clients, nUsers)

	// Every run appends fresh event IDs (a repeated ID is a duplicate), so
	// the batches are made before the clock starts: runs × cases of them.
	r := rand.New(rand.NewPCG(1, 2))
	nextBatches := func() []userBatch { return makeBatches(fx, r, nEvents) }
	httpc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients}}
	script := redis.NewScript(redisstream.AppendUniqueScript())
	sample := sampleEvent(fx)
	// The baselines write streams of their own (same dedup window and trim).
	minID := strconv.FormatInt(time.Now().Add(-cfg.Activity.Retention).UnixMilli(), 10)

	api := harness.Case{Name: "POST /v1/events (server as `serve` builds it)", Run: func(ctx context.Context) (harness.Sample, error) {
		bs := nextBatches()
		return harness.Drive(ctx, clients, len(bs), 0, func(ctx context.Context, i int) (int, error) {
			b := bs[i]
			if b.backend {
				return post(ctx, httpc, srv.URL+"/v1/events", "X-API-Key", key, harness.ForwardedFor(len(tokens)), b.body)
			}
			return post(ctx, httpc, srv.URL+"/v1/events", "Authorization", "Bearer "+tokens[b.user], harness.ForwardedFor(b.user), b.body)
		})
	}}
	lua := harness.Case{Name: "baseline: same Lua dedup+append, go-redis", Run: func(ctx context.Context) (harness.Sample, error) {
		bs := nextBatches()
		stream := prefix + "lua"
		return harness.Drive(ctx, clients, len(bs), 0, func(ctx context.Context, i int) (int, error) {
			keys, lead := redisstream.AppendUniqueArgs(stream, cfg.Activity.DedupWindow, minID, time.Now())
			args := make([]any, 0, 2*len(bs[i].stored)+len(lead))
			args = append(args, lead...)
			for j, b := range bs[i].stored {
				args = append(args, bs[i].ids[j], b)
			}
			res, err := script.Run(ctx, rdb, keys, args...).Slice()
			return len(res), err
		})
	}}
	xadd := harness.Case{Name: "context: pipelined XADD, go-redis", Run: func(ctx context.Context) (harness.Sample, error) {
		return harness.Drive(ctx, clients, nEvents/batch, 0, func(ctx context.Context, i int) (int, error) {
			_, err := rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
				for range batch {
					p.XAdd(ctx, &redis.XAddArgs{Stream: prefix + "raw", Values: []any{"e", sample}})
				}
				return nil
			})
			return batch, err
		})
	}}
	rb := harness.Case{Name: "context: redis-benchmark XADD -P 100", Run: func(ctx context.Context) (harness.Sample, error) {
		return redisBenchmark(cfg.RedisAddr, cfg.RedisPassword, cfg.RedisDB, prefix+"rb", sample, nEvents, clients)
	}}
	rep, err := harness.Compare(ctx, o, "POST /v1/events vs the same script, XADD and redis-benchmark", "events/s", api, lua, xadd, rb)
	if err != nil {
		return err
	}
	rep.Print(os.Stdout)
	trips, err := countTrips(ctx, rdb, api.Run, script.Hash())
	if err != nil {
		return err
	}
	fmt.Printf("   Redis round trips per POST /v1/events (one more run, %d clients): %.2f; append scripts per request %.2f, events per append script %.0f\n",
		clients, trips.perRequest, trips.scriptsPerRequest, trips.eventsPerScript)

	if durable {
		if err := durability(ctx, o, cfg, dir, fx, tokens, key, nEvents, clients); err != nil {
			return fmt.Errorf("durability: %w", err)
		}
	}

	// The graph writer: a consumer draining fresh events from a stream of
	// its own, next to the plain UNWIND/MERGE of as many follow edges.
	gr := rand.New(rand.NewPCG(5, 6))
	applied := harness.Case{Name: "graph writer (consumer, batches of 100)", Run: func(ctx context.Context) (harness.Sample, error) {
		return applyAll(ctx, rdb, g, prefix+"graph:"+uuid.NewString()[:8], fx, gr, nGraph)
	}}
	raw := harness.Case{Name: "baseline: UNWIND/MERGE, 100 rows a batch", Run: func(ctx context.Context) (harness.Sample, error) {
		return rawMerge(ctx, g, fx, gr, nGraph)
	}}
	rep, err = harness.Compare(ctx, o, "graph writer vs plain batched UNWIND/MERGE", "events/s", applied, raw)
	if err != nil {
		return err
	}
	rep.Print(os.Stdout)
	return nil
}

func makeFixture(ctx context.Context, g *graph.Stores, nUsers, nProducts int) (*fixture, error) {
	base := (1 + rand.Int64N(1<<32)) * 1_000_000
	fx := &fixture{}
	var us []stylegraph.User
	for i := range nUsers {
		id := base + int64(i) + 1
		fx.users = append(fx.users, id)
		us = append(us, stylegraph.User{ID: id, Name: "bench"})
	}
	var ps []stylegraph.Product
	for i := range nProducts {
		id := base + 500_000 + int64(i) + 1
		fx.products = append(fx.products, id)
		ps = append(ps, stylegraph.Product{ID: id, Title: "bench", Tags: []string{fmt.Sprintf("bench-ingest-%d", i%10)}, CreatedAt: time.Now()})
	}
	if err := g.Catalog.UpsertUsers(ctx, us); err != nil {
		return nil, err
	}
	if err := g.Catalog.UpsertProducts(ctx, ps); err != nil {
		return nil, err
	}
	return fx, nil
}

// drop removes the fixture's users and products with their relationships.
func (fx *fixture) drop(g *graph.Stores) {
	ctx := context.Background()
	for _, id := range fx.users {
		_, _ = g.Privacy.DeleteUser(ctx, id)
	}
	for _, id := range fx.products {
		_, _ = g.Catalog.DeleteProduct(ctx, id)
	}
}

// event returns a random event by user u. Shoppers' apps send views, likes
// and follows; carts and purchases (commerce) come from the shop's backend
// with its API key.
func (fx *fixture) event(r *rand.Rand, u int, commerce bool) ingest.Event {
	e := ingest.Event{ID: uuid.NewString(), UserID: fx.users[u], OccurredAt: time.Now().UTC()}
	product := &ingest.Target{Kind: ingest.KindProduct, ID: fx.products[r.IntN(len(fx.products))]}
	switch p := r.IntN(100); {
	case commerce && p < 70:
		e.Type, e.Target, e.Data.Quantity = ingest.AddToCart, product, 1
	case commerce:
		e.Type, e.Target, e.Data = ingest.Purchase, product, ingest.Data{Quantity: 1, Price: 29.9, Currency: "USD"}
	case p < 70:
		e.Type, e.Target = ingest.View, product
	case p < 88:
		e.Type, e.Target = ingest.Like, product
	default:
		to := fx.users[r.IntN(len(fx.users))]
		for to == e.UserID {
			to = fx.users[r.IntN(len(fx.users))]
		}
		e.Type, e.Target = ingest.Follow, &ingest.Target{Kind: ingest.KindUser, ID: to}
	}
	e.Context = ingest.Context{Session: uuid.NewString()[:8], Device: "ios", App: "shop"}
	return e
}

// userBatch is one request: a shopper's events (or, with backend, the shop
// backend's commerce events for many shoppers) as the API receives them and
// as the log stores them (for the script baseline).
type userBatch struct {
	user    int
	backend bool
	body    []byte
	ids     []string
	stored  [][]byte
}

func makeBatches(fx *fixture, r *rand.Rand, n int) []userBatch {
	var out []userBatch
	for start := 0; start < n; start += batch {
		// One request in ten comes from the backend.
		b := userBatch{user: r.IntN(len(fx.users)), backend: r.IntN(10) == 0}
		var evs []ingest.Event
		for range min(batch, n-start) {
			u := b.user
			if b.backend {
				u = r.IntN(len(fx.users))
			}
			e := fx.event(r, u, b.backend)
			evs = append(evs, e)
			e.ReceivedAt = time.Now().UTC()
			raw, _ := json.Marshal(e)
			b.ids, b.stored = append(b.ids, e.ID), append(b.stored, raw)
		}
		b.body, _ = json.Marshal(evs)
		out = append(out, b)
	}
	return out
}

// sampleEvent is a typical stored event, the payload of the XADD baselines.
func sampleEvent(fx *fixture) []byte {
	e := fx.event(rand.New(rand.NewPCG(3, 4)), 0, false)
	e.ReceivedAt = time.Now().UTC()
	b, _ := json.Marshal(e)
	return b
}

func post(ctx context.Context, client *http.Client, url, authHeader, credential, ip string, body []byte) (int, error) {
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	req.Header.Set(authHeader, credential)
	req.Header.Set("X-Forwarded-For", ip)
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	var out api.EventsResponse
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		return 0, fmt.Errorf("POST /v1/events = %d: %w", resp.StatusCode, err)
	}
	if resp.StatusCode != http.StatusAccepted || out.Rejected > 0 {
		return 0, fmt.Errorf("POST /v1/events = %d with %d rejected", resp.StatusCode, out.Rejected)
	}
	return out.Accepted, nil
}

// redisBenchmark runs redis-benchmark's XADD of payload with the same
// clients and a pipeline of one batch.
func redisBenchmark(addr, password string, db int, key string, payload []byte, n, clients int) (harness.Sample, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return harness.Sample{}, err
	}
	args := []string{"-h", host, "-p", port, "-n", strconv.Itoa(n), "-c", strconv.Itoa(clients), "-P", strconv.Itoa(batch),
		"--dbnum", strconv.Itoa(db), "--csv", "XADD", key, "*", "e", string(payload)}
	cmd := exec.Command("redis-benchmark", args...)
	if password != "" {
		cmd.Env = append(os.Environ(), "REDISCLI_AUTH="+password)
	}
	start := time.Now()
	out, err := cmd.Output()
	if err != nil {
		return harness.Sample{}, fmt.Errorf("redis-benchmark (installed with Redis by `make services`): %w", err)
	}
	elapsed := time.Since(start)
	// The CSV's first column repeats the command unescaped, payload quotes
	// included, so read the rate from the end of the last line; the sample's
	// elapsed time is n over that rate (process start-up excluded).
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	fields := strings.Split(strings.Trim(lines[len(lines)-1], `"`), `","`)
	if len(fields) < 8 {
		return harness.Sample{}, fmt.Errorf("unexpected redis-benchmark output %q", out)
	}
	rps, err := strconv.ParseFloat(fields[len(fields)-7], 64)
	if err != nil || rps <= 0 {
		return harness.Sample{}, fmt.Errorf("redis-benchmark rate %q: %v", fields[len(fields)-7], err)
	}
	return harness.Sample{Ops: n, Elapsed: min(elapsed, time.Duration(float64(n)/rps*float64(time.Second)))}, nil
}

// rawMerge is the graph baseline: n follow edges between fixture users,
// written by the plain batched UNWIND/MATCH/MERGE statement, 100 rows a
// batch, from one writer like the consumer.
func rawMerge(ctx context.Context, g *graph.Stores, fx *fixture, r *rand.Rand, n int) (harness.Sample, error) {
	edges := make([]graph.Follow, n)
	for i := range edges {
		a, b := fx.users[r.IntN(len(fx.users))], fx.users[r.IntN(len(fx.users))]
		edges[i] = graph.Follow{From: a, To: b, At: time.Now()}
	}
	start := time.Now()
	for from := 0; from < n; from += batch {
		if err := g.Seed.FollowUsers(ctx, edges[from:min(from+batch, n)]); err != nil {
			return harness.Sample{}, err
		}
	}
	return harness.Sample{Ops: n, Elapsed: time.Since(start)}, nil
}

// applyAll lets one graph-writer consumer drain n fresh events from a stream
// of its own.
func applyAll(ctx context.Context, rdb redis.UniversalClient, g *graph.Stores, stream string, fx *fixture, r *rand.Rand, n int) (harness.Sample, error) {
	evs := make([]ingest.Event, n)
	for i := range evs {
		evs[i] = fx.event(r, r.IntN(len(fx.users)), r.IntN(10) == 0)
	}
	log := redisstream.New(rdb, redisstream.Options{Stream: stream})
	for from := 0; from < n; from += 1000 {
		if err := log.Append(ctx, evs[from:min(from+1000, n)]); err != nil {
			return harness.Sample{}, err
		}
	}
	const group = "bench-graph-writer"
	c := ingest.NewConsumer(log, group, "bench", graph.NewEventWriter(g.Activity), ingest.ConsumerOptions{
		BatchSize: batch, Block: 20 * time.Millisecond, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	start := time.Now()
	go func() { c.Run(runCtx); close(done) }()
	defer func() { stop(); <-done }()
	deadline := start.Add(10 * time.Minute)
	for {
		lag, err := log.Lag(ctx, group)
		if err != nil {
			return harness.Sample{}, err
		}
		if lag == 0 {
			break
		}
		if time.Now().After(deadline) {
			return harness.Sample{}, fmt.Errorf("graph writer still %d events behind after 10 minutes", lag)
		}
		time.Sleep(5 * time.Millisecond)
	}
	elapsed := time.Since(start)
	if dead, _ := log.DeadLetters(ctx, 1); len(dead) > 0 {
		return harness.Sample{}, fmt.Errorf("graph writer dead-lettered events: %s", dead[0].Error)
	}
	return harness.Sample{Ops: n, Elapsed: elapsed}, nil
}

func dropPrefix(rdb redis.UniversalClient, prefix string) {
	ctx := context.Background()
	iter := rdb.Scan(ctx, 0, prefix+"*", 1000).Iterator()
	var keys []string
	for iter.Next(ctx) {
		keys = append(keys, iter.Val())
		if len(keys) == 1000 {
			rdb.Unlink(ctx, keys...)
			keys = keys[:0]
		}
	}
	if len(keys) > 0 {
		rdb.Unlink(ctx, keys...)
	}
}

// trips is what one run of the API case asked of Redis.
type trips struct {
	perRequest, scriptsPerRequest, eventsPerScript float64
}

// countTrips runs the API case once more, counting the server's Redis round
// trips (single commands and pipelines) and its append scripts (concurrent
// requests share one when group commit gathers them).
func countTrips(ctx context.Context, rdb redis.UniversalClient, run func(ctx context.Context) (harness.Sample, error), appendSHA string) (trips, error) {
	h := &tripCounter{sha: appendSHA}
	rdb.AddHook(h)
	defer h.off.Store(true)
	s, err := run(ctx)
	if err != nil {
		return trips{}, err
	}
	n, scripts := float64(len(s.Latencies)), float64(h.scripts.Load())
	return trips{perRequest: float64(h.n.Load()) / n, scriptsPerRequest: scripts / n, eventsPerScript: float64(s.Ops) / max(scripts, 1)}, nil
}

// tripCounter is a go-redis hook counting round trips and append scripts
// until off.
type tripCounter struct {
	sha        string
	n, scripts atomic.Int64
	off        atomic.Bool
}

func (h *tripCounter) DialHook(next redis.DialHook) redis.DialHook { return next }
func (h *tripCounter) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		if !h.off.Load() {
			h.n.Add(1)
			if a := cmd.Args(); len(a) > 1 && (cmd.Name() == "evalsha" || cmd.Name() == "eval") && a[1] == h.sha {
				h.scripts.Add(1)
			}
		}
		return next(ctx, cmd)
	}
}
func (h *tripCounter) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		if !h.off.Load() {
			h.n.Add(1)
		}
		return next(ctx, cmds)
	}
}
