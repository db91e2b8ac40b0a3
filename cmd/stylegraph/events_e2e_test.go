package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/api"
	"github.com/stylegraph/stylegraph/config"
	"github.com/stylegraph/stylegraph/internal/e2e"
	"github.com/stylegraph/stylegraph/internal/testenv"
)

// isolate gives the test its own activity stream and consumer group, and
// removes their keys at the end.
func isolate(t *testing.T) func(*config.Config) {
	t.Helper()
	ns := testenv.Namespace(t)
	e2e.CleanKeys(t, ns)
	return func(c *config.Config) {
		c.Activity.Stream = ns + "events"
		c.Activity.GraphWriterGroup = "graph-writer"
		c.Activity.RetryBase = 10 * time.Millisecond
	}
}

// startWorker runs the worker wiring on a free port until the test ends.
func startWorker(t *testing.T, d *deps) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- work(ctx, d, ln, nil) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("worker returned %v", err)
		}
	})
	return "http://" + ln.Addr().String()
}

func TestEventsEndToEnd(t *testing.T) {
	base, d := startServerWith(t, isolate(t))
	ctx := context.Background()
	ids := testenv.IDBase(t)
	shopper, friend, product := ids+1, ids+2, ids+3
	if err := d.Graph.Catalog.UpsertProducts(ctx, []stylegraph.Product{{ID: product, Title: "Tee", CreatedAt: time.Now()}}); err != nil {
		t.Fatal(err)
	}
	asShopper := e2e.Bearer(t, d.Cfg.JWTSecret, shopper, stylegraph.RoleShopper)
	key := e2e.ServiceKey(t, d.Cfg)
	if key == "" {
		t.Fatal("no service API key configured (STYLEGRAPH_API_KEYS)")
	}
	asService := map[string]string{"X-API-Key": key}

	likeID, followID := uuid.NewString(), uuid.NewString()
	batch := fmt.Sprintf(`[
		{"id": %q, "type": "like", "target": {"kind": "product", "id": %d}},
		{"id": %q, "type": "follow", "userId": %d, "target": {"kind": "user", "id": %d}},
		{"type": "view", "userId": %d, "target": {"kind": "product", "id": %d}},
		{"type": "nope", "target": {"kind": "product", "id": 1}}
	]`, likeID, product, followID, shopper, friend, friend, product)
	var got api.EventsResponse
	if code := e2e.Do(t, http.MethodPost, base+"/v1/events", asShopper, batch, &got); code != http.StatusAccepted {
		t.Fatalf("POST /v1/events = %d %+v", code, got)
	}
	type brief struct{ Status, Code, Field string }
	briefs := func(r api.EventsResponse) []brief {
		var out []brief
		for _, x := range r.Results {
			b := brief{Status: string(x.Status)}
			if x.Error != nil {
				b.Code, b.Field = x.Error.Code, x.Error.Field
			}
			out = append(out, b)
		}
		return out
	}
	want := []brief{{"accepted", "", ""}, {"accepted", "", ""}, {"rejected", "forbidden", "userId"}, {"rejected", "invalid", "type"}}
	if diff := cmp.Diff(want, briefs(got)); diff != "" {
		t.Errorf("results (-want +got):\n%s", diff)
	}
	if got.Accepted != 2 || got.Rejected != 2 || got.Results[0].ID != likeID {
		t.Errorf("counts/ids = %+v", got)
	}

	// The same batch again: duplicates, not new events.
	var again api.EventsResponse
	e2e.Do(t, http.MethodPost, base+"/v1/events", asShopper, batch, &again)
	want[0].Status, want[1].Status = "duplicate", "duplicate"
	if diff := cmp.Diff(want, briefs(again)); diff != "" {
		t.Errorf("results of the repeat (-want +got):\n%s", diff)
	}

	// A service may act for anyone; a view by the friend.
	var svc api.EventsResponse
	if code := e2e.Do(t, http.MethodPost, base+"/v1/events", asService, fmt.Sprintf(`{"type": "view", "userId": %d, "target": {"kind": "product", "id": %d}}`, friend, product), &svc); code != 202 || svc.Accepted != 1 {
		t.Errorf("service event = %d %+v", code, svc)
	}

	// Whole-request errors.
	for _, tc := range []struct {
		name, body string
		status     int
		code       string
		field      string
	}{
		{"malformed", `[{"type":`, 400, "invalid", ""},
		{"not an event", `"view"`, 400, "invalid", ""},
		{"empty batch", `[]`, 400, "invalid", ""},
		{"too many", "[" + strings.Repeat(`{"type":"view"},`, 500) + `{"type":"view"}]`, 413, "too_large", ""},
		{"over the body limit", `[{"type":"view","context":{"session":"` + strings.Repeat("x", 5<<20) + `"}}]`, 413, "too_large", ""},
		{"lone bad event", fmt.Sprintf(`{"type": "like", "userId": %d, "target": {"kind": "brand", "id": 1}}`, shopper), 400, "invalid", "target.kind"},
		{"unknown field", `{"type": "view", "target": {"kind": "product", "id": 1}, "admin": true}`, 400, "invalid", "admin"},
		{"wrong type", `{"type": "view", "userId": "1"}`, 400, "invalid", "userId"},
	} {
		var e api.ErrorBody
		code := e2e.Do(t, http.MethodPost, base+"/v1/events", asShopper, tc.body, &e)
		if code != tc.status || e.Error.Code != tc.code || e.Error.Field != tc.field {
			t.Errorf("%s: %d %+v, want %d %s field %q", tc.name, code, e.Error, tc.status, tc.code, tc.field)
		}
	}
	if code := e2e.Do(t, http.MethodPost, base+"/v1/events", nil, batch, nil); code != 401 {
		t.Errorf("without credentials = %d, want 401", code)
	}

	// The worker applies the accepted events to the graph, once.
	wbase := startWorker(t, d)
	deadline := time.Now().Add(30 * time.Second)
	for {
		var ready struct {
			Consumers map[string]struct{ Lag *int64 } `json:"consumers"`
		}
		get(t, wbase+"/readyz", nil, &ready)
		if l := ready.Consumers["graph-writer"].Lag; l != nil && *l == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("graph writer still lagging after 30s: %+v", ready)
		}
		time.Sleep(100 * time.Millisecond)
	}
	rows, err := d.Graph.Inspect(ctx, `MATCH (u:User)-[r]->(x) WHERE u.id IN [$a, $b]
		RETURN u.id AS user, type(r) AS rel, x.id AS target, r.count AS count ORDER BY user, rel`, map[string]any{"a": shopper, "b": friend})
	if err != nil {
		t.Fatal(err)
	}
	wantRows := []map[string]any{
		{"user": shopper, "rel": "FOLLOWS", "target": friend, "count": nil},
		{"user": shopper, "rel": "LIKED", "target": product, "count": nil},
		{"user": friend, "rel": "VIEWED", "target": product, "count": int64(1)},
	}
	if diff := cmp.Diff(wantRows, rows); diff != "" {
		t.Errorf("graph (-want +got):\n%s", diff)
	}

	var metrics bytes.Buffer
	resp, err := http.Get(wbase + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(&metrics, resp.Body)
	resp.Body.Close()
	for _, line := range []string{
		`stylegraph_consumer_events_processed_total{group="graph-writer"} 3`,
		`stylegraph_consumer_lag{group="graph-writer"} 0`,
	} {
		if !strings.Contains(metrics.String(), line) {
			t.Errorf("worker /metrics lacks %q", line)
		}
	}
	// The API's internal /readyz reports the lag too.
	var ready struct {
		Details struct {
			Consumers map[string]struct{ Lag int64 } `json:"consumers"`
		} `json:"details"`
	}
	get(t, internalBase(d)+"/readyz", nil, &ready)
	if c, ok := ready.Details.Consumers["graph-writer"]; !ok || c.Lag != 0 {
		t.Errorf("/readyz details = %+v", ready.Details)
	}

	// This route takes bodies over the server's 1 MiB default: 200 comments
	// of 2,000 three-byte characters are about 1.2 MB.
	var big []string
	for range 200 {
		big = append(big, fmt.Sprintf(`{"type": "comment", "target": {"kind": "post", "id": %d}, "data": {"text": %q}}`, ids+9, strings.Repeat("가", 2000)))
	}
	body := "[" + strings.Join(big, ",") + "]"
	if len(body) <= 1<<20 {
		t.Fatalf("test body is only %d bytes", len(body))
	}
	var bigResp api.EventsResponse
	if code := e2e.Do(t, http.MethodPost, base+"/v1/events", asShopper, body, &bigResp); code != http.StatusAccepted || bigResp.Accepted != 200 {
		t.Errorf("a %d-byte batch = %d, %d accepted", len(body), code, bigResp.Accepted)
	}
}

// TestConcurrentEventsCommitTogether sends concurrent requests that repeat
// each other's event IDs: however the server groups their appends, each ID
// is accepted by exactly one request and the stream holds it once. Then the
// stream key is made unwritable: every concurrent request answers 503 and
// none claims an accepted event.
func TestConcurrentEventsCommitTogether(t *testing.T) {
	base, d := startServerWith(t, isolate(t))
	ctx := context.Background()
	ids := testenv.IDBase(t)
	key := e2e.ServiceKey(t, d.Cfg)
	if key == "" {
		t.Fatal("no service API key configured (STYLEGRAPH_API_KEYS)")
	}
	pool := make([]string, 40)
	for i := range pool {
		pool[i] = uuid.NewString()
	}
	const requests = 12
	type answer struct {
		code int
		resp api.EventsResponse
		ids  []string
		err  error
	}
	send := func() []answer {
		out := make([]answer, requests)
		var wg sync.WaitGroup
		for r := range requests {
			wg.Go(func() {
				var evs []string
				for j := range 10 {
					id := pool[(r*7+j*3)%len(pool)]
					out[r].ids = append(out[r].ids, id)
					evs = append(evs, fmt.Sprintf(`{"id": %q, "type": "view", "userId": %d, "target": {"kind": "product", "id": %d}}`, id, ids+int64(r)+1, ids+100))
				}
				req, _ := http.NewRequestWithContext(ctx, http.MethodPost, base+"/v1/events", strings.NewReader("["+strings.Join(evs, ",")+"]"))
				req.Header.Set("X-API-Key", key)
				req.Header.Set("Content-Type", "application/json")
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					out[r].err = err
					return
				}
				defer resp.Body.Close()
				out[r].code = resp.StatusCode
				out[r].err = json.NewDecoder(resp.Body).Decode(&out[r].resp)
			})
		}
		wg.Wait()
		return out
	}

	accepted := map[string]int{}
	for round := range 2 {
		for i, a := range send() {
			if a.err != nil || a.code != http.StatusAccepted {
				t.Fatalf("round %d request %d = %d, %v", round, i, a.code, a.err)
			}
			for k, res := range a.resp.Results {
				if res.ID != a.ids[k] {
					t.Fatalf("round %d request %d result %d is for %s, want %s", round, i, k, res.ID, a.ids[k])
				}
				if res.Status == "accepted" {
					accepted[res.ID]++
				}
			}
		}
	}
	for _, id := range pool {
		if accepted[id] != 1 {
			t.Errorf("event %s accepted %d times, want once", id, accepted[id])
		}
	}
	stream := d.Cfg.Activity.Stream
	if n := d.Redis.XLen(ctx, stream).Val(); n != int64(len(pool)) {
		t.Errorf("stream holds %d events, want %d", n, len(pool))
	}

	// A stream key of the wrong type: the append script fails for every group.
	if err := d.Redis.Del(ctx, stream).Err(); err != nil {
		t.Fatal(err)
	}
	if err := d.Redis.Set(ctx, stream, "not a stream", time.Minute).Err(); err != nil {
		t.Fatal(err)
	}
	for i := range pool {
		pool[i] = uuid.NewString()
	}
	for i, a := range send() {
		if a.code != http.StatusServiceUnavailable || a.resp.Accepted != 0 {
			t.Errorf("with the append failing, request %d = %d (%d accepted), want 503", i, a.code, a.resp.Accepted)
		}
	}
}
