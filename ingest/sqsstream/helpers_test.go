package sqsstream_test

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"

	"github.com/stylegraph/stylegraph/ingest"
	"github.com/stylegraph/stylegraph/internal/testenv"
)

func dropPrefix(rdb redis.UniversalClient, prefix string) { testenv.DropKeys(rdb, prefix) }

// views returns n valid view events by user of products base+1…base+n.
func views(user, base int64, n int) []ingest.Event {
	now := time.Now().UTC().Truncate(time.Millisecond)
	out := make([]ingest.Event, n)
	for i := range out {
		out[i] = ingest.Event{
			ID: uuid.NewString(), Type: ingest.View, UserID: user,
			Target: &ingest.Target{Kind: ingest.KindProduct, ID: base + int64(i) + 1}, OccurredAt: now,
		}
	}
	return out
}

// recorder is a handler that remembers what it applied and fails as told.
type recorder struct {
	mu      sync.Mutex
	applied map[string]int
	fail    func(events []ingest.Event) error
}

func (r *recorder) Handle(ctx context.Context, events []ingest.Event) error {
	if r.fail != nil {
		if err := r.fail(events); err != nil {
			return err
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.applied == nil {
		r.applied = map[string]int{}
	}
	for _, e := range events {
		r.applied[e.ID]++
	}
	return nil
}

// fastOptions keep retries short in tests.
func fastOptions(reg prometheus.Registerer) ingest.ConsumerOptions {
	return ingest.ConsumerOptions{
		BatchSize: 50, Block: 50 * time.Millisecond, MaxAttempts: 3, MaxDeliveries: 5,
		RetryBase: time.Millisecond, RetryMax: 5 * time.Millisecond, ShutdownGrace: time.Millisecond,
		Metrics: ingest.NewMetrics(reg), Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	}
}
