package ingest_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/redis/go-redis/v9"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/api"
	"github.com/stylegraph/stylegraph/auth"
	"github.com/stylegraph/stylegraph/ingest"
	"github.com/stylegraph/stylegraph/ingest/redisstream"
	"github.com/stylegraph/stylegraph/internal/testenv"
)

// TestAcceptedEventsSurviveARedisCrash posts events through the real API to
// a private Redis, kills that Redis as soon as the 202 arrives, restarts it
// and finds every accepted event in the stream and its ID still remembered.
func TestAcceptedEventsSurviveARedisCrash(t *testing.T) {
	r := testenv.StartRedis(t)
	rdb := redis.NewClient(&redis.Options{Addr: r.Addr(), MaxRetries: -1})
	t.Cleanup(func() { rdb.Close() })
	log := redisstream.New(rdb, redisstream.Options{Stream: "durability:events"})
	const secret = "0123456789abcdef0123456789abcdef"
	srv := api.New(api.Options{
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Auth:   auth.New(secret, nil),
		Events: ingest.NewIngester(log),
	})
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	tok, err := auth.New(secret, nil).Mint(7, stylegraph.RoleShopper, time.Hour)
	if err != nil {
		t.Fatal(err)
	}

	var ids []string
	var batch []string
	for i := range 50 {
		id := uuid.NewString()
		ids = append(ids, id)
		batch = append(batch, fmt.Sprintf(`{"id": %q, "type": "view", "target": {"kind": "product", "id": %d}}`, id, i+1))
	}
	body := "[" + strings.Join(batch, ",") + "]"
	postEvents := func() api.EventsResponse {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPost, ts.URL+"/v1/events", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out api.EventsResponse
		if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != http.StatusAccepted {
			t.Fatalf("POST /v1/events = %d, %v", resp.StatusCode, err)
		}
		return out
	}
	if got := postEvents(); got.Accepted != 50 {
		t.Fatalf("accepted %d of 50", got.Accepted)
	}
	r.Kill() // right after the 202: no clean shutdown, no final fsync by Redis
	r.Start()

	ctx := context.Background()
	msgs, err := log.Read(ctx, "check", "c", 100, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != 50 {
		t.Fatalf("after the restart the stream holds %d events, want 50", len(msgs))
	}
	for i, m := range msgs {
		if m.Event.ID != ids[i] {
			t.Fatalf("event %d is %s, want %s", i, m.Event.ID, ids[i])
		}
	}
	if got := postEvents(); got.Duplicates != 50 {
		t.Errorf("after the restart a repeat gave %d duplicates, want 50", got.Duplicates)
	}
}
