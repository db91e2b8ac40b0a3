package feeds_test

import (
	"context"
	"io"
	"log/slog"
	"strconv"
	"testing"
	"time"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/feeds"
	"github.com/stylegraph/stylegraph/internal/testenv"
)

// Every live holder has its own node; a 65th process gets none until a
// holder dies and its lease runs out; a kept lease never runs out.
func TestNodeLeases(t *testing.T) {
	r := testenv.Redis(t)
	ctx := context.Background()
	prefix := testenv.Namespace(t)
	t.Cleanup(func() {
		keys, _ := r.Keys(ctx, prefix+"*").Result()
		if len(keys) > 0 {
			r.Del(ctx, keys...)
		}
	})
	const ttl = 600 * time.Millisecond
	held := map[int]*feeds.NodeLease{}
	for range feeds.MaxNode + 1 {
		l, err := feeds.AcquireNode(ctx, r, prefix, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		if held[l.Node()] != nil {
			t.Fatalf("node %d handed out twice", l.Node())
		}
		held[l.Node()] = l
	}
	if _, err := feeds.AcquireNode(ctx, r, prefix, ttl); stylegraph.ErrorCode(err) != stylegraph.EUNAVAILABLE {
		t.Fatalf("65th lease: %v, want EUNAVAILABLE", err)
	}

	// Node 7's holder dies: its lease is shortened to a TTL nobody renews.
	if err := r.PExpire(ctx, prefix+"idnode:7", ttl).Err(); err != nil {
		t.Fatal(err)
	}
	if _, err := feeds.AcquireNode(ctx, r, prefix, ttl); err == nil {
		t.Fatal("took node 7 while its holder's lease still ran")
	}
	time.Sleep(ttl + 100*time.Millisecond)
	next, err := feeds.AcquireNode(ctx, r, prefix, ttl)
	if err != nil || next.Node() != 7 {
		t.Fatalf("after the lease ran out: node %v, %v; want 7", next, err)
	}

	// A kept lease outlives many TTLs.
	ids, _ := feeds.NewIDs(next.Node())
	kctx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { next.Keep(kctx, ids, slog.New(slog.NewTextHandler(io.Discard, nil))); close(done) }()
	time.Sleep(3 * ttl)
	if _, err := feeds.AcquireNode(ctx, r, prefix, ttl); err == nil {
		t.Error("a renewed lease was handed to another process")
	}
	if err := ids.Valid(); err != nil {
		t.Errorf("ids of a kept lease: %v", err)
	}
	// Stopping releases the node at once.
	stop()
	<-done
	again, err := feeds.AcquireNode(ctx, r, prefix, ttl)
	if err != nil || again.Node() != 7 {
		t.Errorf("after release: node %v, %v; want 7", again, err)
	}

	// A holder paused past its TTL finds its node taken: it moves to
	// another one instead of sharing it.
	lost := held[3]
	if err := r.Set(ctx, prefix+"idnode:3", "someone else", time.Hour).Err(); err != nil {
		t.Fatal(err)
	}
	if err := r.Del(ctx, prefix+"idnode:9").Err(); err != nil { // a free node to move to
		t.Fatal(err)
	}
	node, changed, err := lost.Renew(ctx)
	if err != nil || !changed || node != 9 {
		t.Errorf("renewing a lost lease: node %d changed %v err %v; want node 9, changed", node, changed, err)
	}
}

// Past the lease's end the generator stops issuing IDs.
func TestIDsStopWhenTheLeaseLapses(t *testing.T) {
	r := testenv.Redis(t)
	ctx := context.Background()
	prefix := testenv.Namespace(t)
	t.Cleanup(func() { r.Del(ctx, prefix+"idnode:next") })
	l, err := feeds.AcquireNode(ctx, r, prefix, 300*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Del(ctx, prefix+"idnode:"+strconv.Itoa(l.Node())) })
	ids, _ := feeds.NewIDs(l.Node())
	kctx, stop := context.WithCancel(ctx)
	go l.Keep(kctx, ids, slog.New(slog.NewTextHandler(io.Discard, nil)))
	time.Sleep(50 * time.Millisecond)
	if err := ids.Valid(); err != nil {
		t.Fatalf("fresh lease: %v", err)
	}
	stop() // no more renewals
	time.Sleep(400 * time.Millisecond)
	if err := ids.Valid(); stylegraph.ErrorCode(err) != stylegraph.EUNAVAILABLE {
		t.Errorf("after the lease ran out: %v, want EUNAVAILABLE", err)
	}
}
