package ingest_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"strconv"
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
)

// privateRedis runs a redis-server of the test's own, configured like the
// shared one (append-only file, fsync every second), in dir on a free port.
type privateRedis struct {
	t    *testing.T
	dir  string
	port int
	cmd  *exec.Cmd
}

func startPrivateRedis(t *testing.T) *privateRedis {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	r := &privateRedis{t: t, dir: t.TempDir(), port: port}
	r.start()
	t.Cleanup(r.kill)
	return r
}

func (r *privateRedis) addr() string { return "127.0.0.1:" + strconv.Itoa(r.port) }

func (r *privateRedis) start() {
	r.t.Helper()
	r.cmd = exec.Command("redis-server", "--port", strconv.Itoa(r.port), "--bind", "127.0.0.1",
		"--dir", r.dir, "--appendonly", "yes", "--appendfsync", "everysec", "--save", "", "--daemonize", "no")
	if err := r.cmd.Start(); err != nil {
		r.t.Fatalf("start redis-server (installed by `make services`): %v", err)
	}
	c := redis.NewClient(&redis.Options{Addr: r.addr()})
	defer c.Close()
	for deadline := time.Now().Add(10 * time.Second); ; {
		if c.Ping(context.Background()).Err() == nil {
			return
		}
		if time.Now().After(deadline) {
			r.t.Fatal("private redis-server did not answer within 10s")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// kill stops the server the hard way, as a crash would.
func (r *privateRedis) kill() {
	if r.cmd != nil && r.cmd.Process != nil {
		_ = r.cmd.Process.Kill()
		_ = r.cmd.Wait()
		r.cmd = nil
	}
}

// TestAcceptedEventsSurviveARedisCrash posts events through the real API to
// a private Redis, kills that Redis as soon as the 202 arrives, restarts it
// and finds every accepted event in the stream and its ID still remembered.
func TestAcceptedEventsSurviveARedisCrash(t *testing.T) {
	r := startPrivateRedis(t)
	rdb := redis.NewClient(&redis.Options{Addr: r.addr(), MaxRetries: -1})
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
	r.kill() // right after the 202: no clean shutdown, no final fsync by Redis
	r.start()

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
