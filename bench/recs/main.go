// Command recs benchmarks GET /v1/recommendations through the real API on
// the seeded graph (`stylegraph seed --users … --products … --interactions
// …`), next to a bare Cypher round trip (RETURN 1) measured in the same run:
//
//	(a) live: every request traverses the graph (collaborative, social,
//	    interest, trending, then the product cards);
//	(b) precomputed: lists stored by the recompute job, read from Redis, with
//	    exclusions and cards still live;
//	(c) baseline: the bare Cypher round trip under the same concurrency.
//
// For (a) and (b) it reports p50/p99 latency, requests per second and the
// share of request time spent waiting on Neo4j (summed over a request's
// parallel queries, so it can exceed 100%). Run with `make bench-recs`. It
// reads the seeded shoppers and writes only Redis keys under its own prefix,
// which it deletes at the end.
package main

import (
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
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/api"
	"github.com/stylegraph/stylegraph/auth"
	"github.com/stylegraph/stylegraph/config"
	"github.com/stylegraph/stylegraph/graph"
	"github.com/stylegraph/stylegraph/recommend"
)

func main() {
	clients := flag.Int("clients", 8, "concurrent clients")
	duration := flag.Duration("duration", 10*time.Second, "how long each run lasts")
	sample := flag.Int("users", 500, "active shoppers to ask for")
	maxID := flag.Int64("max-id", 1_000_000, "seeded shoppers have IDs 1…max-id")
	flag.Parse()
	if err := run(*clients, *duration, *sample, *maxID); err != nil {
		fmt.Fprintln(os.Stderr, "bench-recs:", err)
		os.Exit(1)
	}
}

// timed wraps the graph and adds up the time spent in each call.
type timed struct {
	*graph.Store
	ns atomic.Int64
}

func (t *timed) add(start time.Time) { t.ns.Add(int64(time.Since(start))) }

func (t *timed) Collaborative(ctx context.Context, u int64, p graph.RecParams) ([]graph.Candidate, error) {
	defer t.add(time.Now())
	return t.Store.Collaborative(ctx, u, p)
}
func (t *timed) ItemBased(ctx context.Context, u int64, p graph.RecParams) ([]graph.Candidate, error) {
	defer t.add(time.Now())
	return t.Store.ItemBased(ctx, u, p)
}
func (t *timed) Social(ctx context.Context, u int64, p graph.RecParams) ([]graph.Candidate, error) {
	defer t.add(time.Now())
	return t.Store.Social(ctx, u, p)
}
func (t *timed) Interest(ctx context.Context, u int64, p graph.RecParams) ([]graph.Candidate, error) {
	defer t.add(time.Now())
	return t.Store.Interest(ctx, u, p)
}
func (t *timed) TrendingProducts(ctx context.Context, c string, p graph.RecParams) ([]graph.Candidate, error) {
	defer t.add(time.Now())
	return t.Store.TrendingProducts(ctx, c, p)
}
func (t *timed) Cards(ctx context.Context, u int64, ids []int64) (map[int64]graph.Card, error) {
	defer t.add(time.Now())
	return t.Store.Cards(ctx, u, ids)
}

func run(clients int, duration time.Duration, sample int, maxID int64) error {
	ctx := context.Background()
	cfg, err := config.Load()
	if err != nil {
		return err
	}
	g, err := graph.Open(ctx, cfg.Neo4jURI, cfg.Neo4jUser, cfg.Neo4jPassword)
	if err != nil {
		return fmt.Errorf("%w (run `make services`)", err)
	}
	defer g.Close(ctx)
	rdb := redis.NewClient(&redis.Options{Addr: cfg.RedisAddr, Password: cfg.RedisPassword, DB: cfg.RedisDB, PoolSize: 64})
	defer rdb.Close()
	if err := rdb.Ping(ctx).Err(); err != nil {
		return fmt.Errorf("redis: %w (run `make services`)", err)
	}
	scope := graph.Scope{From: 1, To: maxID}
	active, err := g.ActiveUsers(ctx, scope, time.Now().Add(-30*24*time.Hour))
	if err != nil {
		return err
	}
	if len(active) == 0 {
		return fmt.Errorf("no active shoppers with IDs 1…%d: seed first, e.g. `stylegraph seed --users 20000 --products 8000 --interactions 400000`", maxID)
	}
	rand.Shuffle(len(active), func(i, j int) { active[i], active[j] = active[j], active[i] })
	users := active[:min(sample, len(active))]
	fmt.Printf("graph: %d active shoppers in 1…%d; asking for %d of them, %d clients, %s per run\n", len(active), maxID, len(users), clients, duration)

	prefix := fmt.Sprintf("bench:recs:%d:", time.Now().UnixNano())
	defer cleanup(rdb, prefix)
	rc := recommend.DefaultConfig()
	rc.Weights = cfg.Recs.Weights
	tg := &timed{Store: g}

	// (c) first, on a quiet database: the bare Cypher round trip.
	base := load(clients, duration, users, func(context.Context, int64) error { return g.Ping(ctx) })

	live := serveAndLoad(tg, recommend.New(tg, nil, rc), clients, duration, users)
	liveNeo := tg.ns.Swap(0)

	cache := recommend.NewCache(rdb, prefix, time.Hour)
	svc := recommend.New(g, nil, rc)
	start := time.Now()
	stored := 0
	for _, u := range users {
		ranked, err := svc.Rank(ctx, u, time.Time{}, 150)
		if err != nil {
			return err
		}
		if err := cache.Put(ctx, u, ranked, time.Now()); err != nil {
			return err
		}
		stored++
	}
	fmt.Printf("precomputed %d lists in %s (%.1f ms each, the batch job's cost per shopper)\n", stored, time.Since(start).Round(time.Millisecond), float64(time.Since(start).Milliseconds())/float64(stored))
	cached := serveAndLoad(tg, recommend.New(tg, cache, rc), clients, duration, users)
	cachedNeo := tg.ns.Swap(0)

	fmt.Println()
	fmt.Printf("%-44s %9s %9s %9s %13s %12s\n", "", "p50", "p99", "req/s", "in Neo4j", "p50 vs RTT")
	row := func(name string, r result, neo int64) {
		share := "—"
		if neo > 0 {
			share = fmt.Sprintf("%.0f%%", 100*float64(neo)/float64(r.total))
		}
		fmt.Printf("%-44s %9s %9s %9.0f %13s %11.1f×\n", name, ms(r.p50), ms(r.p99), r.rps, share, float64(r.p50)/float64(base.p50))
	}
	row("GET /v1/recommendations (live traversal)", live, liveNeo)
	row("GET /v1/recommendations (precomputed list)", cached, cachedNeo)
	row("baseline: bare Cypher round trip (RETURN 1)", base, 0)
	if live.errors+cached.errors > 0 {
		return fmt.Errorf("%d live and %d precomputed requests failed", live.errors, cached.errors)
	}
	return nil
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1fms", float64(d.Microseconds())/1000) }

// serveAndLoad serves the real API with svc on a free port and loads
// GET /v1/recommendations as shoppers would, each with their own token.
func serveAndLoad(tg *timed, svc *recommend.Service, clients int, duration time.Duration, users []int64) result {
	a := auth.New("bench-recs-secret-0123456789abcdef", nil)
	tokens := make(map[int64]string, len(users))
	for _, u := range users {
		tok, err := a.Mint(u, stylegraph.RoleShopper, time.Hour)
		if err != nil {
			panic(err)
		}
		tokens[u] = "Bearer " + tok
	}
	srv := api.New(api.Options{
		Logger:      slog.New(slog.NewJSONHandler(io.Discard, nil)),
		Auth:        a,
		Recommender: svc,
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Shutdown(context.Background())
	url := "http://" + ln.Addr().String() + "/v1/recommendations?limit=20"
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients}}
	tg.ns.Store(0)
	return load(clients, duration, users, func(ctx context.Context, u int64) error {
		req, _ := http.NewRequestWithContext(ctx, "GET", url, nil)
		req.Header.Set("Authorization", tokens[u])
		resp, err := client.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		var body api.RecommendationList
		if err := json.NewDecoder(resp.Body).Decode(&body); err != nil || resp.StatusCode != 200 {
			return fmt.Errorf("status %d: %v", resp.StatusCode, err)
		}
		return nil
	})
}

type result struct {
	p50, p99 time.Duration
	rps      float64
	total    time.Duration // summed latencies
	errors   int
}

// load runs clients loops of do over users for duration.
func load(clients int, duration time.Duration, users []int64, do func(context.Context, int64) error) result {
	ctx := context.Background()
	var (
		mu    sync.Mutex
		lat   []time.Duration
		errs  int
		total time.Duration
		wg    sync.WaitGroup
	)
	deadline := time.Now().Add(duration)
	start := time.Now()
	for c := 0; c < clients; c++ {
		wg.Add(1)
		go func(c int) {
			defer wg.Done()
			var mine []time.Duration
			var sum time.Duration
			bad := 0
			for i := c; time.Now().Before(deadline); i += clients {
				t := time.Now()
				if err := do(ctx, users[i%len(users)]); err != nil {
					bad++
					continue
				}
				d := time.Since(t)
				mine = append(mine, d)
				sum += d
			}
			mu.Lock()
			lat = append(lat, mine...)
			total += sum
			errs += bad
			mu.Unlock()
		}(c)
	}
	wg.Wait()
	elapsed := time.Since(start)
	slices.Sort(lat)
	r := result{errors: errs, total: total}
	if len(lat) > 0 {
		r.p50 = lat[len(lat)/2]
		r.p99 = lat[min(len(lat)-1, len(lat)*99/100)]
		r.rps = float64(len(lat)) / elapsed.Seconds()
	}
	return r
}

func cleanup(rdb redis.UniversalClient, prefix string) {
	ctx := context.Background()
	iter := rdb.Scan(ctx, 0, prefix+"*", 1000).Iterator()
	for iter.Next(ctx) {
		rdb.Del(ctx, iter.Val())
	}
}
