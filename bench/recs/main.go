// Command recs benchmarks GET /v1/recommendations on the seeded graph
// (`stylegraph seed --users 100000 --products 40000 --interactions 2000000`)
// through the server `stylegraph serve` builds (internal/wiring: rate
// limits, the feed mix, defaults on), each figure next to a same-work
// baseline measured in the same interleaved rounds:
//
//	(a) cold: every request is for an active shopper not asked for before in
//	    the run (taken in a shuffled order over ALL active shoppers), so no
//	    stored list exists and the online path ranks one as serve does
//	    (the one-query cold path, or the full blend where
//	    recommend.Config.ColdBlend is set); next to a bare Cypher round
//	    trip (RETURN 1) under the same concurrency;
//	(b) precomputed: lists ranked by the online blend and stored, with
//	    their products' cards warmed as the recompute job warms them, for a
//	    sample of active shoppers, read back through the API; next to a raw
//	    Redis GET of the same stored lists. It reports that step's time per
//	    shopper and the cache-hit rate of the requests after it (the job's
//	    own time is `stylegraph recompute`'s to report);
//	(c) live delta: shoppers not asked for before, each given a stored list
//	    (a copy of a sample list) dated 30 days back and marked changed as
//	    an engagement marks it, so every request is the first after an
//	    engagement and adds the live delta (the neighbours of the shopper's
//	    engagements since the list, up to the budget's seeds, without what
//	    they engaged with) in one bounded query, and stores the merged list:
//	    a wider delta than one new like; next to the bare Cypher round trip.
//
// Run with `make bench-recs`. It reads the seeded shoppers and writes only
// Redis keys under its own prefix, which it deletes at the end.
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/bench/harness"
	"github.com/stylegraph/stylegraph/graph"
	"github.com/stylegraph/stylegraph/recommend"
)

// deltaPool is how many shoppers (c) may ask.
var deltaPool int

func main() {
	o := harness.Flags(nil)
	clients := flag.Int("clients", 8, "concurrent clients")
	duration := flag.Duration("duration", 5*time.Second, "how long each run lasts")
	stored := flag.Int("stored", 2000, "active shoppers the recompute step stores lists for (the precomputed sample)")
	maxID := flag.Int64("max-id", 100_000, "seeded shoppers have IDs 1…max-id")
	skipLive := flag.Bool("skip-live", false, "measure only (b), the precomputed lists")
	flag.IntVar(&deltaPool, "delta-pool", 6000, "shoppers given a changed list for (c), each asked once")
	flag.Parse()
	o.Parse(nil)
	if o.Short {
		*duration, *stored, deltaPool = min(*duration, 500*time.Millisecond), min(*stored, 100), min(deltaPool, 2000)
	}
	if err := run(o, *clients, *duration, *stored, *maxID, *skipLive); err != nil {
		fmt.Fprintln(os.Stderr, "bench-recs:", err)
		os.Exit(1)
	}
}

func run(o *harness.Options, clients int, duration time.Duration, nStored int, maxID int64, skipLive bool) error {
	ctx := context.Background()
	prefix := fmt.Sprintf("bench:recs:%d:", time.Now().UnixNano())
	dir, err := os.MkdirTemp("", "bench-recs-")
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
	d := srv.Deps
	defer cleanup(d.Redis, prefix)

	scope := graph.Scope{From: 1, To: maxID}
	active, err := d.Graph.Batch.ActiveUsers(ctx, scope, time.Now().Add(-30*24*time.Hour))
	if err != nil {
		return err
	}
	if len(active) < 2*nStored {
		return fmt.Errorf("%d active shoppers with IDs 1…%d: seed first, e.g. `stylegraph seed --users 100000 --products 40000 --interactions 2000000`", len(active), maxID)
	}
	rand.Shuffle(len(active), func(i, j int) { active[i], active[j] = active[j], active[i] })
	// The first nStored shoppers get stored lists; live requests walk the
	// rest, each shopper once: (a) the first half, (c) the second.
	sample, rest := active[:nStored], active[nStored:]
	harness.Header(os.Stdout, o, "recs")
	fmt.Printf("graph: %d active shoppers in 1…%d (engaged in the last 30 days); live requests walk %d of them in a\n", len(active), maxID, len(rest))
	fmt.Printf("shuffled order, each asked once; %d get precomputed lists; %d clients, %v a run, limit=20\n", nStored, clients, duration)
	stop, err := o.StartProfile()
	if err != nil {
		return err
	}
	defer stop()

	toks, err := srv.Tokens(stylegraph.RoleShopper, active...)
	if err != nil {
		return err
	}
	token := make(map[int64]string, len(active))
	for i, u := range active {
		token[u] = toks[i]
	}
	tr := &http.Transport{MaxIdleConnsPerHost: clients, MaxConnsPerHost: clients}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 60 * time.Second}
	// A request is measured whatever it answers: 200 (degraded when the
	// graph was too slow and the trending fallback answered) or 503 (past
	// the request budget); both are counted and reported per case.
	var answered503, degraded atomic.Int64
	get := func(ctx context.Context, u int64) error {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/v1/recommendations?limit=20", nil)
		req.Header.Set("Authorization", "Bearer "+token[u])
		req.Header.Set("X-Forwarded-For", harness.ForwardedFor(int(u)))
		resp, err := client.Do(req)
		if err != nil {
			return err
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		switch {
		case resp.StatusCode == http.StatusServiceUnavailable:
			answered503.Add(1)
		case resp.StatusCode != http.StatusOK:
			return fmt.Errorf("GET /v1/recommendations for %d: %d %s", u, resp.StatusCode, bytes.TrimSpace(body[:min(len(body), 300)]))
		case bytes.Contains(body, []byte(`"degraded":true`)):
			degraded.Add(1)
		}
		return nil
	}
	// outcomes prints and resets the share of answers that were 503 or
	// degraded since the last call.
	outcomes := func(what string, n int) {
		a, d := answered503.Swap(0), degraded.Swap(0)
		fmt.Printf("   %s: %d requests in all rounds; %d (%.1f%%) answered 503 past the request budget, %d (%.1f%%) degraded (trending fallback)\n",
			what, n, a, 100*float64(a)/float64(max(n, 1)), d, 100*float64(d)/float64(max(n, 1)))
	}

	// (a) live, each request a shopper not asked for before.
	var next atomic.Int64
	live := harness.Case{Name: "GET /v1/recommendations, cold (no stored list: serve's cold path)", Run: func(ctx context.Context) (harness.Sample, error) {
		return harness.Drive(ctx, clients, 0, duration, func(ctx context.Context, _ int) (int, error) {
			i := next.Add(1) - 1
			if int(i) >= len(rest)/2 {
				return 0, fmt.Errorf("ran out of fresh shoppers after %d requests: use a shorter -duration", i)
			}
			return 1, get(ctx, rest[i])
		})
	}}
	cypher := harness.Case{Name: "baseline: bare Cypher round trip (RETURN 1)", Run: func(ctx context.Context) (harness.Sample, error) {
		return harness.Drive(ctx, clients, 0, duration, func(ctx context.Context, _ int) (int, error) {
			return 1, d.Graph.Ping(ctx)
		})
	}}
	if !skipLive {
		answered503.Store(0)
		degraded.Store(0)
		rep, err := harness.Compare(ctx, o, "(a) recommendations for shoppers without a stored list (cold path)", "req/s", live, cypher)
		if err != nil {
			return err
		}
		rep.Print(os.Stdout)
		outcomes("cold (warm-up round included)", int(next.Load()))
	}

	// (b) the recompute job's list step for the sample, then the API over
	// the stored lists.
	cache := d.RecsCache()
	svc := d.Recommender()
	start := time.Now()
	n, err := storeLists(ctx, svc, d.Graph.Recs, cache, sample, 2)
	if err != nil {
		return err
	}
	took := time.Since(start)
	per := took / time.Duration(max(n, 1))
	fmt.Printf("\nlist step (online blend and card warming per shopper, 2 workers; not the job's trained ranking): %d lists in %s,\n%.1f ms a shopper\n",
		n, took.Round(time.Millisecond), float64(per.Microseconds())/1000)
	var k atomic.Int64
	pre := harness.Case{Name: "GET /v1/recommendations, precomputed list", Run: func(ctx context.Context) (harness.Sample, error) {
		return harness.Drive(ctx, clients, 0, duration, func(ctx context.Context, _ int) (int, error) {
			u := sample[int(k.Add(1)-1)%len(sample)]
			return 1, get(ctx, u)
		})
	}}
	var j atomic.Int64
	rdb, listKey := d.Redis, d.Cfg.Recs.CachePrefix+"user:"
	raw := harness.Case{Name: "baseline: raw Redis GET of the stored list", Run: func(ctx context.Context) (harness.Sample, error) {
		return harness.Drive(ctx, clients, 0, duration, func(ctx context.Context, _ int) (int, error) {
			u := sample[int(j.Add(1)-1)%len(sample)]
			b, err := rdb.Get(ctx, listKey+strconv.FormatInt(u, 10)).Bytes()
			if err == nil && len(b) == 0 {
				err = fmt.Errorf("no stored list for %d", u)
			}
			return 1, err
		})
	}}
	answered503.Store(0)
	degraded.Store(0)
	rep, err := harness.Compare(ctx, o, "(b) recommendations from lists the recompute job stored", "req/s", pre, raw)
	if err != nil {
		return err
	}
	rep.Print(os.Stdout)
	outcomes("precomputed (warm-up round included)", int(k.Load()))
	// Which shoppers asked for in (b) were served from their stored list:
	// the server stores nothing new for them, so a list present now was
	// present for every request.
	hits := 0
	for _, u := range sample {
		if _, ok, err := cache.Get(ctx, u); err == nil && ok {
			hits++
		}
	}
	fmt.Printf("cache-hit rate after the recompute: %d of %d recomputed shoppers (%.1f%%) still had their list when asked\n",
		hits, len(sample), 100*float64(hits)/float64(len(sample)))
	if skipLive {
		return nil
	}

	// (c) a live delta on every request: each for a shopper whose list
	// changed and who was not asked for before (a request stores the merged
	// list, so a second one would be served as stored).
	changed := rest[len(rest)/2:][:min(deltaPool, len(rest)/2)]
	if err := backdate(ctx, cache, sample, changed, time.Now().Add(-30*24*time.Hour)); err != nil {
		return err
	}
	var m atomic.Int64
	delta := harness.Case{Name: "GET /v1/recommendations, stored list + live delta", Run: func(ctx context.Context) (harness.Sample, error) {
		return harness.Drive(ctx, clients, 0, duration, func(ctx context.Context, _ int) (int, error) {
			i := m.Add(1) - 1
			if int(i) >= len(changed) {
				return 0, fmt.Errorf("ran out of changed lists after %d requests: raise -delta-pool or shorten -duration", i)
			}
			return 1, get(ctx, changed[i])
		})
	}}
	answered503.Store(0)
	degraded.Store(0)
	rep, err = harness.Compare(ctx, o, "(c) live: stored lists marked changed, the delta since 30 days back added per request", "req/s", delta, cypher)
	if err != nil {
		return err
	}
	rep.Print(os.Stdout)
	outcomes("live delta (warm-up round included)", int(m.Load()))
	return nil
}

// backdate stores for each of users a copy of a sample shopper's list, as
// ranked at `at`, and marks it changed now, as an engagement does: its first
// request then reads the delta since at.
func backdate(ctx context.Context, cache *recommend.Cache, sample, users []int64, at time.Time) error {
	lists := make([][]recommend.Ranked, 0, len(sample))
	for _, u := range sample {
		items, ok, err := cache.Get(ctx, u)
		if err != nil || !ok {
			return fmt.Errorf("stored list of %d: found %v, %v", u, ok, err)
		}
		lists = append(lists, items)
	}
	for i, u := range users {
		if err := cache.Put(ctx, u, lists[i%len(lists)], at); err != nil {
			return err
		}
	}
	return cache.Changed(ctx, time.Now(), users...)
}

// storeLists ranks and stores the lists of users and warms their cards as
// the recompute job's list step does, with workers in parallel.
func storeLists(ctx context.Context, svc *recommend.Service, g recommend.CardReader, cache *recommend.Cache, users []int64, workers int) (int, error) {
	var (
		next, done atomic.Int64
		firstErr   atomic.Value
		wg         sync.WaitGroup
	)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(users) || firstErr.Load() != nil {
					return
				}
				ranked, err := svc.Rank(ctx, users[i], time.Time{}, recommend.ListSize)
				if err == nil {
					err = cache.Put(ctx, users[i], ranked, time.Now())
				}
				if err == nil {
					// The job caches the cards of its lists' heads too.
					err = recommend.WarmCards(ctx, g, cache, map[int64][]recommend.Ranked{users[i]: ranked}, 2*time.Hour)
				}
				if err != nil {
					firstErr.CompareAndSwap(nil, err)
					return
				}
				done.Add(1)
			}
		}()
	}
	wg.Wait()
	if err, _ := firstErr.Load().(error); err != nil {
		return int(done.Load()), err
	}
	return int(done.Load()), nil
}

func cleanup(rdb redis.UniversalClient, prefix string) {
	ctx := context.Background()
	iter := rdb.Scan(ctx, 0, prefix+"*", 1000).Iterator()
	for iter.Next(ctx) {
		rdb.Del(ctx, iter.Val())
	}
}
