package main

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/config"
	"github.com/stylegraph/stylegraph/internal/e2e"
	"github.com/stylegraph/stylegraph/internal/testenv"
)

// startReplica starts one `serve` process of a rolling deploy (schemas
// already applied), stoppable on its own.
func startReplica(t *testing.T, cfg config.Config) *e2e.Server {
	t.Helper()
	return e2e.Start(t, cfg, e2e.Options{Ready: "/readyz"})
}

// TestRollingRestartWithOpenStreams: a replica holding 100 live feed streams
// stops within 5s, every stream is told to reconnect, and every client is
// streaming from the next replica within the same 5s.
func TestRollingRestartWithOpenStreams(t *testing.T) {
	cfg := testenv.Config(t)
	isolate(t)(&cfg)
	cfg.Feed.KeyPrefix = testenv.Namespace(t) + "feed:"
	cfg.Feed.NodeID = testenv.FeedNode(t)
	cfg.Archive.Dir, cfg.AuditDir = t.TempDir(), t.TempDir()
	cfg.ShutdownTimeout = 30 * time.Second // what the streams used to hold a deploy for
	// 200 stream requests within a second from one address: the rate limits
	// are another test's subject.
	cfg.RateLimitPerUser, cfg.RateLimitPerIP = 0, 0
	old := startReplica(t, cfg)
	uid := testenv.IDBase(t) + 1
	// One shopper per stream: a user may hold only a few streams at once.
	toks := make([]string, 100)
	for i := range toks {
		toks[i] = "Bearer " + e2e.Token(t, cfg.JWTSecret, uid+int64(i), stylegraph.RoleShopper)
	}

	const streams = 100
	type client struct {
		hint   chan struct{} // closed on the shutdown event
		closed chan struct{} // closed when the old stream ended
	}
	clients := make([]client, streams)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var opened sync.WaitGroup
	for i := range clients {
		c := client{make(chan struct{}), make(chan struct{})}
		clients[i] = c
		req, _ := http.NewRequestWithContext(ctx, "GET", old.URL+"/v1/feed/stream", nil)
		req.Header.Set("Authorization", toks[i])
		resp, err := http.DefaultClient.Do(req)
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("stream %d: %v %v", i, resp, err)
		}
		opened.Add(1)
		go func() {
			defer close(c.closed)
			defer resp.Body.Close()
			sc := bufio.NewScanner(resp.Body)
			first := true
			for sc.Scan() {
				line := sc.Text()
				if first && strings.HasPrefix(line, "retry:") {
					first = false
					opened.Done()
				}
				if line == "event: shutdown" {
					close(c.hint)
				}
			}
		}()
	}
	opened.Wait()

	next := startReplica(t, cfg)
	start := time.Now()
	if err := old.Stop(); err != nil {
		t.Errorf("old replica: %v", err)
	}
	stopped := time.Since(start)
	hinted := 0
	for _, c := range clients {
		select {
		case <-c.closed:
		case <-time.After(time.Second):
			t.Fatal("a stream stayed open after its replica stopped")
		}
		select {
		case <-c.hint:
			hinted++
		default:
		}
	}
	// Every client reconnects to the next replica.
	var wg sync.WaitGroup
	errs := make(chan error, streams)
	for i := range streams {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, _ := http.NewRequestWithContext(ctx, "GET", next.URL+"/v1/feed/stream", nil)
			req.Header.Set("Authorization", toks[i])
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				errs <- err
				return
			}
			defer resp.Body.Close()
			line, err := bufio.NewReader(resp.Body).ReadString('\n')
			if resp.StatusCode != 200 || !strings.HasPrefix(line, "retry:") {
				errs <- fmt.Errorf("reconnect: %d %q %v", resp.StatusCode, line, err)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	total := time.Since(start)
	t.Logf("old replica stopped in %v; %d of %d streams got the reconnect hint; all reconnected after %v", stopped.Round(time.Millisecond), hinted, streams, total.Round(time.Millisecond))
	if hinted != streams {
		t.Errorf("%d of %d streams got the reconnect hint", hinted, streams)
	}
	if total > 5*time.Second {
		t.Errorf("rolling restart took %v (stop %v), want under 5s", total, stopped)
	}
}
