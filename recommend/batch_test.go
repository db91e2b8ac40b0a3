package recommend

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/graph"
	"github.com/stylegraph/stylegraph/internal/testenv"
	"github.com/stylegraph/stylegraph/learn"
)

// batchWorld: shoppers 1-3 like products 1-4, shoppers 4-6 products 5-8,
// each missing one of their group's; shopper 1 follows 2 and hid product 4.
func batchWorld(t *testing.T) (world, *Cache) {
	w := newWorld(t, 6)
	w.products(map[int][2]string{1: {}, 2: {}, 3: {}, 4: {}, 5: {}, 6: {}, 7: {}, 8: {}})
	day := 24 * time.Hour
	for u := 1; u <= 6; u++ {
		first := 1
		if u > 3 {
			first = 5
		}
		for p := first; p < first+4; p++ {
			if p-first != u%4 {
				w.Engage(u, p, graph.EngageLike, time.Duration(u+p)*day)
			}
		}
	}
	w.Engage(1, 6, graph.EngageView, day)
	w.Follow(1, 2)
	if err := w.G.Recs.Hide(context.Background(), w.User(1), w.Product(4), w.Now); err != nil {
		t.Fatal(err)
	}
	return w, NewCache(testenv.Redis(t), testenv.Namespace(t), time.Hour)
}

func (w world) job(cache *Cache, progress *strings.Builder) *Job {
	lc := learn.Config{
		KNN:  []learn.KNNConfig{{K: 5}, {K: 5, Shrink: 1, IDF: true}},
		ALS:  []learn.ALSConfig{{Factors: 3, Reg: 0.1, Alpha: 5, Iterations: 3, Seed: 1}},
		EASE: []learn.EASEConfig{{Lambda: 1, Head: 50}},
		Seed: 1,
	}
	return &Job{
		Graph: struct {
			*graph.BatchStore
			*graph.RecStore
		}{w.G.Batch, w.G.Recs},
		Cache: cache, Scope: graph.Scope{From: w.Base, To: w.Base + 999_999},
		TopK: 3, Learn: lc, Progress: progress, now: func() time.Time { return w.Now },
	}
}

// stored reads every shopper's stored list.
func (w world) stored(cache *Cache) map[int][]int {
	w.T.Helper()
	out := map[int][]int{}
	for u := 1; u <= 6; u++ {
		rs, ok, err := cache.Get(context.Background(), w.User(u))
		if err != nil {
			w.T.Fatal(err)
		}
		if !ok {
			continue
		}
		ids := []int{}
		for _, r := range rs {
			ids = append(ids, int(r.ProductID-w.Base-100))
		}
		out[u] = ids
	}
	return out
}

func (w world) edges() [][]graph.Neighbour {
	w.T.Helper()
	var out [][]graph.Neighbour
	for p := 1; p <= 8; p++ {
		ns, err := w.G.Batch.SimilarEdges(context.Background(), w.Product(p), SimilaritySource)
		if err != nil {
			w.T.Fatal(err)
		}
		out = append(out, ns)
	}
	return out
}

func TestRecomputeIsIdempotentAndFeedsTheOnlinePath(t *testing.T) {
	w, cache := batchWorld(t)
	ctx := context.Background()
	var progress strings.Builder
	job := w.job(cache, &progress)
	rep, err := job.Run(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Users != 6 || rep.Products != 8 || rep.Interactions != 19 || rep.Lists != 6 || rep.Resumed || rep.Edges == 0 {
		t.Fatalf("first run: %+v", rep)
	}
	for _, want := range []string{"read: shoppers 6/6", "lists: shoppers 6/6", "ETA", "tune: model = "} {
		if !strings.Contains(progress.String(), want) {
			t.Fatalf("progress lacks %q:\n%s", want, progress.String())
		}
	}
	lists := w.stored(cache)
	if len(lists) != 6 {
		t.Fatalf("lists stored for %d shoppers: %v", len(lists), lists)
	}
	// Shopper 1 liked 1, 3 and 4 (hidden since) and viewed 6: never their
	// own products, and first their group's missing one.
	for _, p := range lists[1] {
		if p == 1 || p == 3 || p == 4 || p == 6 {
			t.Fatalf("shopper 1's list holds product %d they engaged with or hid: %v", p, lists[1])
		}
	}
	if lists[1][0] != 2 {
		t.Fatalf("shopper 1's list starts with %d, want 2 (their group's missing product): %v", lists[1][0], lists[1])
	}
	rs, _, _ := cache.Get(ctx, w.User(1))
	if rs[0].Reasons[0].Kind != stylegraph.ReasonCollaborative || !strings.HasPrefix(rs[0].Reasons[0].Text, "because you liked Product ") {
		t.Fatalf("reason for shopper 1's first item: %+v", rs[0].Reasons)
	}

	// The online path serves the stored list.
	svc := w.service(config(map[string]float64{"collaborative": 1}), cache)
	recs, err := svc.RecommendFor(ctx, Request{UserID: w.User(4), Limit: 2})
	if err != nil {
		t.Fatal(err)
	}
	var served []int
	for _, r := range recs {
		served = append(served, int(r.Product.ID-w.Base-100))
	}
	if diff := cmp.Diff(lists[4][:2], served); diff != "" {
		t.Fatalf("served vs stored for shopper 4 (-stored +served):\n%s", diff)
	}

	// Running again over the same graph writes the same edges and lists.
	first := w.edges()
	rep2, err := job.Run(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(first, w.edges()); diff != "" {
		t.Fatalf("edges changed between identical runs (-first +second):\n%s", diff)
	}
	if diff := cmp.Diff(lists, w.stored(cache)); diff != "" {
		t.Fatalf("lists changed between identical runs (-first +second):\n%s", diff)
	}
	if rep2.Dropped != 0 || rep2.Edges != rep.Edges {
		t.Fatalf("second run: %+v", rep2)
	}
}

func TestRecomputeResumesAfterAKill(t *testing.T) {
	w, cache := batchWorld(t)
	ctx := context.Background()
	var progress strings.Builder
	full := w.job(cache, &progress)
	fullRep, err := full.Run(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := w.stored(cache)
	for u := 1; u <= 6; u++ {
		if err := cache.rdb.Del(ctx, cache.key(w.User(u))).Err(); err != nil {
			t.Fatal(err)
		}
	}

	// A run dies after its first batch of two lists.
	killed := w.job(cache, &progress)
	killed.Batch = 2
	kctx, kill := context.WithCancel(ctx)
	killed.afterBatch = func(int) { kill() }
	if _, err := killed.Run(kctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("killed run: %v", err)
	}
	if got := w.stored(cache); len(got) != 2 {
		t.Fatalf("after the kill %d lists are stored, want 2: %v", len(got), got)
	}
	// Neighbours are written while lists are: the kill may land before or
	// after they are done, and the checkpoint says which.
	cp, ok, err := cache.checkpoint(ctx, killed.Scope)
	if err != nil || !ok {
		t.Fatalf("no checkpoint after the kill: %v", err)
	}
	wantEdges := 0
	if !cp.SimilarDone {
		wantEdges = fullRep.Edges
	}

	resumed := w.job(cache, &progress)
	resumed.Batch = 2
	rep, err := resumed.Run(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Resumed || rep.Skipped != 2 || rep.Lists != 4 || rep.Edges != wantEdges {
		t.Fatalf("resumed run: %+v", rep)
	}
	if diff := cmp.Diff(want, w.stored(cache)); diff != "" {
		t.Fatalf("lists after resuming (-uninterrupted +resumed):\n%s", diff)
	}
	// Done: the next run starts afresh.
	rep, err = resumed.Run(ctx)
	if err != nil || rep.Resumed || rep.Lists != 6 {
		t.Fatalf("run after a finished one: %+v, %v", rep, err)
	}
}

func TestRecomputeNeverRunsOverALiveRun(t *testing.T) {
	w, cache := batchWorld(t)
	ctx := context.Background()
	var progress strings.Builder
	scope := graph.Scope{From: w.Base, To: w.Base + 999_999}

	// A lock left by a dead run blocks until it expires.
	key := cache.scopeKey("recompute-lock", scope)
	if err := cache.rdb.Set(ctx, key, "dead", 500*time.Millisecond).Err(); err != nil {
		t.Fatal(err)
	}
	if _, err := w.job(cache, &progress).Run(ctx); !errors.Is(err, ErrLocked) {
		t.Fatalf("run over a held lock: %v", err)
	}
	time.Sleep(700 * time.Millisecond)

	// A live run renews its lock: well past the TTL, a second run still
	// finds it held.
	slow := w.job(cache, &progress)
	slow.LockTTL = 300 * time.Millisecond
	second := make(chan error, 1)
	slow.afterBatch = func(int) {
		time.Sleep(900 * time.Millisecond)
		_, err := w.job(cache, &progress).Run(ctx)
		second <- err
	}
	if _, err := slow.Run(ctx); err != nil {
		t.Fatal(err)
	}
	if err := <-second; !errors.Is(err, ErrLocked) {
		t.Fatalf("second run during a live one: %v", err)
	}
	if n, err := cache.rdb.Exists(ctx, key).Result(); err != nil || n != 0 {
		t.Fatalf("lock left after the run: %d, %v", n, err)
	}
}
