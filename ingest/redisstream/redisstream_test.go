package redisstream_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/redis/go-redis/v9"

	"github.com/stylegraph/stylegraph/ingest"
	"github.com/stylegraph/stylegraph/ingest/ingesttest"
	"github.com/stylegraph/stylegraph/ingest/redisstream"
)

func TestAppendUniqueDeduplicates(t *testing.T) {
	l, rdb := ingesttest.RedisLog(t, redisstream.Options{})
	ctx := context.Background()
	evs := ingesttest.Views(1, 100, 3)
	got, err := l.AppendUnique(ctx, append(evs, evs[0])) // a repeat within the batch too
	if err != nil {
		t.Fatal(err)
	}
	want := []ingest.Status{ingest.Accepted, ingest.Accepted, ingest.Accepted, ingest.Duplicate}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("first append (-want +got):\n%s", diff)
	}
	got, err = l.AppendUnique(ctx, evs)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]ingest.Status{ingest.Duplicate, ingest.Duplicate, ingest.Duplicate}, got); diff != "" {
		t.Errorf("second append (-want +got):\n%s", diff)
	}
	if n := rdb.XLen(ctx, l.Stream()).Val(); n != 3 {
		t.Errorf("stream length = %d, want 3", n)
	}
	// The markers outlive a day (the API promises at least 24h).
	keys, _ := redisstream.AppendUniqueArgs(l.Stream(), 48*time.Hour, "", time.Now())
	if ttl := rdb.PTTL(ctx, keys[1]).Val(); ttl < 24*time.Hour {
		t.Errorf("dedup marker TTL = %v, want >= 24h", ttl)
	}
}

// TestAppendUniqueWindow checks the window on the clock: an ID is a
// duplicate for a whole window after its append, across bucket boundaries,
// and forgotten two windows later.
func TestAppendUniqueWindow(t *testing.T) {
	const window = time.Second
	l, _ := ingesttest.RedisLog(t, redisstream.Options{DedupWindow: window})
	ctx := context.Background()
	ev := ingesttest.Views(1, 100, 1)
	start := time.Now()
	if got, err := l.AppendUnique(ctx, ev); err != nil || got[0] != ingest.Accepted {
		t.Fatalf("first append = %v, %v", got, err)
	}
	firstDone := time.Now()
	checked := 0
	for time.Since(start) < window {
		got, err := l.AppendUnique(ctx, ev)
		if err != nil {
			t.Fatal(err)
		}
		// Only a repeat that finished within the window of the first
		// append's start is owed a Duplicate (a stalled machine can push
		// one past it).
		if time.Since(start) < window {
			checked++
			if got[0] != ingest.Duplicate {
				t.Fatalf("repeat %v after the first append = %s, want duplicate", time.Since(start), got[0])
			}
		}
		time.Sleep(window / 20)
	}
	if checked < 3 {
		t.Fatalf("only %d repeats landed within the window; the machine is too loaded to tell", checked)
	}
	time.Sleep(time.Until(firstDone.Add(2*window + 50*time.Millisecond)))
	if got, err := l.AppendUnique(ctx, ev); err != nil || got[0] != ingest.Accepted {
		t.Errorf("append two windows later = %v, %v; want accepted (forgotten)", got, err)
	}
}

func TestReadAckLagPerGroup(t *testing.T) {
	l, _ := ingesttest.RedisLog(t, redisstream.Options{})
	ctx := context.Background()
	evs := ingesttest.Views(1, 100, 5)
	if err := l.Append(ctx, evs); err != nil {
		t.Fatal(err)
	}
	lag := func(group string) int64 {
		t.Helper()
		n, err := l.Lag(ctx, group)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := lag("a"); n != 5 {
		t.Errorf("lag of a group not created yet = %d, want 5", n)
	}
	msgs, err := l.Read(ctx, "a", "c1", 3, 0)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, m := range msgs {
		ids = append(ids, m.Event.ID)
		if m.Deliveries != 1 {
			t.Errorf("first delivery counted %d", m.Deliveries)
		}
	}
	if diff := cmp.Diff([]string{evs[0].ID, evs[1].ID, evs[2].ID}, ids); diff != "" {
		t.Errorf("read in order (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(evs[0], msgs[0].Event); diff != "" {
		t.Errorf("event round trip (-want +got):\n%s", diff)
	}
	if n := lag("a"); n != 5 {
		t.Errorf("lag with 3 pending, 2 undelivered = %d, want 5", n)
	}
	if err := l.Ack(ctx, "a", msgs); err != nil {
		t.Fatal(err)
	}
	if n := lag("a"); n != 2 {
		t.Errorf("lag after ack = %d, want 2", n)
	}
	// Another group is independent.
	if n := lag("b"); n != 5 {
		t.Errorf("lag of group b = %d, want 5", n)
	}
	more, err := l.Read(ctx, "b", "c1", 10, 0)
	if err != nil || len(more) != 5 {
		t.Fatalf("group b read %d, %v; want 5", len(more), err)
	}
}

func TestReadReclaimsStaleMessages(t *testing.T) {
	l, _ := ingesttest.RedisLog(t, redisstream.Options{ClaimIdle: 50 * time.Millisecond})
	ctx := context.Background()
	if err := l.Append(ctx, ingesttest.Views(1, 100, 2)); err != nil {
		t.Fatal(err)
	}
	first, err := l.Read(ctx, "g", "crashed", 10, 0)
	if err != nil || len(first) != 2 {
		t.Fatalf("read %d, %v", len(first), err)
	}
	time.Sleep(80 * time.Millisecond)
	again, err := l.Read(ctx, "g", "successor", 10, 0)
	if err != nil {
		t.Fatal(err)
	}
	got := make([]string, len(again))
	for i, m := range again {
		got[i] = fmt.Sprintf("%s/%d", m.Handle, m.Deliveries)
	}
	want := []string{first[0].Handle + "/2", first[1].Handle + "/2"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("reclaimed (-want +got):\n%s", diff)
	}
}

func TestDeadLetterRecordsReasonAndAcks(t *testing.T) {
	l, rdb := ingesttest.RedisLog(t, redisstream.Options{})
	ctx := context.Background()
	evs := ingesttest.Views(1, 100, 1)
	if err := l.Append(ctx, evs); err != nil {
		t.Fatal(err)
	}
	// An entry something else wrote goes to the dead letters on read.
	if err := rdb.XAdd(ctx, &redis.XAddArgs{Stream: l.Stream(), Values: []any{"e", "{not json"}}).Err(); err != nil {
		t.Fatal(err)
	}
	msgs, err := l.Read(ctx, "g", "c", 10, 0)
	if err != nil || len(msgs) != 1 {
		t.Fatalf("read %d, %v; want the one good event", len(msgs), err)
	}
	if err := l.DeadLetter(ctx, "g", msgs[0], fmt.Errorf("boom")); err != nil {
		t.Fatal(err)
	}
	dead, err := l.DeadLetters(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(dead) != 2 {
		t.Fatalf("dead letters = %+v", dead)
	}
	if dead[0].Group != "g" || dead[0].Event != "{not json" {
		t.Errorf("undecodable entry dead letter = %+v", dead[0])
	}
	if dead[1].Group != "g" || dead[1].Error != "boom" || dead[1].Entry != msgs[0].Handle || dead[1].Deliveries != 1 {
		t.Errorf("dead letter = %+v", dead[1])
	}
	if n, _ := l.Lag(ctx, "g"); n != 0 {
		t.Errorf("lag after dead-lettering everything = %d", n)
	}

	// Requeued, the event is delivered again and leaves the dead letters.
	if n, err := l.Requeue(ctx, dead[1].ID, "0-1"); err != nil || n != 1 {
		t.Fatalf("requeue moved %d, %v; want 1", n, err)
	}
	again, err := l.Read(ctx, "g", "c", 10, 0)
	if err != nil || len(again) != 1 || again[0].Event.ID != evs[0].ID {
		t.Fatalf("after requeue read %+v, %v", again, err)
	}
	if left, _ := l.DeadLetters(ctx, 10); len(left) != 1 || left[0].ID != dead[0].ID {
		t.Errorf("dead letters after requeue = %+v", left)
	}
}

func TestReadPrunesIdleConsumerNames(t *testing.T) {
	o := redisstream.Options{PruneIdle: 50 * time.Millisecond}
	l, rdb := ingesttest.RedisLog(t, o)
	ctx := context.Background()
	if err := l.Append(ctx, ingesttest.Views(1, 100, 2)); err != nil {
		t.Fatal(err)
	}
	// "holder" keeps a pending message; "gone" acknowledged its own.
	if _, err := l.Read(ctx, "g", "holder", 1, 0); err != nil {
		t.Fatal(err)
	}
	msgs, err := l.Read(ctx, "g", "gone", 1, 0)
	if err != nil || len(msgs) != 1 {
		t.Fatalf("read %d, %v", len(msgs), err)
	}
	if err := l.Ack(ctx, "g", msgs); err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond)
	// A fresh process (its first read prunes at once).
	o.Stream = l.Stream()
	if _, err := redisstream.New(rdb, o).Read(ctx, "g", "new", 1, 0); err != nil {
		t.Fatal(err)
	}
	cs, err := rdb.XInfoConsumers(ctx, l.Stream(), "g").Result()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range cs {
		if c.Name != "new" { // whether a read of nothing creates it varies by Redis version
			names = append(names, c.Name)
		}
	}
	if diff := cmp.Diff([]string{"holder"}, names); diff != "" {
		t.Errorf("consumers (-want +got):\n%s", diff)
	}
}

// Redis' own per-group lag counter can be stale (after an AOF reload it was
// seen at 33,500 with everything delivered); Lag reads the stream instead.
func TestLagIgnoresAStaleRedisCounter(t *testing.T) {
	l, rdb := ingesttest.RedisLog(t, redisstream.Options{})
	ctx := context.Background()
	if err := l.Append(ctx, ingesttest.Views(1, 100, 5)); err != nil {
		t.Fatal(err)
	}
	msgs, err := l.Read(ctx, "g", "c1", 10, 0)
	if err != nil || len(msgs) != 5 {
		t.Fatalf("read %d, %v", len(msgs), err)
	}
	if err := l.Ack(ctx, "g", msgs); err != nil {
		t.Fatal(err)
	}
	info, err := rdb.XInfoStream(ctx, l.Stream()).Result()
	if err != nil {
		t.Fatal(err)
	}
	// Make Redis believe 40,000 entries were ever added.
	if err := rdb.Do(ctx, "XSETID", l.Stream(), info.LastGeneratedID, "ENTRIESADDED", 40000).Err(); err != nil {
		t.Fatal(err)
	}
	groups, _ := rdb.XInfoGroups(ctx, l.Stream()).Result()
	if len(groups) != 1 || groups[0].Lag < 1000 {
		t.Fatalf("Redis' counter was not made stale: %+v", groups)
	}
	if n, err := l.Lag(ctx, "g"); err != nil || n != 0 {
		t.Errorf("lag with everything delivered = %d, %v; want 0", n, err)
	}
	if err := l.Append(ctx, ingesttest.Views(200, 300, 3)); err != nil {
		t.Fatal(err)
	}
	if n, err := l.Lag(ctx, "g"); err != nil || n != 3 {
		t.Errorf("lag with 3 new entries = %d, %v; want 3", n, err)
	}
	if _, err := l.Read(ctx, "g", "c1", 2, 0); err != nil {
		t.Fatal(err)
	}
	if n, err := l.Lag(ctx, "g"); err != nil || n != 3 {
		t.Errorf("lag with 1 undelivered and 2 pending = %d, %v; want 3", n, err)
	}
}
