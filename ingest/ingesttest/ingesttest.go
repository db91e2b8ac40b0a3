// Package ingesttest holds what the tests of ingest and of its stream
// adapters share: valid events, a recording handler, consumer options with
// short retries, and a Redis Streams log of the test's own.
package ingesttest

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/ingest"
	"github.com/stylegraph/stylegraph/ingest/redisstream"
	"github.com/stylegraph/stylegraph/internal/testenv"
)

// Views returns n valid view events by user of products base+1…base+n.
func Views(user, base int64, n int) []stylegraph.Event {
	now := time.Now().UTC().Truncate(time.Millisecond)
	out := make([]stylegraph.Event, n)
	for i := range out {
		out[i] = stylegraph.Event{
			ID: uuid.NewString(), Type: stylegraph.EventView, UserID: user,
			Target: &stylegraph.EventTarget{Kind: stylegraph.TargetProduct, ID: base + int64(i) + 1}, OccurredAt: now,
		}
	}
	return out
}

// Recorder is a handler that remembers what it applied (times per event
// ID) and fails as Fail tells it.
type Recorder struct {
	mu      sync.Mutex
	Applied map[string]int
	Fail    func(events []stylegraph.Event) error
}

// Handle applies events unless Fail refuses them.
func (r *Recorder) Handle(ctx context.Context, events []stylegraph.Event) error {
	if r.Fail != nil {
		if err := r.Fail(events); err != nil {
			return err
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.Applied == nil {
		r.Applied = map[string]int{}
	}
	for _, e := range events {
		r.Applied[e.ID]++
	}
	return nil
}

// FastOptions keep a consumer's retries short in tests.
func FastOptions(reg prometheus.Registerer) ingest.ConsumerOptions {
	return ingest.ConsumerOptions{
		BatchSize: 50, Block: 50 * time.Millisecond, MaxAttempts: 3, MaxDeliveries: 5,
		RetryBase: time.Millisecond, RetryMax: 5 * time.Millisecond, ShutdownGrace: time.Millisecond,
		Metrics: ingest.NewMetrics(reg), Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	}
}

// RedisLog returns a Redis Streams log on a stream of the test's own; its
// keys are deleted when the test ends.
func RedisLog(t *testing.T, o redisstream.Options) (*redisstream.Log, redis.UniversalClient) {
	t.Helper()
	rdb := testenv.Redis(t)
	ns := testenv.Namespace(t)
	o.Stream = ns + "events"
	t.Cleanup(func() { testenv.DropKeys(rdb, ns) })
	return redisstream.New(rdb, o), rdb
}
