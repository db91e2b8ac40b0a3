package recommend

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/stylegraph/stylegraph/graph"
)

// BatchGraph is what the batch job reads from and writes to the graph.
type BatchGraph interface {
	Baskets(ctx context.Context, scope graph.Scope, after int64, n int) ([]graph.Basket, error)
	WriteSimilar(ctx context.Context, source string, lists []graph.SimilarList, at time.Time) error
	DropStaleSimilar(ctx context.Context, scope graph.Scope, source string, before time.Time) (int, error)
	ActiveUsers(ctx context.Context, scope graph.Scope, since time.Time) ([]int64, error)
}

// Job is `stylegraph recompute`: item-item similarity written as SIMILAR
// edges, then a precomputed list per active shopper in the cache. Running it
// again gives the same edges and lists; a lock in Redis keeps two runs (two
// cron hosts) from overlapping.
type Job struct {
	Graph   BatchGraph
	Service *Service // builds the lists; nil skips them
	Cache   *Cache   // stores the lists; nil skips them
	Scope   graph.Scope
	// TopK neighbours per product (default 50); MinCommon users two products
	// must share to be neighbours (default 2).
	TopK, MinCommon int
	// ActiveWindow: shoppers who engaged within it get a list (default 30 days).
	ActiveWindow time.Duration
	// Workers build lists in parallel (default 2).
	Workers int
	// Progress receives a line per step; nil is silent.
	Progress io.Writer
	now      func() time.Time
}

// Report says what a run did.
type Report struct {
	Users, Products, Edges, Dropped, Lists int
	Took                                   time.Duration
}

// ErrLocked means another run holds the lock.
var ErrLocked = errors.New("another recompute is running")

// Run does the whole job.
func (j *Job) Run(ctx context.Context) (Report, error) {
	j.defaults()
	start := j.now()
	if j.Cache != nil {
		unlock, err := j.Cache.lock(ctx, j.Scope, 2*time.Hour)
		if err != nil {
			return Report{}, err
		}
		defer unlock()
	}
	rep, err := j.Similarity(ctx, start)
	if err != nil {
		return rep, err
	}
	if j.Service != nil && j.Cache != nil {
		if rep.Lists, err = j.Lists(ctx, start); err != nil {
			return rep, err
		}
	}
	rep.Took = j.now().Sub(start)
	return rep, nil
}

func (j *Job) defaults() {
	if j.TopK <= 0 {
		j.TopK = 50
	}
	if j.MinCommon <= 0 {
		j.MinCommon = 2
	}
	if j.ActiveWindow <= 0 {
		j.ActiveWindow = 30 * 24 * time.Hour
	}
	if j.Workers <= 0 {
		j.Workers = 2
	}
	if j.now == nil {
		j.now = time.Now
	}
	if j.Progress == nil {
		j.Progress = io.Discard
	}
}

// Similarity reads every basket in scope, computes top-K cosine neighbours
// and replaces the SIMILAR edges, stamped at.
func (j *Job) Similarity(ctx context.Context, at time.Time) (Report, error) {
	j.defaults()
	var rep Report
	sim := NewSimilarity()
	const page = 1000
	var after int64
	for {
		bs, err := j.Graph.Baskets(ctx, j.Scope, after, page)
		if err != nil {
			return rep, fmt.Errorf("read baskets: %w", err)
		}
		if len(bs) == 0 {
			break
		}
		for _, b := range bs {
			sim.Add(b.Products)
		}
		rep.Users += len(bs)
		after = bs[len(bs)-1].UserID
		fmt.Fprintf(j.Progress, "similarity: read %d users, %d products\n", rep.Users, sim.Products())
	}
	lists := sim.TopK(j.TopK, j.MinCommon)
	rep.Products = len(lists)
	const chunk = 1000
	for start := 0; start < len(lists); start += chunk {
		end := min(start+chunk, len(lists))
		if err := j.Graph.WriteSimilar(ctx, SimilaritySource, lists[start:end], at); err != nil {
			return rep, fmt.Errorf("write similarity: %w", err)
		}
		for _, l := range lists[start:end] {
			rep.Edges += len(l.Neighbours)
		}
		fmt.Fprintf(j.Progress, "similarity: wrote %d/%d products, %d edges\n", end, len(lists), rep.Edges)
	}
	dropped, err := j.Graph.DropStaleSimilar(ctx, j.Scope, SimilaritySource, at)
	if err != nil {
		return rep, fmt.Errorf("drop stale similarity: %w", err)
	}
	rep.Dropped = dropped
	return rep, nil
}

// Lists stores a blended list for every shopper active in the window.
func (j *Job) Lists(ctx context.Context, now time.Time) (int, error) {
	j.defaults()
	users, err := j.Graph.ActiveUsers(ctx, j.Scope, now.Add(-j.ActiveWindow))
	if err != nil {
		return 0, fmt.Errorf("active users: %w", err)
	}
	var (
		done     atomic.Int64
		wg       sync.WaitGroup
		mu       sync.Mutex
		firstErr error
	)
	next := make(chan int64)
	step := max(len(users)/20, 1)
	for w := 0; w < j.Workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for uid := range next {
				ranked, err := j.Service.Rank(ctx, uid, now, candidatesFor(MaxLimit/2))
				if err == nil {
					err = j.Cache.Put(ctx, uid, ranked, now)
				}
				if err != nil {
					mu.Lock()
					if firstErr == nil {
						firstErr = fmt.Errorf("list for user %d: %w", uid, err)
					}
					mu.Unlock()
					continue
				}
				if n := done.Add(1); n%int64(step) == 0 || int(n) == len(users) {
					fmt.Fprintf(j.Progress, "lists: %d/%d shoppers\n", n, len(users))
				}
			}
		}()
	}
	for _, u := range users {
		if ctx.Err() != nil {
			break
		}
		next <- u
	}
	close(next)
	wg.Wait()
	if firstErr == nil {
		firstErr = ctx.Err()
	}
	return int(done.Load()), firstErr
}

// lock takes the job's lock for scope, or returns ErrLocked.
func (c *Cache) lock(ctx context.Context, scope graph.Scope, ttl time.Duration) (func(), error) {
	key := c.prefix + "recompute-lock:" + strconv.FormatInt(scope.From, 10) + "-" + strconv.FormatInt(scope.To, 10)
	token := strconv.FormatInt(time.Now().UnixNano(), 36)
	ok, err := c.rdb.SetNX(ctx, key, token, ttl).Result()
	if err != nil {
		return nil, fmt.Errorf("take recompute lock: %w", err)
	}
	if !ok {
		return nil, ErrLocked
	}
	return func() {
		// Release only our own lock, even if it expired and someone else took it.
		_ = releaseScript.Run(context.Background(), c.rdb, []string{key}, token).Err()
	}, nil
}

var releaseScript = redis.NewScript(`if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("DEL", KEYS[1]) end return 0`)
