package ingest_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/graph"
	"github.com/stylegraph/stylegraph/ingest"
	"github.com/stylegraph/stylegraph/ingest/ingesttest"
	"github.com/stylegraph/stylegraph/ingest/redisstream"
	"github.com/stylegraph/stylegraph/internal/testenv"
)

func TestConsumerDeadLettersTheEventThatKeepsFailing(t *testing.T) {
	l, _ := ingesttest.RedisLog(t, redisstream.Options{})
	ctx := context.Background()
	evs := ingesttest.Views(1, 100, 5)
	poison := evs[2].ID
	if err := l.Append(ctx, evs); err != nil {
		t.Fatal(err)
	}
	h := &ingesttest.Recorder{Fail: func(batch []stylegraph.Event) error {
		for _, e := range batch {
			if e.ID == poison {
				return errors.New("product 103 breaks the handler")
			}
		}
		return nil
	}}
	reg := prometheus.NewRegistry()
	c := ingest.NewConsumer(l, "g", "c1", h, ingesttest.FastOptions(reg))
	n, err := c.Step(ctx)
	if err != nil || n != 5 {
		t.Fatalf("step finished %d, %v; want 5", n, err)
	}
	want := map[string]int{evs[0].ID: 1, evs[1].ID: 1, evs[3].ID: 1, evs[4].ID: 1}
	if diff := cmp.Diff(want, h.Applied); diff != "" {
		t.Errorf("applied (-want +got):\n%s", diff)
	}
	dead, err := l.DeadLetters(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(dead) != 1 || dead[0].Group != "g" || dead[0].Error != "product 103 breaks the handler" || !strings.Contains(dead[0].Event, poison) {
		t.Errorf("dead letters = %+v", dead)
	}
	if lag, _ := l.Lag(ctx, "g"); lag != 0 {
		t.Errorf("lag = %d, want 0", lag)
	}
	expected := `
# HELP stylegraph_consumer_events_dead_lettered_total Events moved to the dead-letter stream.
# TYPE stylegraph_consumer_events_dead_lettered_total counter
stylegraph_consumer_events_dead_lettered_total{group="g"} 1
# HELP stylegraph_consumer_events_failed_total Failed attempts at applying a single event.
# TYPE stylegraph_consumer_events_failed_total counter
stylegraph_consumer_events_failed_total{group="g"} 3
# HELP stylegraph_consumer_events_processed_total Events a consumer group applied and acknowledged.
# TYPE stylegraph_consumer_events_processed_total counter
stylegraph_consumer_events_processed_total{group="g"} 4
`
	if err := testutil.GatherAndCompare(reg, strings.NewReader(expected)); err != nil {
		t.Error(err)
	}
}

func TestConsumerWaitsOutUnavailableDependencies(t *testing.T) {
	l, _ := ingesttest.RedisLog(t, redisstream.Options{})
	ctx := context.Background()
	evs := ingesttest.Views(1, 100, 3)
	if err := l.Append(ctx, evs); err != nil {
		t.Fatal(err)
	}
	calls := 0
	h := &ingesttest.Recorder{Fail: func([]stylegraph.Event) error {
		calls++
		if calls <= 4 {
			return fmt.Errorf("write: %w", &stylegraph.Error{Code: stylegraph.EUNAVAILABLE, Message: "graph down"})
		}
		return nil
	}}
	o := ingesttest.FastOptions(nil)
	o.MaxAttempts = 1 // an outage must not count as a failure of the events
	if n, err := ingest.NewConsumer(l, "g", "c1", h, o).Step(ctx); err != nil || n != 3 {
		t.Fatalf("step finished %d, %v", n, err)
	}
	if len(h.Applied) != 3 {
		t.Errorf("applied %v, want all 3", h.Applied)
	}
	if dead, _ := l.DeadLetters(ctx, 10); len(dead) != 0 {
		t.Errorf("an outage dead-lettered %+v", dead)
	}
}

func TestConsumerDeadLettersWhatCrashedWorkersTooOften(t *testing.T) {
	l, _ := ingesttest.RedisLog(t, redisstream.Options{ClaimIdle: 20 * time.Millisecond})
	ctx := context.Background()
	evs := ingesttest.Views(1, 100, 1)
	if err := l.Append(ctx, evs); err != nil {
		t.Fatal(err)
	}
	// A worker reads it and dies.
	if _, err := l.Read(ctx, "g", "crashed", 10, 0); err != nil {
		t.Fatal(err)
	}
	time.Sleep(40 * time.Millisecond)
	o := ingesttest.FastOptions(nil)
	o.MaxDeliveries = 1
	h := &ingesttest.Recorder{}
	if n, err := ingest.NewConsumer(l, "g", "c2", h, o).Step(ctx); err != nil || n != 1 {
		t.Fatalf("step finished %d, %v", n, err)
	}
	dead, _ := l.DeadLetters(ctx, 10)
	if len(h.Applied) != 0 || len(dead) != 1 || dead[0].Error != "delivered 2 times without success" {
		t.Errorf("applied %v, dead letters %+v", h.Applied, dead)
	}
}

// TestConsumerKilledMidBatchLosesAndDoublesNothing kills a consumer after it
// wrote a batch to the graph but before it acknowledged it; its successor
// reclaims the batch and applies it again, and the graph counts every event
// exactly once.
func TestConsumerKilledMidBatchLosesAndDoublesNothing(t *testing.T) {
	g := testenv.Graph(t)
	l, _ := ingesttest.RedisLog(t, redisstream.Options{ClaimIdle: 100 * time.Millisecond})
	ctx := context.Background()
	base := testenv.IDBase(t)
	user := base + 1
	var products []stylegraph.Product
	for i := range 6 {
		products = append(products, stylegraph.Product{ID: base + 100 + int64(i) + 1, Title: "p", CreatedAt: time.Now()})
	}
	if err := g.Catalog.UpsertProducts(ctx, products); err != nil {
		t.Fatal(err)
	}
	evs := ingesttest.Views(user, base+100, 6)
	if err := l.Append(ctx, evs[:4]); err != nil {
		t.Fatal(err)
	}
	writer := graph.NewEventWriter(g.Activity)

	// The first consumer applies its batch, then dies before acknowledging.
	applied := make(chan struct{})
	doomed := ingest.HandlerFunc(func(ctx context.Context, batch []stylegraph.Event) error {
		if err := writer.Handle(ctx, batch); err != nil {
			return err
		}
		close(applied)
		<-ctx.Done()
		return ctx.Err()
	})
	runCtx, kill := context.WithCancel(ctx)
	stopped := make(chan struct{})
	go func() {
		ingest.NewConsumer(l, "graph", "doomed", doomed, ingesttest.FastOptions(nil)).Run(runCtx)
		close(stopped)
	}()
	select {
	case <-applied:
	case <-time.After(10 * time.Second):
		t.Fatal("first consumer never got its batch")
	}
	kill()
	<-stopped
	if lag, _ := l.Lag(ctx, "graph"); lag != 4 {
		t.Fatalf("lag after the crash = %d, want 4 pending", lag)
	}
	// More events arrive meanwhile.
	if err := l.Append(ctx, evs[4:]); err != nil {
		t.Fatal(err)
	}

	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	done := make(chan struct{})
	go func() {
		ingest.NewConsumer(l, "graph", "successor", writer, ingesttest.FastOptions(nil)).Run(runCtx)
		close(done)
	}()
	deadline := time.Now().Add(20 * time.Second)
	for {
		lag, err := l.Lag(ctx, "graph")
		if err == nil && lag == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("successor did not catch up: lag %d, %v", lag, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	stop()
	<-done

	rows, err := g.Inspect(ctx, `MATCH (:User {id: $u})-[v:VIEWED]->(p:Product) RETURN p.id AS product, v.count AS count ORDER BY product`, map[string]any{"u": user})
	if err != nil {
		t.Fatal(err)
	}
	var want []map[string]any
	for _, p := range products {
		want = append(want, map[string]any{"product": p.ID, "count": int64(1)})
	}
	if diff := cmp.Diff(want, rows); diff != "" {
		t.Errorf("views (-want +got):\n%s", diff)
	}
}

// TestConsumerFinishesTheBatchInFlightOnShutdown stops a consumer while its
// handler runs: within the grace period the batch completes and is
// acknowledged, and Run returns.
func TestConsumerFinishesTheBatchInFlightOnShutdown(t *testing.T) {
	l, _ := ingesttest.RedisLog(t, redisstream.Options{})
	ctx := context.Background()
	if err := l.Append(ctx, ingesttest.Views(1, 100, 3)); err != nil {
		t.Fatal(err)
	}
	started := make(chan struct{})
	var once sync.Once
	h := ingest.HandlerFunc(func(ctx context.Context, events []stylegraph.Event) error {
		once.Do(func() { close(started) })
		select {
		case <-time.After(200 * time.Millisecond):
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	})
	o := ingesttest.FastOptions(nil)
	o.ShutdownGrace = 5 * time.Second
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { ingest.NewConsumer(l, "g", "c", h, o).Run(runCtx); close(done) }()
	<-started
	stop()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return after shutdown")
	}
	if lag, err := l.Lag(ctx, "g"); err != nil || lag != 0 {
		t.Errorf("lag after a graceful stop = %d, %v; want 0", lag, err)
	}
}
