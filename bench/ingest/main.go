// Command ingest benchmarks the activity pipeline against the real services:
// events per second accepted by POST /v1/events (batches of 100, the real API
// in-process on a free port, the real Redis) and applied to Neo4j by the
// graph writer. Each figure is printed next to a baseline measured in the
// same run on the same services — a raw pipelined XADD loop and
// redis-benchmark's XADD for the API, a raw batched UNWIND/MERGE for the
// graph writer — as a ratio. Run with `make bench-ingest`.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
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
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
	"github.com/redis/go-redis/v9"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/api"
	"github.com/stylegraph/stylegraph/auth"
	"github.com/stylegraph/stylegraph/config"
	"github.com/stylegraph/stylegraph/graph"
	"github.com/stylegraph/stylegraph/ingest"
)

const batch = 100

func main() {
	events := flag.Int("events", 20000, "events posted to the API")
	clients := flag.Int("clients", 4, "concurrent HTTP clients")
	graphEvents := flag.Int("graph-events", 10000, "events the graph writer applies (the first of those posted)")
	users := flag.Int("users", 200, "users in the fixture")
	products := flag.Int("products", 1000, "products in the fixture")
	flag.Parse()
	if err := run(*events, *clients, min(*graphEvents, *events), *users, *products); err != nil {
		fmt.Fprintln(os.Stderr, "bench-ingest:", err)
		os.Exit(1)
	}
}

type fixture struct {
	users, products []int64
}

func run(nEvents, clients, nGraph, nUsers, nProducts int) error {
	cfg, err := config.Load()
	if err != nil {
		return err
	}
	ctx := context.Background()
	rdb := redis.NewClient(&redis.Options{Addr: cfg.RedisAddr, Password: cfg.RedisPassword, DB: cfg.RedisDB, PoolSize: 4 * clients})
	defer rdb.Close()
	if err := rdb.Ping(ctx).Err(); err != nil {
		return fmt.Errorf("redis at %s: %w (run `make services`)", cfg.RedisAddr, err)
	}
	g, err := graph.Open(ctx, cfg.Neo4jURI, cfg.Neo4jUser, cfg.Neo4jPassword)
	if err != nil {
		return fmt.Errorf("%w (run `make services`)", err)
	}
	defer g.Close(ctx)
	if err := g.Migrate(ctx, slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
		return err
	}

	prefix := fmt.Sprintf("bench:ingest:%d:", time.Now().UnixNano())
	defer dropPrefix(rdb, prefix)
	fx, err := makeFixture(ctx, g, nUsers, nProducts)
	if err != nil {
		return err
	}
	defer fx.drop(g)

	bodies := makeBodies(fx, nEvents)
	sample := sampleEvent(fx)

	fmt.Printf("stylegraph ingest benchmark: %d events in batches of %d, %d HTTP clients; %d applied to the graph\n\n", nEvents, batch, clients, nGraph)

	xadd, err := pipelinedXAdd(ctx, rdb, prefix+"raw", sample, nEvents, clients)
	if err != nil {
		return err
	}
	rb, rbErr := redisBenchmark(cfg, prefix+"rb", sample, nEvents, clients)
	dropPrefix(rdb, prefix)

	log := ingest.NewRedisLog(rdb, ingest.RedisOptions{Stream: prefix + "events"})
	posted, err := postAll(cfg, log, bodies, clients)
	if err != nil {
		return err
	}

	raw, err := rawMerge(ctx, g, fx, nGraph)
	if err != nil {
		return err
	}
	applied, err := applyAll(ctx, rdb, g, prefix, nGraph, bodies)
	if err != nil {
		return err
	}

	fmt.Printf("%-44s %12s   %s\n", "measure", "events/s", "vs baseline")
	fmt.Printf("%-44s %12.0f\n", "baseline: go-redis pipelined XADD", xadd)
	if rbErr == nil {
		fmt.Printf("%-44s %12.0f\n", "baseline: redis-benchmark XADD -P 100", rb)
	} else {
		fmt.Printf("%-44s %12s   (%v)\n", "baseline: redis-benchmark XADD -P 100", "n/a", rbErr)
	}
	fmt.Printf("%-44s %12.0f   %.2f× pipelined XADD", "POST /v1/events (batches of 100)", posted, posted/xadd)
	if rbErr == nil {
		fmt.Printf(", %.2f× redis-benchmark", posted/rb)
	}
	fmt.Println()
	fmt.Printf("%-44s %12.0f\n", "baseline: raw UNWIND/MERGE, 100 rows a batch", raw)
	fmt.Printf("%-44s %12.0f   %.2f× raw UNWIND/MERGE\n", "graph writer (consumer, batches of 100)", applied, applied/raw)
	return nil
}

func makeFixture(ctx context.Context, g *graph.Store, nUsers, nProducts int) (*fixture, error) {
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
	if err := g.UpsertUsers(ctx, us); err != nil {
		return nil, err
	}
	if err := g.UpsertProducts(ctx, ps); err != nil {
		return nil, err
	}
	return fx, nil
}

// drop removes the fixture's users and products with their relationships.
func (fx *fixture) drop(g *graph.Store) {
	ctx := context.Background()
	for _, id := range fx.users {
		_, _ = g.DeleteUser(ctx, id)
	}
	for _, id := range fx.products {
		_, _ = g.DeleteProduct(ctx, id)
	}
}

// event returns a random event: mostly views, then likes, carts, purchases
// and follows.
func (fx *fixture) event(r *rand.Rand) ingest.Event {
	e := ingest.Event{ID: uuid.NewString(), UserID: fx.users[r.IntN(len(fx.users))], OccurredAt: time.Now().UTC()}
	product := &ingest.Target{Kind: ingest.KindProduct, ID: fx.products[r.IntN(len(fx.products))]}
	switch p := r.IntN(100); {
	case p < 60:
		e.Type, e.Target = ingest.View, product
	case p < 75:
		e.Type, e.Target = ingest.Like, product
	case p < 85:
		e.Type, e.Target, e.Data.Quantity = ingest.AddToCart, product, 1
	case p < 90:
		e.Type, e.Target, e.Data = ingest.Purchase, product, ingest.Data{Quantity: 1, Price: 29.9, Currency: "USD"}
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

func makeBodies(fx *fixture, n int) [][]byte {
	r := rand.New(rand.NewPCG(1, 2))
	var out [][]byte
	for start := 0; start < n; start += batch {
		var evs []ingest.Event
		for i := start; i < min(start+batch, n); i++ {
			evs = append(evs, fx.event(r))
		}
		b, _ := json.Marshal(evs)
		out = append(out, b)
	}
	return out
}

// sampleEvent is a typical stored event, the payload of the XADD baselines.
func sampleEvent(fx *fixture) []byte {
	e := fx.event(rand.New(rand.NewPCG(3, 4)))
	e.ReceivedAt = time.Now().UTC()
	b, _ := json.Marshal(e)
	return b
}

// pipelinedXAdd appends n copies of payload, batch per round trip, from
// clients goroutines.
func pipelinedXAdd(ctx context.Context, rdb *redis.Client, key string, payload []byte, n, clients int) (float64, error) {
	var next atomic.Int64
	var firstErr error
	var once sync.Once
	var wg sync.WaitGroup
	start := time.Now()
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				from := int(next.Add(batch)) - batch
				if from >= n {
					return
				}
				_, err := rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
					for i := from; i < min(from+batch, n); i++ {
						p.XAdd(ctx, &redis.XAddArgs{Stream: key, Values: []any{"e", payload}})
					}
					return nil
				})
				if err != nil {
					once.Do(func() { firstErr = err })
					return
				}
			}
		}()
	}
	wg.Wait()
	return float64(n) / time.Since(start).Seconds(), firstErr
}

// redisBenchmark runs redis-benchmark with a custom XADD of payload.
func redisBenchmark(cfg config.Config, key string, payload []byte, n, clients int) (float64, error) {
	host, port, err := net.SplitHostPort(cfg.RedisAddr)
	if err != nil {
		return 0, err
	}
	args := []string{"-h", host, "-p", port, "-n", strconv.Itoa(n), "-c", strconv.Itoa(clients), "-P", strconv.Itoa(batch),
		"--dbnum", strconv.Itoa(cfg.RedisDB), "--csv", "XADD", key, "*", "e", string(payload)}
	cmd := exec.Command("redis-benchmark", args...)
	if cfg.RedisPassword != "" {
		cmd.Env = append(os.Environ(), "REDISCLI_AUTH="+cfg.RedisPassword)
	}
	out, err := cmd.Output()
	if err != nil {
		return 0, fmt.Errorf("redis-benchmark: %w", err)
	}
	// The CSV's first column repeats the command unescaped, payload quotes
	// included, so read the figures from the end of the last line.
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	fields := strings.Split(strings.Trim(lines[len(lines)-1], `"`), `","`)
	if len(fields) < 8 {
		return 0, fmt.Errorf("unexpected redis-benchmark output %q", out)
	}
	return strconv.ParseFloat(fields[len(fields)-7], 64)
}

// postAll serves the real API in-process and posts bodies from clients
// goroutines; it returns accepted events per second.
func postAll(cfg config.Config, log *ingest.RedisLog, bodies [][]byte, clients int) (float64, error) {
	srv := api.New(api.Options{
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Auth:   auth.New(cfg.JWTSecret, cfg.APIKeys),
		Events: ingest.NewIngester(log),
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Shutdown(context.Background())
	var key string
	for k := range cfg.APIKeys {
		key = k
	}
	if key == "" {
		return 0, errors.New("no service API key configured (STYLEGRAPH_API_KEYS)")
	}
	url := "http://" + ln.Addr().String() + "/v1/events"
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients}}

	var next, accepted atomic.Int64
	var firstErr error
	var once sync.Once
	var wg sync.WaitGroup
	start := time.Now()
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= len(bodies) {
					return
				}
				n, err := post(client, url, key, bodies[i])
				if err != nil {
					once.Do(func() { firstErr = err })
					return
				}
				accepted.Add(int64(n))
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	if firstErr != nil {
		return 0, firstErr
	}
	return float64(accepted.Load()) / elapsed.Seconds(), nil
}

func post(client *http.Client, url, key string, body []byte) (int, error) {
	req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	req.Header.Set("X-API-Key", key)
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	var out api.EventsResponse
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		return 0, err
	}
	if resp.StatusCode != http.StatusAccepted || out.Rejected > 0 {
		return 0, fmt.Errorf("POST /v1/events = %d with %d rejected", resp.StatusCode, out.Rejected)
	}
	return out.Accepted, nil
}

// rawMerge is the graph baseline: n follow edges between fixture users,
// written by the plain batched UNWIND/MATCH/MERGE statement, 100 rows a
// batch, from one writer like the consumer.
func rawMerge(ctx context.Context, g *graph.Store, fx *fixture, n int) (float64, error) {
	r := rand.New(rand.NewPCG(5, 6))
	edges := make([]graph.Follow, n)
	for i := range edges {
		a, b := fx.users[r.IntN(len(fx.users))], fx.users[r.IntN(len(fx.users))]
		edges[i] = graph.Follow{From: a, To: b, At: time.Now()}
	}
	start := time.Now()
	for from := 0; from < n; from += batch {
		if err := g.FollowUsers(ctx, edges[from:min(from+batch, n)]); err != nil {
			return 0, err
		}
	}
	return float64(n) / time.Since(start).Seconds(), nil
}

// applyAll lets one graph-writer consumer drain the first n posted events
// from a stream of their own and returns events applied per second.
func applyAll(ctx context.Context, rdb *redis.Client, g *graph.Store, prefix string, n int, bodies [][]byte) (float64, error) {
	var evs []ingest.Event
	for _, b := range bodies {
		var part []ingest.Event
		if err := json.Unmarshal(b, &part); err != nil {
			return 0, err
		}
		evs = append(evs, part...)
	}
	evs = evs[:n]
	log := ingest.NewRedisLog(rdb, ingest.RedisOptions{Stream: prefix + "graph"})
	for from := 0; from < n; from += 1000 {
		if err := log.Append(ctx, evs[from:min(from+1000, n)]); err != nil {
			return 0, err
		}
	}
	const group = "bench-graph-writer"
	c := ingest.NewConsumer(log, group, "bench", ingest.NewGraphWriter(g), ingest.ConsumerOptions{
		BatchSize: batch, Block: 100 * time.Millisecond, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
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
			return 0, err
		}
		if lag == 0 {
			break
		}
		if time.Now().After(deadline) {
			return 0, fmt.Errorf("graph writer still %d events behind after 10 minutes", lag)
		}
		time.Sleep(20 * time.Millisecond)
	}
	elapsed := time.Since(start)
	if dead, _ := log.DeadLetters(ctx, 1); len(dead) > 0 {
		return 0, fmt.Errorf("graph writer dead-lettered events: %s", dead[0].Error)
	}
	return float64(n) / elapsed.Seconds(), nil
}

func dropPrefix(rdb *redis.Client, prefix string) {
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
