package redisstream

import (
	"context"
	"encoding/json"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/ingest"
	"github.com/stylegraph/stylegraph/internal/testenv"
)

func views(n int) []stylegraph.Event {
	now := time.Now().UTC().Truncate(time.Millisecond)
	out := make([]stylegraph.Event, n)
	for i := range out {
		out[i] = stylegraph.Event{ID: uuid.NewString(), Type: stylegraph.EventView, UserID: 1,
			Target: &stylegraph.EventTarget{Kind: stylegraph.TargetProduct, ID: int64(i) + 1}, OccurredAt: now}
	}
	return out
}

// held returns a log on the test's own stream whose committers are all
// busy, so AppendUnique calls queue until release sends them as one group.
func held(t *testing.T) (l *Log, release func()) {
	t.Helper()
	rdb := testenv.Redis(t)
	ns := testenv.Namespace(t)
	t.Cleanup(func() { testenv.DropKeys(rdb, ns) })
	l = New(rdb, Options{Stream: ns + "events"})
	l.inflight = commitsInFlight
	return l, func() {
		l.gmu.Lock()
		l.inflight--
		l.gmu.Unlock()
		go l.commitQueued(context.Background())
	}
}

// queued waits until n calls are waiting for a group.
func queued(t *testing.T, l *Log, n int) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(time.Millisecond) {
		l.gmu.Lock()
		got := len(l.queue)
		l.gmu.Unlock()
		if got == n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d calls queued, want %d", got, n)
		}
	}
}

type answer struct {
	statuses []ingest.Status
	err      error
}

// appendAll queues one AppendUnique per batch, in order, releases them as
// one group and returns their answers.
func appendAll(t *testing.T, l *Log, batches [][]stylegraph.Event, release func()) []answer {
	t.Helper()
	out := make([]answer, len(batches))
	var wg sync.WaitGroup
	for i, b := range batches {
		wg.Go(func() { out[i].statuses, out[i].err = l.AppendUnique(context.Background(), b) })
		queued(t, l, i+1) // one at a time: the group's order is the test's
	}
	release()
	wg.Wait()
	return out
}

// TestGroupCommitExactlyOnce: calls sent in one script keep their own
// statuses, an ID repeated within a call, across calls of one group and
// across groups is accepted once, and the stream holds each event once, in
// arrival order within each call.
func TestGroupCommitExactlyOnce(t *testing.T) {
	l, release := held(t)
	ctx := context.Background()
	a, b := views(3), views(2)
	shared := views(1)[0]
	batches := [][]stylegraph.Event{
		append(append([]stylegraph.Event{}, a...), a[0]), // repeat within the call
		append(append([]stylegraph.Event{}, b...), shared),
		{shared, a[1]}, // repeats across calls of the group
	}
	got := appendAll(t, l, batches, release)
	A, D := ingest.Accepted, ingest.Duplicate
	want := []answer{{statuses: []ingest.Status{A, A, A, D}}, {statuses: []ingest.Status{A, A, A}}, {statuses: []ingest.Status{D, D}}}
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(answer{}), cmp.Comparer(func(x, y error) bool { return (x == nil) == (y == nil) })); diff != "" {
		t.Errorf("one group (-want +got):\n%s", diff)
	}
	// The next group repeats all of them.
	l.inflight = commitsInFlight
	got = appendAll(t, l, [][]stylegraph.Event{a, append(b, shared)}, release)
	want = []answer{{statuses: []ingest.Status{D, D, D}}, {statuses: []ingest.Status{D, D, D}}}
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(answer{}), cmp.Comparer(func(x, y error) bool { return (x == nil) == (y == nil) })); diff != "" {
		t.Errorf("next group (-want +got):\n%s", diff)
	}
	xs, err := l.rdb.XRange(ctx, l.Stream(), "-", "+").Result()
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, x := range xs {
		var e stylegraph.Event
		if err := json.Unmarshal([]byte(x.Values["e"].(string)), &e); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, e.ID)
	}
	wantIDs := []string{a[0].ID, a[1].ID, a[2].ID, b[0].ID, b[1].ID, shared.ID}
	if diff := cmp.Diff(wantIDs, ids); diff != "" {
		t.Errorf("stream (-want +got):\n%s", diff)
	}
}

// TestGroupCommitFailureFailsEveryCall: when the group's script fails, every
// call in it gets the error (EUNAVAILABLE, a 503 at the API) and none is
// told an event was accepted.
func TestGroupCommitFailureFailsEveryCall(t *testing.T) {
	l, release := held(t)
	ctx := context.Background()
	// A string where the stream should be: the script's XADD fails.
	if err := l.rdb.Set(ctx, l.Stream(), "not a stream", 0).Err(); err != nil {
		t.Fatal(err)
	}
	got := appendAll(t, l, [][]stylegraph.Event{views(2), views(1), views(3)}, release)
	for i, g := range got {
		if g.err == nil || stylegraph.ErrorCode(g.err) != stylegraph.EUNAVAILABLE || g.statuses != nil {
			t.Errorf("call %d = %v, %v; want an EUNAVAILABLE error and no statuses", i, g.statuses, g.err)
		}
	}
}

// TestGroupCommitConcurrent: many concurrent callers, each repeating IDs
// others send, all answered; every ID accepted exactly once overall and
// the stream holding exactly the accepted ones; the committers all return.
func TestGroupCommitConcurrent(t *testing.T) {
	rdb := testenv.Redis(t)
	ns := testenv.Namespace(t)
	t.Cleanup(func() { testenv.DropKeys(rdb, ns) })
	l := New(rdb, Options{Stream: ns + "events"})
	ctx := context.Background()
	pool := views(200)
	const callers, calls = 16, 20
	var (
		mu       sync.Mutex
		accepted = map[string]int{}
		wg       sync.WaitGroup
		errs     = make(chan error, callers)
	)
	for c := range callers {
		wg.Go(func() {
			for k := range calls {
				var batch []stylegraph.Event
				for j := range 10 {
					batch = append(batch, pool[(c*7+k*13+j*31)%len(pool)])
				}
				st, err := l.AppendUnique(ctx, batch)
				if err != nil {
					errs <- err
					return
				}
				mu.Lock()
				for i, s := range st {
					if s == ingest.Accepted {
						accepted[batch[i].ID]++
					}
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	for id, n := range accepted {
		if n != 1 {
			t.Errorf("event %s accepted %d times", id, n)
		}
	}
	if n := rdb.XLen(ctx, l.Stream()).Val(); n != int64(len(accepted)) {
		t.Errorf("stream holds %d events, %d were accepted", n, len(accepted))
	}
	if len(accepted) == 0 {
		t.Error("nothing accepted")
	}
	l.gmu.Lock()
	defer l.gmu.Unlock()
	if l.inflight != 0 || len(l.queue) != 0 {
		t.Errorf("after the calls: %d scripts in flight, %d calls queued", l.inflight, len(l.queue))
	}
}
