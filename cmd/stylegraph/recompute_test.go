package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/graph"
	"github.com/stylegraph/stylegraph/internal/testenv"
	"github.com/stylegraph/stylegraph/recommend"
)

// recomputeChild names the environment variable that makes the test binary
// run `stylegraph <args>` instead of the tests (in init, so before any
// TestMain): the process the kill test kills is this binary.
const recomputeChild = "STYLEGRAPH_RECOMPUTE_CHILD"

func init() {
	if args := os.Getenv(recomputeChild); args != "" {
		if err := run(context.Background(), strings.Fields(args), os.Stdout, os.Stderr); err != nil {
			fmt.Fprintln(os.Stderr, "stylegraph:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
}

// A `stylegraph recompute` process killed with SIGKILL while it stores lists
// leaves its checkpoint; the next run resumes it (same stamp, the stored
// shoppers skipped) and ends with the lists and SIMILAR edges a run that was
// never killed writes.
func TestRecomputeProcessKilledMidListsResumes(t *testing.T) {
	ctx := context.Background()
	g := testenv.Graph(t)
	rdb := testenv.Redis(t)
	base := testenv.IDBase(t)
	prefix := testenv.Namespace(t)
	t.Cleanup(func() { testenv.DropKeys(rdb, prefix) })
	t.Setenv("RECS_CACHE_PREFIX", prefix)

	// 600 shoppers in three taste groups over 30 products, active this week.
	const users, products = 600, 30
	var us []stylegraph.User
	for u := 1; u <= users; u++ {
		us = append(us, stylegraph.User{ID: base + int64(u), Name: fmt.Sprint("Shopper ", u)})
	}
	var ps []stylegraph.Product
	for p := 1; p <= products; p++ {
		ps = append(ps, stylegraph.Product{ID: base + 1000 + int64(p), Title: fmt.Sprint("Product ", p), Price: 10, Currency: "EUR"})
	}
	rng := rand.New(rand.NewPCG(uint64(base), 1))
	now := time.Now().UTC()
	var es []graph.Engagement
	for u := 1; u <= users; u++ {
		group := u % 3
		for n := 0; n < 4; n++ {
			p := 1 + group*10 + rng.IntN(10)
			es = append(es, graph.Engagement{UserID: base + int64(u), ProductID: base + 1000 + int64(p), Kind: graph.EngageLike, At: now.Add(-time.Duration(1+rng.IntN(100)) * time.Hour)})
		}
	}
	t.Cleanup(func() {
		for _, p := range ps {
			_, _ = g.Catalog.DeleteProduct(context.Background(), p.ID)
		}
		_ = g.Seed.PurgeUsers(context.Background(), base, base+users+1)
	})
	if err := g.Catalog.UpsertUsers(ctx, us); err != nil {
		t.Fatal(err)
	}
	if err := g.Catalog.UpsertProducts(ctx, ps); err != nil {
		t.Fatal(err)
	}
	if err := g.Seed.LoadEngagements(ctx, es); err != nil {
		t.Fatal(err)
	}
	scope := graph.Scope{From: base, To: base + 999_999}
	args := []string{"recompute", "--from-id", fmt.Sprint(scope.From), "--to-id", fmt.Sprint(scope.To), "--top-k", "5", "--validation-users", "0"}

	// The process, one list per batch so the kill lands between batches.
	child := exec.Command(os.Args[0])
	child.Env = append(os.Environ(), recomputeChild+"="+strings.Join(append(args, "--batch", "1"), " "), "RECS_CACHE_PREFIX="+prefix, "LOG_LEVEL=warn")
	var childOut bytes.Buffer
	child.Stdout, child.Stderr = &childOut, &childOut
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- child.Wait() }()
	cpKey := fmt.Sprintf("%srecompute-run:%d-%d", prefix, scope.From, scope.To)
	deadline := time.Now().Add(3 * time.Minute)
	killedAt := int64(0)
	for killedAt == 0 {
		select {
		case err := <-exited:
			t.Fatalf("the run ended (%v) before any list batch was seen; output:\n%s", err, childOut.String())
		default:
		}
		if time.Now().After(deadline) {
			_ = child.Process.Kill()
			t.Fatalf("no list batch stored within 3 minutes; output:\n%s", childOut.String())
		}
		var cp struct {
			ListsAfter int64 `json:"listsAfter"`
		}
		if b, err := rdb.Get(ctx, cpKey).Bytes(); err == nil && json.Unmarshal(b, &cp) == nil && cp.ListsAfter > 0 {
			if err := child.Process.Kill(); err != nil {
				t.Fatal(err)
			}
			killedAt = cp.ListsAfter
			break
		}
		time.Sleep(time.Millisecond)
	}
	<-exited
	// Each shopper's stored items (product and score) as the online path
	// reads them.
	type item struct {
		ID    int64
		Score float64
	}
	cache := recommend.NewCache(rdb, prefix, time.Hour)
	lists := func() map[int64][]item {
		t.Helper()
		out := map[int64][]item{}
		for u := 1; u <= users; u++ {
			rs, ok, err := cache.Get(ctx, base+int64(u))
			if err != nil {
				t.Fatal(err)
			}
			if !ok {
				continue
			}
			for _, r := range rs {
				out[base+int64(u)] = append(out[base+int64(u)], item{r.ProductID, r.Score})
			}
		}
		return out
	}
	if n := len(lists()); n == 0 || n >= users {
		t.Fatalf("after the kill %d of %d lists are stored; want some, not all", n, users)
	}

	// The dead process's lock outlives it by its TTL (2 minutes): a run now
	// must not start. The test then lets it lapse by deleting it.
	var out bytes.Buffer
	if err := run(ctx, args, &out, io.Discard); err != nil || !bytes.Contains(out.Bytes(), []byte("another run holds the lock")) {
		t.Fatalf("run while the dead process's lock lives: %v\n%s", err, out.String())
	}
	lockKey := fmt.Sprintf("%srecompute-lock:%d-%d", prefix, scope.From, scope.To)
	if err := rdb.Del(ctx, lockKey).Err(); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if err := run(ctx, args, &out, io.Discard); err != nil {
		t.Fatalf("run after the kill: %v\n%s", err, out.String())
	}
	m := regexp.MustCompile(`(\d+) lists stored in .* \(resumed: (\d+) lists were already stored\)`).FindStringSubmatch(out.String())
	if m == nil {
		t.Fatalf("the run after the kill did not resume:\n%s", out.String())
	}
	stored, skipped := atoi(t, m[1]), atoi(t, m[2])
	if skipped == 0 || stored+skipped != users {
		t.Fatalf("resumed run stored %d and skipped %d lists; want the %d not stored before the kill (killed after shopper %d)", stored, skipped, users, killedAt)
	}
	resumed := lists()
	edges := func() [][]graph.Neighbour {
		var out [][]graph.Neighbour
		for _, p := range ps {
			ns, err := g.Batch.SimilarEdges(ctx, p.ID, recommend.SimilaritySource)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, ns)
		}
		return out
	}
	resumedEdges := edges()

	// A run that is never killed writes the same.
	out.Reset()
	if err := run(ctx, args, &out, io.Discard); err != nil {
		t.Fatalf("uninterrupted run: %v\n%s", err, out.String())
	}
	// Its stamp is a few seconds later, which moves half-life decay in the
	// fifth decimal of a score, no more.
	if diff := cmp.Diff(lists(), resumed, cmpopts.EquateApprox(0, 1e-4)); diff != "" {
		t.Fatalf("lists (-uninterrupted +killed and resumed):\n%s", diff)
	}
	if diff := cmp.Diff(edges(), resumedEdges); diff != "" {
		t.Fatalf("SIMILAR edges (-uninterrupted +killed and resumed):\n%s", diff)
	}
	if len(resumed) != users {
		t.Fatalf("%d lists stored, want %d", len(resumed), users)
	}
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}
