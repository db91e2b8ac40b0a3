// Command feeds benchmarks the feed on the local services, each figure next
// to a baseline measured in the same run:
//
//	(a) fan-out of one post to N followers (deliveries/s) next to
//	    redis-benchmark's pipelined LPUSH rate and a go-redis pipeline of the
//	    same LPUSH+LTRIM commands;
//	(b) GET /v1/feed (20 hydrated items) through the real API under
//	    concurrent load next to a bare net/http handler doing the same Redis
//	    reads.
//
// Run with `make bench-feeds`. It only touches its own keys (a fresh prefix)
// and its own users (a random ID range), and removes both at the end.
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/api"
	"github.com/stylegraph/stylegraph/auth"
	"github.com/stylegraph/stylegraph/config"
	"github.com/stylegraph/stylegraph/feeds"
	"github.com/stylegraph/stylegraph/graph"
)

// profile is where the API read run's CPU profile goes ("" for none).
var profile string

func main() {
	followers := flag.Int("followers", 100_000, "followers of the fanned-out author")
	clients := flag.Int("clients", 16, "concurrent clients for GET /v1/feed")
	duration := flag.Duration("duration", 10*time.Second, "how long each read run lasts")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the API read run to this file")
	flag.Parse()
	profile = *cpuprofile
	if err := run(*followers, *clients, *duration); err != nil {
		fmt.Fprintln(os.Stderr, "bench-feeds:", err)
		os.Exit(1)
	}
}

func run(nFollowers, clients int, duration time.Duration) error {
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
	if err := g.Migrate(ctx, slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
		return err
	}
	rdb := redis.NewClient(&redis.Options{Addr: cfg.RedisAddr, Password: cfg.RedisPassword, DB: cfg.RedisDB, PoolSize: 64})
	defer rdb.Close()
	if err := rdb.Ping(ctx).Err(); err != nil {
		return fmt.Errorf("redis: %w (run `make services`)", err)
	}
	prefix := fmt.Sprintf("bench:feeds:%d:", time.Now().UnixNano())
	base := (1 + rand.Int64N(1<<32)) * 1_000_000
	defer cleanup(rdb, g, prefix, base, nFollowers+100)

	// The node counter tests use, so a run next to them makes distinct IDs.
	node, err := feeds.NodeFromRedis(ctx, rdb, "test:feeds:idnode")
	if err != nil {
		return err
	}
	ids, _ := feeds.NewIDs(node)
	svc := feeds.New(g, rdb, nil, ids, feeds.Config{Prefix: prefix, CelebrityThreshold: int64(nFollowers) + 1}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	defer svc.Close()

	fmt.Printf("stylegraph feed benchmark  (redis %s, neo4j %s)\n\n", cfg.RedisAddr, cfg.Neo4jURI)
	if err := benchFanout(ctx, g, rdb, svc, cfg, prefix, base, nFollowers); err != nil {
		return err
	}
	return benchRead(ctx, g, rdb, svc, prefix, base, nFollowers, clients, duration)
}

// benchFanout times one post fanned out to n followers.
func benchFanout(ctx context.Context, g *graph.Store, rdb *redis.Client, svc *feeds.Service, cfg config.Config, prefix string, base int64, n int) error {
	author := base
	start := time.Now()
	users := make([]stylegraph.User, 0, n+1)
	users = append(users, stylegraph.User{ID: author, Name: "bench author"})
	follows := make([]graph.Follow, 0, n)
	for i := 1; i <= n; i++ {
		users = append(users, stylegraph.User{ID: base + int64(i), Name: "bench follower"})
		follows = append(follows, graph.Follow{From: base + int64(i), To: author, At: time.Now()})
	}
	if err := g.UpsertUsers(ctx, users); err != nil {
		return err
	}
	if err := g.FollowUsers(ctx, follows); err != nil {
		return err
	}
	fmt.Printf("setup: %d followers loaded into Neo4j in %v\n\n", n, time.Since(start).Round(time.Millisecond))

	// The baseline: the same pipelined LPUSH+LTRIM commands alone, in batches
	// of the same size, run before and after the fan-out (best of the two, so
	// a burst of load elsewhere on the machine does not flatter the ratio).
	pipelined := func(tag string) (float64, error) {
		start := time.Now()
		for lo := 0; lo <= n; lo += 1000 {
			pipe := rdb.Pipeline()
			for i := lo; i < min(lo+1000, n+1); i++ {
				key := prefix + tag + strconv.Itoa(i)
				pipe.LPush(ctx, key, "123456789012345|following|user|1")
				pipe.LTrim(ctx, key, 0, 799)
			}
			if _, err := pipe.Exec(ctx); err != nil {
				return 0, err
			}
		}
		return float64(n+1) / time.Since(start).Seconds(), nil
	}
	before, err := pipelined("base1:")
	if err != nil {
		return err
	}
	f, err := svc.CreatePost(ctx, author, stylegraph.PostDraft{Title: "benchmark post"})
	if err != nil {
		return err
	}
	start = time.Now()
	st, err := svc.Fanout(ctx, f.Post.ID)
	if err != nil {
		return err
	}
	fanout := time.Since(start)
	if st.Recipients != n+1 {
		return fmt.Errorf("fan-out reached %d lists, want %d", st.Recipients, n+1)
	}
	rate := float64(st.Recipients) / fanout.Seconds()
	after, err := pipelined("base2:")
	if err != nil {
		return err
	}
	pipeRate := max(before, after)
	rbRate, rbErr := redisBenchmark(cfg, prefix)

	fmt.Printf("(a) fan-out of one post to %d followers\n", n)
	deliverRate := float64(st.Recipients) / st.Deliver.Seconds()
	fmt.Printf("    stylegraph fan-out, end to end %8.0f deliveries/s  (%v: object, recipients from Neo4j %v, pushes %v)\n",
		rate, fanout.Round(time.Millisecond), st.Lookup.Round(time.Millisecond), st.Deliver.Round(time.Millisecond))
	fmt.Printf("    stylegraph fan-out, Redis part %8.0f deliveries/s\n", deliverRate)
	fmt.Printf("    go-redis LPUSH+LTRIM pipeline  %8.0f pushes/s      ratio end to end/baseline %.2f, Redis part/baseline %.2f\n", pipeRate, rate/pipeRate, deliverRate/pipeRate)
	if rbErr != nil {
		fmt.Printf("    redis-benchmark LPUSH -P 1000  unavailable: %v\n", rbErr)
	} else {
		fmt.Printf("    redis-benchmark LPUSH -P 1000  %8.0f LPUSH/s       ratio end to end/baseline %.2f, Redis part/baseline %.2f (one LPUSH vs LPUSH+LTRIM per delivery)\n", rbRate, rate/rbRate, deliverRate/rbRate)
	}
	fmt.Println()
	return nil
}

var rpsLine = regexp.MustCompile(`([0-9.]+) requests per second`)

// redisBenchmark runs redis-benchmark's pipelined LPUSH on keys under prefix.
func redisBenchmark(cfg config.Config, prefix string) (float64, error) {
	host, port, _ := net.SplitHostPort(cfg.RedisAddr)
	args := []string{"-h", host, "-p", port, "-n", "1000000", "-P", "1000", "-r", "100000", "-q"}
	if cfg.RedisPassword != "" {
		args = append(args, "-a", cfg.RedisPassword)
	}
	if cfg.RedisDB != 0 {
		args = append(args, "--dbnum", strconv.Itoa(cfg.RedisDB))
	}
	args = append(args, "LPUSH", prefix+"rb:__rand_int__", "123456789012345|following|user|1")
	out, err := exec.Command("redis-benchmark", args...).CombinedOutput()
	if err != nil {
		return 0, fmt.Errorf("redis-benchmark: %v: %s", err, out)
	}
	m := rpsLine.FindAllSubmatch(out, -1)
	if len(m) == 0 {
		return 0, fmt.Errorf("redis-benchmark printed no rate: %s", out)
	}
	return strconv.ParseFloat(string(m[len(m)-1][1]), 64)
}

// benchRead loads GET /v1/feed through the real API and a bare handler.
func benchRead(ctx context.Context, g *graph.Store, rdb *redis.Client, svc *feeds.Service, prefix string, base int64, n, clients int, duration time.Duration) error {
	// A reader following 5 authors with 40 posts, liked and commented.
	reader := base + int64(n) + 1
	authors := []int64{}
	var users []stylegraph.User
	for i := 2; i <= 7; i++ {
		users = append(users, stylegraph.User{ID: base + int64(n) + int64(i), Name: fmt.Sprintf("bench author %d", i), ImageURL: "https://img.example/a.jpg"})
		if i > 2 {
			authors = append(authors, base+int64(n)+int64(i))
		}
	}
	users = append(users, stylegraph.User{ID: reader, Name: "bench reader"})
	if err := g.UpsertUsers(ctx, users); err != nil {
		return err
	}
	for _, a := range authors {
		if err := svc.Follow(ctx, reader, feeds.KindUsers, a); err != nil {
			return err
		}
	}
	for i := range 40 {
		a := authors[i%len(authors)]
		f, err := svc.CreatePost(ctx, a, stylegraph.PostDraft{
			Title: fmt.Sprintf("look %d", i), Text: strings.Repeat("linen and denim ", 8), Tags: []string{"bench", "linen"},
			Images: []stylegraph.Image{{ImageURL: "https://img.example/p.jpg", Caption: "look"}},
		})
		if err != nil {
			return err
		}
		if _, err := svc.Fanout(ctx, f.Post.ID); err != nil {
			return err
		}
		for _, l := range authors[:3] {
			if _, err := svc.Like(ctx, l, f.Post.ID); err != nil {
				return err
			}
		}
		if _, err := svc.AddComment(ctx, authors[0], f.Post.ID, "nice"); err != nil {
			return err
		}
	}
	page, err := svc.Read(ctx, reader, "", 20) // warms the caches
	if err != nil {
		return err
	}
	if len(page.Items) != 20 {
		return fmt.Errorf("reader's feed has %d items, want 20", len(page.Items))
	}

	secret := strings.Repeat("b", 40)
	srv := api.New(api.Options{
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Auth:   auth.New(secret, nil),
		Feeds:  svc,
	})
	tok, err := auth.New(secret, nil).Mint(reader, stylegraph.RoleShopper, time.Hour)
	if err != nil {
		return err
	}
	apiURL, stopAPI, err := listen(srv.Handler())
	if err != nil {
		return err
	}
	defer stopAPI()
	bareURL, stopBare, err := listen(bareFeed(rdb, svc, reader, page.Items))
	if err != nil {
		return err
	}
	defer stopBare()

	header := http.Header{"Authorization": {"Bearer " + tok}}
	if profile != "" {
		f, err := os.Create(profile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
	}
	// Two alternating rounds, so a burst of load from elsewhere on the machine
	// shows as disagreement between rounds instead of skewing one side.
	fmt.Printf("(b) GET /v1/feed, 20 hydrated items, %d concurrent clients, %v per run, two alternating rounds\n", clients, duration)
	for round := 1; round <= 2; round++ {
		apiRes, err := load(apiURL+"/v1/feed?limit=20", header, clients, duration)
		if round == 1 {
			pprof.StopCPUProfile()
		}
		if err != nil {
			return err
		}
		bareRes, err := load(bareURL+"/feed", nil, clients, duration)
		if err != nil {
			return err
		}
		fmt.Printf("  round %d\n", round)
		fmt.Printf("    stylegraph API      %8.0f req/s  p50 %6.2f ms  p99 %6.2f ms  (%d bytes/response)\n", apiRes.rps, apiRes.p50, apiRes.p99, apiRes.bytes)
		fmt.Printf("    bare net/http+Redis %8.0f req/s  p50 %6.2f ms  p99 %6.2f ms  (%d bytes/response)\n", bareRes.rps, bareRes.p50, bareRes.p99, bareRes.bytes)
		fmt.Printf("    ratio API/bare: throughput %.2f, p50 %.2fx, p99 %.2fx\n", apiRes.rps/bareRes.rps, apiRes.p50/bareRes.p50, apiRes.p99/bareRes.p99)
	}
	return nil
}

// bareFeed is the baseline: a plain handler doing the Redis reads a feed
// read does, in the same two round trips (follows, list and rebuild marker;
// then 20 objects and the reader's likes), and writing the cached objects as
// a JSON array, with no auth, routing, decoding or logic.
func bareFeed(rdb *redis.Client, svc *feeds.Service, uid int64, items []stylegraph.Feed) http.Handler {
	fids := make([]int64, len(items))
	likeArgs := []any{"0"}
	for i, it := range items {
		fids[i] = it.ID
		likeArgs = append(likeArgs, strconv.FormatInt(it.ID, 10))
	}
	folKey, listKey, builtKey, likesKey, objKeys := svc.ReadKeys(uid, fids)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		pipe := rdb.Pipeline()
		pipe.HGetAll(ctx, folKey)
		pipe.LRange(ctx, listKey, 0, -1)
		pipe.Exists(ctx, builtKey)
		if _, err := pipe.Exec(ctx); err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		pipe = rdb.Pipeline()
		mget := pipe.MGet(ctx, objKeys...)
		pipe.SMIsMember(ctx, likesKey, likeArgs...)
		if _, err := pipe.Exec(ctx); err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		objs := mget.Val()
		var b bytes.Buffer
		b.WriteString(`{"items":[`)
		for i, o := range objs {
			if i > 0 {
				b.WriteByte(',')
			}
			s, _ := o.(string)
			b.WriteString(s)
		}
		b.WriteString(`],"nextCursor":null}`)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(b.Bytes())
	})
}

func listen(h http.Handler) (string, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	s := &http.Server{Handler: h}
	go func() { _ = s.Serve(ln) }()
	return "http://" + ln.Addr().String(), func() { _ = s.Close() }, nil
}

type result struct {
	rps, p50, p99 float64
	bytes         int
}

// load runs clients concurrent loops of GET url for d and reports the rate
// and latency percentiles (ms).
func load(url string, header http.Header, clients int, d time.Duration) (result, error) {
	tr := &http.Transport{MaxIdleConnsPerHost: clients, MaxConnsPerHost: clients}
	client := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	defer tr.CloseIdleConnections()
	var (
		mu      sync.Mutex
		lat     []float64
		size    atomic.Int64
		failure atomic.Value
		wg      sync.WaitGroup
	)
	deadline := time.Now().Add(d)
	start := time.Now()
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []float64
			for time.Now().Before(deadline) {
				req, _ := http.NewRequest(http.MethodGet, url, nil)
				req.Header = header.Clone()
				t0 := time.Now()
				resp, err := client.Do(req)
				if err != nil {
					failure.Store(err)
					return
				}
				n, _ := io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 {
					failure.Store(fmt.Errorf("GET %s: %d", url, resp.StatusCode))
					return
				}
				mine = append(mine, float64(time.Since(t0).Microseconds())/1000)
				size.Store(n)
			}
			mu.Lock()
			lat = append(lat, mine...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	if err, _ := failure.Load().(error); err != nil {
		return result{}, err
	}
	slices.Sort(lat)
	pct := func(p float64) float64 { return lat[min(len(lat)-1, int(p*float64(len(lat))))] }
	return result{rps: float64(len(lat)) / elapsed.Seconds(), p50: pct(0.50), p99: pct(0.99), bytes: int(size.Load())}, nil
}

// cleanup removes the benchmark's keys and users.
func cleanup(rdb *redis.Client, g *graph.Store, prefix string, base int64, n int) {
	ctx := context.Background()
	iter := rdb.Scan(ctx, 0, prefix+"*", 5000).Iterator()
	var keys []string
	for iter.Next(ctx) {
		keys = append(keys, iter.Val())
		if len(keys) == 5000 {
			rdb.Unlink(ctx, keys...)
			keys = keys[:0]
		}
	}
	if len(keys) > 0 {
		rdb.Unlink(ctx, keys...)
	}
	if err := g.PurgeUsers(ctx, base, base+int64(n)+1); err != nil {
		fmt.Fprintln(os.Stderr, "cleanup:", err)
	}
}
