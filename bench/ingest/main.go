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
	"net/http"
	"strconv"
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
	events := flag.Int("events", 20000, "events posted per run")
	clients := flag.Int("clients", 4, "concurrent clients")
	graphEvents := flag.Int("graph-events", 5000, "events the graph writer applies per run")
	users := flag.Int("users", 500, "shoppers posting (one token and client address each)")
	durable := flag.Bool("durability", true, "also measure appendfsync always and ACTIVITY_WAIT_REPLICAS against everysec, on Redis instances of the benchmark's own")
	products := flag.Int("products", 1000, "products in the fixture")
	harness.Main("ingest", func(o *harness.Options) error {
		if o.Short {
			*events, *graphEvents, *users, *products = min(*events, 2000), min(*graphEvents, 200), min(*users, 50), min(*products, 100)
		}
		return run(o, *events, *clients, *graphEvents, *users, *products, *durable)
	})
}

type fixture struct {
	users, products []int64
}

func run(o *harness.Options, nEvents, clients, nGraph, nUsers, nProducts int, durable bool) error {
	ctx := context.Background()
	env, err := harness.NewEnv("ingest")
	if err != nil {
		return err
	}
	defer env.Close()
	cfg := env.Cfg
	srv, err := env.StartServer(ctx, cfg)
	if err != nil {
		return err
	}
	rdb, g := srv.Deps.Redis, srv.Deps.Graph
	fx, err := makeFixture(ctx, g, nUsers, nProducts)
	if err != nil {
		return err
	}
	defer fx.drop(g)
	shoppers, err := srv.Shoppers(fx.users...)
	if err != nil {
		return err
	}
	key, err := srv.APIKey()
	if err != nil {
		return err
	}
	if err := o.Begin(); err != nil {
		return err
	}
	fmt.Printf("%d events a run in batches of %d from %d clients; %d shoppers, each with a token and a client address; one batch in ten is commerce from the backend's API key\n",
		nEvents, batch, clients, nUsers)

	// Every run appends fresh event IDs (a repeated ID is a duplicate), so
	// the batches are made before the clock starts: runs × cases of them.
	r := rand.New(rand.NewPCG(1, 2))
	nextBatches := func() []userBatch { return makeBatches(fx, r, nEvents) }
	httpc := harness.HTTPClient(clients)
	script := redis.NewScript(redisstream.AppendUniqueScript())
	sample := sampleEvent(fx)
	// The baselines write streams of their own (same dedup window and trim).
	minID := strconv.FormatInt(time.Now().Add(-cfg.Activity.Retention).UnixMilli(), 10)
	prefix := env.Prefix

	api := harness.Case{Name: "POST /v1/events (server as `serve` builds it)", Run: func(ctx context.Context) (harness.Sample, error) {
		return postAll(ctx, httpc, srv.URL, shoppers, key, nextBatches(), clients)
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
	xadd := harness.LoadCase("context: pipelined XADD, go-redis", clients, nEvents/batch, 0, func(ctx context.Context, i int) (int, error) {
		_, err := rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
			for range batch {
				p.XAdd(ctx, &redis.XAddArgs{Stream: prefix + "raw", Values: []any{"e", sample}})
			}
			return nil
		})
		return batch, err
	})
	rb := harness.Case{Name: "context: redis-benchmark XADD -P 100", Run: func(ctx context.Context) (harness.Sample, error) {
		// The same clients, a pipeline of one batch.
		return harness.RedisBenchmark(cfg, nEvents, "-c", strconv.Itoa(clients), "-P", strconv.Itoa(batch), "XADD", prefix+"rb", "*", "e", string(sample))
	}}
	if _, err := harness.Measure(ctx, o, "POST /v1/events vs the same script, XADD and redis-benchmark", "events/s", api, lua, xadd, rb); err != nil {
		return err
	}
	// Count the server's Redis round trips (single commands and pipelines)
	// and append scripts over one more run (concurrent requests share a
	// script when group commit gathers them).
	trips := harness.CountTrips(rdb, script.Hash())
	s, err := api.Run(ctx)
	n, scripts := trips.Stop()
	if err != nil {
		return err
	}
	reqs := float64(len(s.Latencies))
	fmt.Printf("   Redis round trips per POST /v1/events (one more run, %d clients): %.2f; append scripts per request %.2f, events per append script %.0f\n",
		clients, float64(n)/reqs, float64(scripts)/reqs, float64(s.Ops)/float64(max(scripts, 1)))

	if durable {
		if err := durability(ctx, o, cfg, env.Dir, fx, shoppers, key, nEvents, clients); err != nil {
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
	_, err = harness.Measure(ctx, o, "graph writer vs plain batched UNWIND/MERGE", "events/s", applied, raw)
	return err
}

// postAll posts the batches from clients concurrent callers: a shopper's
// with their token and address, the backend's with the API key from an
// address of its own.
func postAll(ctx context.Context, c *http.Client, url string, shoppers *harness.Shoppers, key string, bs []userBatch, clients int) (harness.Sample, error) {
	return harness.Drive(ctx, clients, len(bs), 0, func(ctx context.Context, i int) (int, error) {
		b := bs[i]
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, url+"/v1/events", bytes.NewReader(b.body))
		req.Header.Set("Content-Type", "application/json")
		if b.backend {
			req.Header.Set("X-API-Key", key)
			req.Header.Set("X-Forwarded-For", harness.ForwardedFor(shoppers.Len()))
		} else {
			shoppers.Sign(req, b.user)
		}
		body, err := harness.Call(c, req, http.StatusAccepted)
		if err != nil {
			return 0, err
		}
		var out api.EventsResponse
		if err := json.Unmarshal(body, &out); err != nil {
			return 0, fmt.Errorf("POST /v1/events: %w", err)
		}
		if out.Rejected > 0 {
			return 0, fmt.Errorf("POST /v1/events: %d rejected", out.Rejected)
		}
		return out.Accepted, nil
	})
}

func makeFixture(ctx context.Context, g *graph.Stores, nUsers, nProducts int) (*fixture, error) {
	base := harness.IDBase()
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
func (fx *fixture) event(r *rand.Rand, u int, commerce bool) stylegraph.Event {
	e := stylegraph.Event{ID: uuid.NewString(), UserID: fx.users[u], OccurredAt: time.Now().UTC()}
	product := &stylegraph.EventTarget{Kind: stylegraph.TargetProduct, ID: fx.products[r.IntN(len(fx.products))]}
	switch p := r.IntN(100); {
	case commerce && p < 70:
		e.Type, e.Target, e.Data.Quantity = stylegraph.EventAddToCart, product, 1
	case commerce:
		e.Type, e.Target, e.Data = stylegraph.EventPurchase, product, stylegraph.EventData{Quantity: 1, Price: 29.9, Currency: "USD"}
	case p < 70:
		e.Type, e.Target = stylegraph.EventView, product
	case p < 88:
		e.Type, e.Target = stylegraph.EventLike, product
	default:
		to := fx.users[r.IntN(len(fx.users))]
		for to == e.UserID {
			to = fx.users[r.IntN(len(fx.users))]
		}
		e.Type, e.Target = stylegraph.EventFollow, &stylegraph.EventTarget{Kind: stylegraph.TargetUser, ID: to}
	}
	e.Context = stylegraph.EventContext{Session: uuid.NewString()[:8], Device: "ios", App: "shop"}
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
		var evs []stylegraph.Event
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
	evs := make([]stylegraph.Event, n)
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
