package recommend

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/graph"
	"github.com/stylegraph/stylegraph/internal/testenv"
)

// A card kept in one process's memory is forgotten as soon as another
// process reports the product changed and the first reads a stored list.
func TestCardsInMemoryFollowChangesElsewhere(t *testing.T) {
	ctx := context.Background()
	rdb, prefix := testenv.Redis(t), testenv.Namespace(t)
	api, importer := NewCache(rdb, prefix, time.Minute), NewCache(rdb, prefix, time.Minute)
	id := testenv.IDBase(t) + 1
	card := graph.Card{Product: stylegraph.Product{ID: id, Title: "linen shirt"}, InStock: true}
	if err := api.PutCards(ctx, map[int64]graph.Card{id: card}); err != nil {
		t.Fatal(err)
	}
	if _, err := api.GetWithSeen(ctx, 1, 0); err != nil {
		t.Fatal(err)
	}
	got, missing, err := api.Cards(ctx, []int64{id})
	if err != nil || len(missing) != 0 {
		t.Fatalf("cards = %v, missing %v, %v", got, missing, err)
	}
	if diff := cmp.Diff(card.Product.Title, got[id].Product.Title); diff != "" {
		t.Fatalf("card (-want +got):\n%s", diff)
	}
	// Served from memory: Redis losing the card does not show yet…
	if err := rdb.Del(ctx, api.cardKey(id)).Err(); err != nil {
		t.Fatal(err)
	}
	if _, missing, _ := api.Cards(ctx, []int64{id}); len(missing) != 0 {
		t.Fatalf("card missing from memory: %v", missing)
	}
	// …but a change reported elsewhere does, from the next list read on.
	if err := importer.ProductsChanged(ctx, []int64{id}); err != nil {
		t.Fatal(err)
	}
	if _, err := api.GetWithSeen(ctx, 1, 0); err != nil {
		t.Fatal(err)
	}
	if _, missing, _ := api.Cards(ctx, []int64{id}); len(missing) != 1 {
		t.Fatalf("changed card still served from memory")
	}
}

// A page is served from the first items of a long stored list, and still
// from the whole list when the shopper ignored all of those.
func TestLongListsAreReadByPrefix(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t, 1)
	cache := NewCache(testenv.Redis(t), testenv.Namespace(t), time.Minute)
	cfg := config(map[string]float64{"social": 1})
	cfg.IgnoreAfter = 1
	s := w.service(cfg, cache)
	var list []Ranked
	cards := map[int64]graph.Card{}
	for i := 1; i <= 150; i++ {
		id := w.Product(i)
		list = append(list, Ranked{ProductID: id, Score: float64(1000 - i), Reasons: []stylegraph.Reason{{Kind: "social", Text: "x"}}})
		cards[id] = graph.Card{Product: stylegraph.Product{ID: id, Title: "p"}, InStock: true}
	}
	if err := cache.PutCards(ctx, cards); err != nil {
		t.Fatal(err)
	}
	if err := cache.Put(ctx, w.User(1), list, time.Now()); err != nil {
		t.Fatal(err)
	}
	if st, err := cache.GetWithSeen(ctx, w.User(1), 50); err != nil || !st.Partial || len(st.Items) != 50 || len(st.All()) != 150 {
		t.Fatalf("prefix read: partial %v, %d items, %d in all, %v", st.Partial, len(st.Items), len(st.All()), err)
	}
	ids := func(recs []stylegraph.Recommendation) []int {
		var out []int
		for _, r := range recs {
			out = append(out, int(r.Product.ID-w.Base-100))
		}
		return out
	}
	recs, err := s.RecommendFor(ctx, Request{UserID: w.User(1), Limit: 5})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]int{1, 2, 3, 4, 5}, ids(recs)); diff != "" {
		t.Fatalf("first page (-want +got):\n%s", diff)
	}
	// The first 60 were served once and ignored: they sink below 61….
	served := make([]int64, 60)
	for i := range served {
		served[i] = w.Product(i + 1)
	}
	cache.waitSeen()
	if err := cache.MarkSeen(ctx, w.User(1), served[5:]); err != nil {
		t.Fatal(err)
	}
	if seen, _ := cache.Seen(ctx, w.User(1)); len(seen) != 60 {
		t.Fatalf("served counts = %v", seen)
	}
	recs, err = s.RecommendFor(ctx, Request{UserID: w.User(1), Limit: 5})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]int{61, 62, 63, 64, 65}, ids(recs)); diff != "" {
		t.Fatalf("after ignoring the first 60 (-want +got):\n%s", diff)
	}
}

// Served products recorded in the background add up per shopper, and a
// memory grown past maxSeen starts over once read.
func TestServedMemoryAddsUpAndStaysBounded(t *testing.T) {
	ctx := context.Background()
	cache := NewCache(testenv.Redis(t), testenv.Namespace(t), time.Minute)
	cache.MarkSeenLater(1, []int64{10, 11})
	cache.MarkSeenLater(1, []int64{10})
	cache.MarkSeenLater(2, []int64{10})
	cache.waitSeen()
	for u, want := range map[int64]map[int64]int{1: {10: 2, 11: 1}, 2: {10: 1}} {
		got, err := cache.Seen(ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("served counts of %d (-want +got):\n%s", u, diff)
		}
	}
	many := make([]int64, maxSeen+1)
	for i := range many {
		many[i] = int64(100 + i)
	}
	cache.MarkSeenLater(3, many)
	cache.waitSeen()
	deadline := time.Now().Add(10 * time.Second)
	for {
		got, err := cache.Seen(ctx, 3)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("served memory kept %d products, bound %d", len(got), maxSeen)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// Stored lists round-trip in the compact format, read whole or by prefix
// with only the served items' reasons decoded; lists stored as JSON by
// earlier versions still read.
func TestStoredListFormats(t *testing.T) {
	at := time.Unix(1_700_000_000, 0)
	items := []Ranked{
		{ProductID: 7, Score: 1.5, Reasons: []stylegraph.Reason{{Kind: "social", Text: "Ann <3 it", Via: []stylegraph.User{{ID: 2, Name: "Ann"}}}}},
		{ProductID: 8, Score: 0.25, Reasons: []stylegraph.Reason{{Kind: "trending", Text: "popular now"}}},
		{ProductID: 9, Score: 0},
	}
	ignoreRaw := cmpopts.IgnoreUnexported(Ranked{})
	b, err := encodeList(at, items)
	if err != nil {
		t.Fatal(err)
	}
	plain := func(rs []Ranked) []Ranked {
		out := make([]Ranked, len(rs))
		for i, r := range rs {
			out[i] = Ranked{ProductID: r.ProductID, Score: r.Score, Reasons: r.reasons()}
		}
		return out
	}
	all, found, err := decodeList(b)
	if err != nil || !found {
		t.Fatalf("decode: found %v, %v", found, err)
	}
	if diff := cmp.Diff(items, plain(all), ignoreRaw); diff != "" {
		t.Fatalf("whole list (-want +got):\n%s", diff)
	}
	first, partial, ok := decodeCompact(b, 2)
	if !ok || !partial {
		t.Fatalf("prefix: ok %v partial %v", ok, partial)
	}
	if diff := cmp.Diff(items[:2], plain(first), ignoreRaw); diff != "" {
		t.Fatalf("prefix (-want +got):\n%s", diff)
	}
	// A list read back and stored again keeps its still-encoded reasons.
	again, err := encodeList(at, first)
	if err != nil {
		t.Fatal(err)
	}
	back, _, _ := decodeList(again)
	if diff := cmp.Diff(items[:2], plain(back), ignoreRaw); diff != "" {
		t.Fatalf("re-stored prefix (-want +got):\n%s", diff)
	}
	if _, _, ok := decodeCompact(b[:len(b)-3], 0); ok {
		t.Fatal("a truncated list decoded")
	}
	old := []byte(`{"computedAt":1700000000,"items":[{"id":7,"score":1.5,"reasons":[{"kind":"social","text":"Ann \u003c3 it","via":[{"ID":2,"name":"Ann","imageURL":"","home":""}]}]},{"id":8,"score":0.25,"reasons":[{"kind":"trending","text":"popular now"}]},{"id":9,"score":0,"reasons":null}]}`)
	legacy, found, err := decodeList(old)
	if err != nil || !found {
		t.Fatalf("legacy: found %v, %v", found, err)
	}
	if diff := cmp.Diff(items, plain(legacy), ignoreRaw); diff != "" {
		t.Fatalf("legacy list (-want +got):\n%s", diff)
	}
}
