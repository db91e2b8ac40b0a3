package feeds_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/feeds"
)

// open starts a live stream of uid on s and waits until it is open or
// refused; stop ends it and waits for it to give its lease back.
func open(t *testing.T, s *feeds.Service, uid int64) (stop func(), err error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	opened := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- s.Stream(ctx, uid, "", func() error { close(opened); return nil },
			func(int64, []byte) error { return nil }, func() error { return nil })
	}()
	select {
	case <-opened:
		var once sync.Once
		stop = func() { once.Do(func() { cancel(); <-done }) }
		t.Cleanup(stop)
		return stop, nil
	case err := <-done:
		cancel()
		return nil, err
	case <-time.After(20 * time.Second):
		cancel()
		t.Fatal("stream neither opened nor refused within 20s")
		return nil, nil
	}
}

func refused(t *testing.T, what string, err error) {
	t.Helper()
	if stylegraph.ErrorCode(err) != stylegraph.ERATELIMITED {
		t.Errorf("%s: got %v, want rate_limited", what, err)
	}
}

// The caps hold over every replica sharing the Redis, leases outlive
// several TTLs while renewed, and a replica that stops renewing (died)
// stops counting after the TTL.
func TestStreamCapsAcrossReplicas(t *testing.T) {
	e := newEnv(t, feeds.Config{StreamsPerUser: 2, StreamsMax: 3, StreamLeaseTTL: time.Second, Heartbeat: time.Hour})
	a, b := e.svc, e.service()
	u1, u2, u3 := e.user(1), e.user(2), e.user(3)

	stopA1, err := open(t, a, u1)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := open(t, b, u1); err != nil {
		t.Fatalf("second stream of u1 on b: %v", err)
	}
	_, err = open(t, a, u1)
	refused(t, "third stream of u1 on a", err)
	_, err = open(t, b, u1)
	refused(t, "third stream of u1 on b", err)
	if _, err := open(t, b, u2); err != nil {
		t.Fatalf("u2 on b: %v", err)
	}
	_, err = open(t, a, u3)
	refused(t, "a fourth stream in all", err)

	// Renewed leases outlive their TTL: after three TTLs the caps still hold.
	time.Sleep(3 * time.Second)
	_, err = open(t, a, u3)
	refused(t, "a fourth stream in all after 3 TTLs", err)
	_, err = open(t, b, u1)
	refused(t, "a third stream of u1 after 3 TTLs", err)

	// A closed stream frees its place at once, on every replica.
	stopA1()
	if _, err := open(t, b, u1); err != nil {
		t.Fatalf("u1 on b after a closed one: %v", err)
	}

	// A replica that dies holding streams: c stops renewing, and its streams
	// stop counting after the TTL.
	e2 := newEnv(t, feeds.Config{StreamsPerUser: 1, StreamsMax: 10, StreamLeaseTTL: time.Second, Heartbeat: time.Hour})
	c, d := e2.svc, e2.service()
	u4 := e2.user(4)
	if _, err := open(t, c, u4); err != nil {
		t.Fatal(err)
	}
	_, err = open(t, d, u4)
	refused(t, "u4's second stream while c lives", err)
	_ = c.Close() // stops renewing; the stream itself stays blocked, as in a frozen process
	died := time.Now()
	deadline := died.Add(10 * time.Second)
	for {
		_, err := open(t, d, u4)
		if err == nil {
			t.Logf("the dead replica's stream stopped counting after %v (lease TTL 1s)", time.Since(died).Round(time.Millisecond))
			break
		}
		refused(t, "u4 on d while c's lease runs", err)
		if time.Now().After(deadline) {
			t.Fatal("the dead replica's stream still counts 10s after a 1s lease")
		}
		time.Sleep(200 * time.Millisecond)
	}
}
