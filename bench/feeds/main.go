// Command feeds benchmarks the feed on the local services, each figure next
// to same-work baselines measured in the same rounds:
//
//	(a) fan-out of one post to N followers (deliveries/s), as the worker's
//	    feed consumer does it, next to go-redis pipelines of LPUSH+LTRIM (the
//	    plain way to keep capped lists) and of LPUSH alone (the commands the
//	    fan-out sends, trimming only past the slack) and redis-benchmark's
//	    pipelined LPUSH;
//	(b) GET /v1/feed (20 hydrated items) on the server `stylegraph serve`
//	    builds, defaults on (rate limits, the recommendation mix), read by
//	    many shoppers with their own tokens from many client addresses, next
//	    to a bare net/http handler doing the same Redis reads; and the same
//	    with the recommendation mix off (FEED_RECS_EVERY=0), to show its cost.
//	    Readers have stored recommendation lists, as after a recompute.
//
// Run with `make bench-feeds`. It only touches its own keys (a fresh prefix)
// and its own users (a random ID range), and removes both at the end.
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/bench/harness"
	"github.com/stylegraph/stylegraph/config"
	"github.com/stylegraph/stylegraph/feeds"
	"github.com/stylegraph/stylegraph/graph"
	"github.com/stylegraph/stylegraph/recommend"
)

func main() {
	followers := flag.Int("followers", 9000, "followers of the fanned-out author (above FEED_CELEBRITY_THRESHOLD, the threshold is raised for the run)")
	readers := flag.Int("readers", 500, "shoppers reading their feeds (one token and client address each)")
	clients := flag.Int("clients", 16, "concurrent clients for GET /v1/feed")
	duration := flag.Duration("duration", 3*time.Second, "how long each read run lasts")
	harness.Main("feeds", func(o *harness.Options) error {
		if o.Short {
			// 200 readers, not fewer: a fast run serves ~10k reads in short mode,
			// and each reader's budget (RATE_LIMIT_PER_USER, burst a tenth of it)
			// must cover its share, or the run measures 429s.
			*followers, *readers, *duration = min(*followers, 1000), min(*readers, 200), min(*duration, 300*time.Millisecond)
		}
		return run(o, *followers, *readers, *clients, *duration)
	})
}

func run(o *harness.Options, nFollowers, nReaders, clients int, duration time.Duration) error {
	ctx := context.Background()
	env, err := harness.NewEnv("feeds")
	if err != nil {
		return err
	}
	defer env.Close()
	cfg := &env.Cfg
	threshold := cfg.Feed.CelebrityThreshold
	if int64(nFollowers) >= threshold {
		cfg.Feed.CelebrityThreshold = int64(nFollowers) + 1
	}
	// The node counter tests use, so posts made next to them get distinct IDs.
	if cfg.Feed.NodeID, err = takeNode(ctx, *cfg); err != nil {
		return err
	}
	srv, err := env.StartServer(ctx, *cfg)
	if err != nil {
		return err
	}
	off := *cfg
	off.Recs.FeedEvery = 0
	srvOff, err := env.StartServer(ctx, off)
	if err != nil {
		return err
	}

	d := srv.Deps
	svc, err := d.NewFeeds(ctx, nil)
	if err != nil {
		return err
	}
	defer svc.Close()
	base := harness.IDBase()
	defer purgeUsers(d.Graph, base, nFollowers+nReaders+100)

	if err := o.Begin(); err != nil {
		return err
	}
	if cfg.Feed.CelebrityThreshold != threshold {
		fmt.Printf("note: FEED_CELEBRITY_THRESHOLD raised from %d to %d so the author's %d followers are pushed to\n", threshold, cfg.Feed.CelebrityThreshold, nFollowers)
	}
	if err := benchFanout(ctx, o, d.Graph, d.Redis, svc, *cfg, env.Prefix, base, nFollowers); err != nil {
		return err
	}
	return benchRead(ctx, o, srv, srvOff, svc, base+int64(nFollowers)+10, nReaders, clients, duration)
}

func takeNode(ctx context.Context, cfg config.Config) (int, error) {
	rdb := redis.NewClient(&redis.Options{Addr: cfg.RedisAddr, Password: cfg.RedisPassword, DB: cfg.RedisDB})
	defer rdb.Close()
	n, err := feeds.NodeFromRedis(ctx, rdb, "test:feeds:idnode")
	if err != nil {
		return 0, fmt.Errorf("%w (run `make services`)", err)
	}
	return n, nil
}

// benchFanout times posts fanned out to n followers.
func benchFanout(ctx context.Context, o *harness.Options, g *graph.Stores, rdb redis.UniversalClient, svc *feeds.Service, cfg config.Config, prefix string, base int64, n int) error {
	author := base
	start := time.Now()
	users := make([]stylegraph.User, 0, n+1)
	users = append(users, stylegraph.User{ID: author, Name: "bench author"})
	follows := make([]graph.Follow, 0, n)
	for i := 1; i <= n; i++ {
		users = append(users, stylegraph.User{ID: base + int64(i), Name: "bench follower"})
		follows = append(follows, graph.Follow{From: base + int64(i), To: author, At: time.Now()})
	}
	if err := g.Catalog.UpsertUsers(ctx, users); err != nil {
		return err
	}
	if err := g.Seed.FollowUsers(ctx, follows); err != nil {
		return err
	}
	fmt.Printf("setup: %d followers loaded into Neo4j in %v\n", n, time.Since(start).Round(time.Millisecond))

	var redisPart []float64 // the fan-out's own split: Redis delivery only
	fanout := harness.Case{Name: "stylegraph fan-out (lookup + delivery)", Run: func(ctx context.Context) (harness.Sample, error) {
		f, err := svc.CreatePost(ctx, author, stylegraph.PostDraft{Title: "benchmark post"})
		if err != nil {
			return harness.Sample{}, err
		}
		start := time.Now()
		st, err := svc.Fanout(ctx, f.Post.ID)
		if err != nil {
			return harness.Sample{}, err
		}
		elapsed := time.Since(start)
		if st.Recipients != n+1 {
			return harness.Sample{}, fmt.Errorf("fan-out reached %d lists, want %d", st.Recipients, n+1)
		}
		redisPart = append(redisPart, float64(st.Recipients)/st.Deliver.Seconds())
		return harness.Sample{Ops: st.Recipients, Elapsed: elapsed}, nil
	}}
	batch := cfg.Feed.FanoutBatch
	pipeline := harness.Case{Name: fmt.Sprintf("baseline: go-redis LPUSH+LTRIM, %d a pipeline", batch), Run: func(ctx context.Context) (harness.Sample, error) {
		start := time.Now()
		for lo := 0; lo <= n; lo += batch {
			pipe := rdb.Pipeline()
			for i := lo; i < min(lo+batch, n+1); i++ {
				key := prefix + "base:" + strconv.Itoa(i)
				pipe.LPush(ctx, key, "123456789012345|following|user|1")
				pipe.LTrim(ctx, key, 0, int64(cfg.Feed.Cap-1))
			}
			if _, err := pipe.Exec(ctx); err != nil {
				return harness.Sample{}, err
			}
		}
		return harness.Sample{Ops: n + 1, Elapsed: time.Since(start)}, nil
	}}
	// The fan-out trims a list only once it passed the cap by the slack, so
	// it sends about one LPUSH a delivery: the same commands, plainly.
	lpush := harness.Case{Name: fmt.Sprintf("baseline: go-redis LPUSH only, %d a pipeline", batch), Run: func(ctx context.Context) (harness.Sample, error) {
		start := time.Now()
		for lo := 0; lo <= n; lo += batch {
			pipe := rdb.Pipeline()
			for i := lo; i < min(lo+batch, n+1); i++ {
				pipe.LPush(ctx, prefix+"base1:"+strconv.Itoa(i), "123456789012345|following|user|1")
			}
			if _, err := pipe.Exec(ctx); err != nil {
				return harness.Sample{}, err
			}
		}
		return harness.Sample{Ops: n + 1, Elapsed: time.Since(start)}, nil
	}}
	rb := harness.Case{Name: "context: redis-benchmark LPUSH -P 1000", Run: func(ctx context.Context) (harness.Sample, error) {
		// Random keys under the prefix, as many entries as deliveries.
		return harness.RedisBenchmark(cfg, n+1, "-P", "1000", "-r", strconv.Itoa(n+1), "LPUSH", prefix+"rb:__rand_int__", "123456789012345|following|user|1")
	}}
	rep, err := harness.Measure(ctx, o, fmt.Sprintf("(a) fan-out of one post to %d followers", n), "deliveries/s", fanout, pipeline, lpush, rb)
	if err != nil {
		return err
	}
	rs := harness.Summarize(redisPart[len(redisPart)-rep.Runs:])
	fmt.Printf("   the fan-out's Redis delivery alone (FanoutStats.Deliver): median %.0f deliveries/s [%.0f–%.0f]\n", rs.Median, rs.Min, rs.Max)
	return nil
}

// benchRead loads GET /v1/feed through the real API and a bare handler.
func benchRead(ctx context.Context, o *harness.Options, srv, srvOff *harness.Server, svc *feeds.Service, base int64, nReaders, clients int, duration time.Duration) error {
	g := srv.Deps.Graph
	// Readers following 5 authors with 40 posts, liked and commented.
	var authors, readers []int64
	var users []stylegraph.User
	for i := range 5 {
		authors = append(authors, base+int64(i))
		users = append(users, stylegraph.User{ID: base + int64(i), Name: fmt.Sprintf("bench author %d", i), ImageURL: "https://img.example/a.jpg"})
	}
	for i := range nReaders {
		readers = append(readers, base+10+int64(i))
		users = append(users, stylegraph.User{ID: base + 10 + int64(i), Name: "bench reader"})
	}
	if err := g.Catalog.UpsertUsers(ctx, users); err != nil {
		return err
	}
	for _, r := range readers {
		for _, a := range authors {
			if err := svc.Follow(ctx, r, feeds.KindUsers, a); err != nil {
				return err
			}
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
	page, err := svc.Read(ctx, readers[0], "", 20) // warms the caches
	if err != nil {
		return err
	}
	if len(page.Items) != 20 {
		return fmt.Errorf("reader's feed has %d items, want 20", len(page.Items))
	}
	shoppers, err := srv.Shoppers(readers...)
	if err != nil {
		return err
	}
	// The bare handler gets a client of its own so round trips are counted
	// per server.
	cfg := srv.Deps.Cfg
	bareRedis := redis.NewClient(&redis.Options{Addr: cfg.RedisAddr, Password: cfg.RedisPassword, DB: cfg.RedisDB})
	defer bareRedis.Close()
	bareURL, stopBare, err := harness.Listen(bareFeed(bareRedis, svc, readers, page.Items))
	if err != nil {
		return err
	}
	defer stopBare()

	client := harness.HTTPClient(clients)
	defer client.CloseIdleConnections()
	get := func(ctx context.Context, url string, i int, auth bool) error {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if auth {
			shoppers.Sign(req, i)
		} else {
			req.Header.Set("X-Reader", strconv.Itoa(i%len(readers)))
		}
		_, err := harness.Call(client, req, http.StatusOK)
		if se, ok := err.(*harness.StatusError); ok && se.Status == http.StatusTooManyRequests {
			return fmt.Errorf("%w: %d readers are too few for the per-user rate limit at this request rate; raise -readers", err, len(readers))
		}
		return err
	}
	load := func(url string, auth bool) func(ctx context.Context) (harness.Sample, error) {
		return func(ctx context.Context) (harness.Sample, error) {
			return harness.Drive(ctx, clients, 0, duration, func(ctx context.Context, i int) (int, error) {
				return 1, get(ctx, url, i, auth)
			})
		}
	}
	// Every reader reads once first (through the server without the mix:
	// the feed's caches are shared), so the measured reads find warm caches
	// (follows, likes, the list) as a returning shopper's do; the bare
	// handler reads those same keys. A reader's first read rebuilds them from
	// Neo4j. Recommendations are not warmed: the mixed case computes or reads
	// them as the server does.
	start := time.Now()
	if _, err := harness.Drive(ctx, clients, len(readers), 0, func(ctx context.Context, i int) (int, error) {
		return 1, get(ctx, srvOff.URL+"/v1/feed?limit=20", i, true)
	}); err != nil {
		return fmt.Errorf("first reads: %w", err)
	}
	fmt.Printf("warm-up: every reader's first read (caches rebuilt from Neo4j) took %v for %d readers\n", time.Since(start).Round(time.Millisecond), len(readers))
	// The mix serves stored lists (a shopper without one gets trending
	// products while the server computes it in the background); a returning
	// shopper has one from the recompute job, so store them the way its list
	// step does.
	start = time.Now()
	recs, cache := srv.Deps.Recommender(), srv.Deps.RecsCache()
	if _, err := harness.Drive(ctx, 4, len(readers), 0, func(ctx context.Context, i int) (int, error) {
		ranked, err := recs.Rank(ctx, readers[i], time.Time{}, recommend.ListSize)
		if err != nil {
			return 0, err
		}
		return 1, cache.Put(ctx, readers[i], ranked, time.Now())
	}); err != nil {
		return err
	}
	fmt.Printf("warm-up: the recompute job's list step stored %d readers' lists in %v\n", len(readers), time.Since(start).Round(time.Millisecond))
	// Where the time goes: the read waits on Redis (and Neo4j) far more than
	// it computes, so count the Redis round trips one request makes (other
	// work on these clients would inflate it; the fan-out consumer is not
	// running here).
	for _, rt := range []struct {
		name string
		rdb  redis.UniversalClient
		url  string
		auth bool
	}{{"API, mix on", srv.Deps.Redis, srv.URL + "/v1/feed?limit=20", true}, {"API, mix off", srvOff.Deps.Redis, srvOff.URL + "/v1/feed?limit=20", true}, {"bare handler", bareRedis, bareURL + "/feed", false}} {
		trips := harness.CountTrips(rt.rdb, "")
		s, err := load(rt.url, rt.auth)(ctx)
		n, _ := trips.Stop()
		if err != nil {
			return err
		}
		fmt.Printf("Redis round trips per GET /v1/feed, %s: %.1f\n", rt.name, float64(n)/float64(len(s.Latencies)))
	}
	on := harness.Case{Name: "GET /v1/feed, recommendation mix on (default)", Run: load(srv.URL+"/v1/feed?limit=20", true)}
	offCase := harness.Case{Name: "GET /v1/feed, mix off (FEED_RECS_EVERY=0)", Run: load(srvOff.URL+"/v1/feed?limit=20", true)}
	bare := harness.Case{Name: "baseline: bare net/http + the same Redis reads", Run: load(bareURL+"/feed", false)}
	title := fmt.Sprintf("(b) GET /v1/feed, 20 hydrated items, %d readers, %d concurrent clients, %v a run", nReaders, clients, duration)
	if _, err := harness.Measure(ctx, o, title, "req/s", on, bare, offCase); err != nil {
		return err
	}
	_, err = harness.Measure(ctx, o, "(b') the same, recommendation mix off, vs the bare handler", "req/s", offCase, bare)
	return err
}

// bareFeed is the baseline: a plain handler doing the Redis reads a feed
// read does, in the same two round trips (follows, list and rebuild marker;
// then 20 objects and the reader's likes), and writing the cached objects as
// a JSON array, with no auth, routing, limits or logic.
func bareFeed(rdb redis.UniversalClient, svc *feeds.Service, readers []int64, items []stylegraph.Feed) http.Handler {
	fids := make([]int64, len(items))
	likeArgs := []any{"0"}
	for i, it := range items {
		fids[i] = it.ID
		likeArgs = append(likeArgs, strconv.FormatInt(it.ID, 10))
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		u, _ := strconv.Atoi(r.Header.Get("X-Reader"))
		folKey, listKey, builtKey, likesKey, objKeys := svc.ReadKeys(readers[u%len(readers)], fids)
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
		var b bytes.Buffer
		b.WriteString(`{"items":[`)
		for i, o := range mget.Val() {
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

// purgeUsers removes the benchmark's users (its keys go with the Env).
func purgeUsers(g *graph.Stores, base int64, n int) {
	if err := g.Seed.PurgeUsers(context.Background(), base, base+int64(n)+1); err != nil {
		fmt.Fprintln(os.Stderr, "cleanup:", err)
	}
}
