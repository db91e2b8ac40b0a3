package main

import (
	"context"
	"fmt"
	"io"
	"math"
	"net/http"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/api"
	"github.com/stylegraph/stylegraph/internal/e2e"
	"github.com/stylegraph/stylegraph/internal/testenv"
	"github.com/stylegraph/stylegraph/lake"
)

// dumpActivity is a canonical listing of every relationship leaving the
// test's users: user, type, target, properties. The bounded lists of recent
// event IDs are left out (their order follows arrival) and weights are
// rounded (float sums depend on order in the last bits).
func dumpActivity(t *testing.T, d *deps, lo, hi int64) []string {
	t.Helper()
	rows, err := d.Graph.Inspect(context.Background(), `MATCH (u:User)-[r]->(x) WHERE u.id >= $lo AND u.id < $hi
		RETURN u.id AS user, type(r) AS rel, labels(x)[0] AS label, coalesce(toString(x.id), x.name, x.path) AS target,
		       properties(r) AS props`, map[string]any{"lo": lo, "hi": hi})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range rows {
		props := r["props"].(map[string]any)
		delete(props, "lastEventIds")
		var kv []string
		for k, v := range props {
			switch x := v.(type) {
			case float64:
				v = math.Round(x*1e6) / 1e6
			case time.Time:
				v = x.UTC().Format(time.RFC3339Nano)
			}
			kv = append(kv, fmt.Sprintf("%s=%v", k, v))
		}
		sort.Strings(kv)
		out = append(out, fmt.Sprintf("%v -%s-> %s:%v {%s}", r["user"], r["rel"], r["label"], r["target"], strings.Join(kv, " ")))
	}
	sort.Strings(out)
	return out
}

// TestReplayRebuildsTheLiveGraph sends events through the API, lets the
// worker apply and archive them, then erases the test's users and rebuilds
// them from the archive: the graph must come back the same, and replaying
// again must change nothing.
func TestReplayRebuildsTheLiveGraph(t *testing.T) {
	base, d := startServerWith(t, isolate(t))
	ctx := context.Background()
	ids := testenv.IDBase(t)
	u := fmt.Sprint(ids)
	u1, u2, u3, u4, u5 := ids+1, ids+2, ids+3, ids+4, ids+5
	p1, p2, p3 := ids+11, ids+12, ids+13
	brand := "Brand" + u
	var products []stylegraph.Product
	for i, p := range []int64{p1, p2, p3} {
		products = append(products, stylegraph.Product{ID: p, Title: fmt.Sprint("Tee ", i), Brand: brand,
			CategoryPath: []string{"Apparel" + u, "Topwear"}, Tags: []string{"cotton" + u, fmt.Sprint("t", i, u)}, CreatedAt: time.Now()})
	}
	if err := d.Graph.Catalog.UpsertProducts(ctx, products); err != nil {
		t.Fatal(err)
	}
	t0 := time.Now().UTC().Add(-3 * time.Hour).Truncate(time.Hour).Add(50 * time.Minute)
	at := func(min int) string { return t0.Add(time.Duration(min) * time.Minute).Format(time.RFC3339) }
	type ev struct {
		typ    string
		user   int64
		target string
		min    int
		data   string
	}
	evs := []ev{
		{"like", u1, fmt.Sprintf(`{"kind":"product","id":%d}`, p1), 3, ""},
		{"follow", u1, fmt.Sprintf(`{"kind":"user","id":%d}`, u2), 0, ""},
		{"unlike", u1, fmt.Sprintf(`{"kind":"product","id":%d}`, p1), 70, ""}, // next hour
		{"follow", u1, fmt.Sprintf(`{"kind":"brand","id":%d}`, stylegraph.BrandID(brand)), 1, ""},
		{"follow", u1, fmt.Sprintf(`{"kind":"tag","name":"cotton%s"}`, u), 2, ""},
		{"like", u1, fmt.Sprintf(`{"kind":"product","id":%d}`, p2), 75, ""},
		{"view", u2, fmt.Sprintf(`{"kind":"product","id":%d}`, p1), 125, ""},
		{"view", u2, fmt.Sprintf(`{"kind":"product","id":%d}`, p1), 5, ""},
		{"view", u2, fmt.Sprintf(`{"kind":"product","id":%d}`, p1), 65, ""},
		{"add_to_cart", u2, fmt.Sprintf(`{"kind":"product","id":%d}`, p2), 6, `{"quantity":2,"price":5,"currency":"USD"}`},
		{"remove_from_cart", u2, fmt.Sprintf(`{"kind":"product","id":%d}`, p2), 7, ""},
		{"purchase", u2, fmt.Sprintf(`{"kind":"product","id":%d}`, p3), 8, `{"quantity":1,"price":10,"currency":"USD"}`},
		{"unfollow", u3, fmt.Sprintf(`{"kind":"user","id":%d}`, u1), 90, ""},
		{"follow", u3, fmt.Sprintf(`{"kind":"user","id":%d}`, u1), 10, ""},
		{"follow", u3, fmt.Sprintf(`{"kind":"user","id":%d}`, u2), 11, ""},
		{"hide", u4, fmt.Sprintf(`{"kind":"product","id":%d}`, p1), 12, ""},
		{"search", u5, "", 13, `{"query":"linen shirt","resultCount":3}`},
	}
	var parts []string
	for _, e := range evs {
		s := fmt.Sprintf(`{"id":%q,"type":%q,"userId":%d,"occurredAt":%q`, uuid.NewString(), e.typ, e.user, at(e.min))
		if e.target != "" {
			s += `,"target":` + e.target
		}
		if e.data != "" {
			s += `,"data":` + e.data
		}
		parts = append(parts, s+"}")
	}
	var res api.EventsResponse
	if code := e2e.Do(t, http.MethodPost, base+"/v1/events", map[string]string{"Authorization": "Bearer " + e2e.Token(t, d.Cfg.JWTSecret, ids+999, stylegraph.RoleService)}, "["+strings.Join(parts, ",")+"]", &res); code != http.StatusAccepted || res.Accepted != len(evs) {
		t.Fatalf("POST /v1/events = %d %+v", code, res)
	}

	wbase := startWorker(t, d)
	deadline := time.Now().Add(30 * time.Second)
	for {
		var ready struct {
			Consumers map[string]struct{ Lag *int64 } `json:"consumers"`
		}
		get(t, wbase+"/readyz", nil, &ready)
		gw, ar := ready.Consumers["graph-writer"].Lag, ready.Consumers[d.Cfg.Archive.Group].Lag
		if gw != nil && ar != nil && *gw == 0 && *ar == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("consumers still lagging after 30s: %+v", ready)
		}
		time.Sleep(100 * time.Millisecond)
	}
	live := dumpActivity(t, d, ids, ids+1000)
	for _, want := range []string{"-FOLLOWS-> User:" + fmt.Sprint(u2), "-LIKED-> Product:" + fmt.Sprint(p2), "-VIEWED-> Product:" + fmt.Sprint(p1),
		"-PURCHASED-> Product:", "-INTERESTED_IN-> Brand:", "-UNLIKED-> Product:" + fmt.Sprint(p1)} {
		if !strings.Contains(strings.Join(live, "\n"), want) {
			t.Errorf("live graph lacks %q:\n%s", want, strings.Join(live, "\n"))
		}
	}

	store, err := lake.NewDir(d.Cfg.Archive.Dir)
	if err != nil {
		t.Fatal(err)
	}
	keys, err := store.List(ctx, lake.Root)
	if err != nil || len(keys) < 3 {
		t.Fatalf("archive holds %v (%v), want objects in at least 3 hours", keys, err)
	}

	// Erase the test's users with everything they did, then rebuild.
	if _, err := d.Graph.Inspect(ctx, `MATCH (u:User) WHERE u.id >= $lo AND u.id < $hi DETACH DELETE u`, map[string]any{"lo": ids, "hi": ids + 1000}); err != nil {
		t.Fatal(err)
	}
	if got := dumpActivity(t, d, ids, ids+1000); len(got) != 0 {
		t.Fatalf("erase left %v", got)
	}
	for i := range 2 {
		st, err := replay(ctx, store, d.GraphWriter(), lake.ReadOptions{Batch: 4}, io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		if st.Events != len(evs) || st.Failed != 0 {
			t.Errorf("replay %d: %+v, want %d events and no failures", i+1, st, len(evs))
		}
		if diff := cmp.Diff(live, dumpActivity(t, d, ids, ids+1000)); diff != "" {
			t.Errorf("graph after replay %d (-live +replayed):\n%s", i+1, diff)
		}
	}

	// --since keeps only later events: replaying the last hours alone onto
	// an erased graph brings back only what happened then.
	if _, err := d.Graph.Inspect(ctx, `MATCH (u:User) WHERE u.id >= $lo AND u.id < $hi DETACH DELETE u`, map[string]any{"lo": ids, "hi": ids + 1000}); err != nil {
		t.Fatal(err)
	}
	st, err := replay(ctx, store, d.GraphWriter(), lake.ReadOptions{Since: t0.Add(100 * time.Minute)}, io.Discard)
	if err != nil || st.Events != 1 {
		t.Fatalf("replay since: %+v %v, want the one view at +125m", st, err)
	}
}

func TestParseSince(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want time.Time
		bad  bool
	}{
		{"", time.Time{}, false},
		{"2026-11-25", time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC), false},
		{"2026-11-25T14:30:00+09:00", time.Date(2026, 11, 25, 5, 30, 0, 0, time.UTC), false},
		{"yesterday", time.Time{}, true},
	} {
		got, err := parseSince(tt.in)
		if (err != nil) != tt.bad || !got.Equal(tt.want) {
			t.Errorf("parseSince(%q) = %v, %v", tt.in, got, err)
		}
	}
}
