package recommend

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/internal/testenv"
)

// Lists larger in all than one pipeline carries are all stored, each whole.
func TestPutEncodedStoresBatchesLargerThanOnePipeline(t *testing.T) {
	ctx := context.Background()
	rdb := testenv.Redis(t)
	prefix := testenv.Namespace(t)
	t.Cleanup(func() { testenv.DropKeys(rdb, prefix) })
	c := NewCache(rdb, prefix, time.Hour)
	lists := map[int64][]byte{}
	for id := int64(1); id <= 25; id++ {
		lists[id] = bytes.Repeat([]byte{byte('a' + id)}, pipelineBytes/10+int(id)) // 25 × 100 KB: three pipelines
	}
	lists[26] = bytes.Repeat([]byte{'z'}, pipelineBytes+1) // larger than a pipeline on its own
	if err := c.putEncoded(ctx, lists, time.Minute); err != nil {
		t.Fatal(err)
	}
	for id, want := range lists {
		got, err := rdb.Get(ctx, c.key(id)).Bytes()
		if err != nil {
			t.Fatalf("list %d: %v", id, err)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("list %d: stored %d bytes, want %d", id, len(got), len(want))
		}
		if ttl := rdb.TTL(ctx, c.key(id)).Val(); ttl <= 0 || ttl > time.Minute {
			t.Fatalf("list %d: TTL %s, want up to 1m", id, ttl)
		}
	}
}

func TestRetryUnavailableRetriesOnlyOutages(t *testing.T) {
	saved := retryWaits
	retryWaits = []time.Duration{time.Millisecond, time.Millisecond, time.Millisecond}
	t.Cleanup(func() { retryWaits = saved })
	down := fmt.Errorf("store: %w", &stylegraph.Error{Code: stylegraph.EUNAVAILABLE, Message: "redis unavailable; retry later"})
	ctx := context.Background()
	for _, tc := range []struct {
		name      string
		fails     int
		err       error
		wantCalls int
		wantErr   bool
	}{
		{"succeeds at once", 0, down, 1, false},
		{"outage then success", 2, down, 3, false},
		{"outage outlasting the retries", 10, down, 4, true},
		{"other errors are not retried", 10, errors.New("bad value"), 1, true},
	} {
		calls := 0
		err := retryUnavailable(ctx, io.Discard, "test", func() error {
			calls++
			if calls <= tc.fails {
				return tc.err
			}
			return nil
		})
		if calls != tc.wantCalls || (err != nil) != tc.wantErr {
			t.Errorf("%s: %d calls, error %v; want %d calls, error %v", tc.name, calls, err, tc.wantCalls, tc.wantErr)
		}
	}
	// A cancelled run stops waiting.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	retryWaits = []time.Duration{time.Hour}
	if err := retryUnavailable(cctx, io.Discard, "test", func() error { return down }); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled: %v", err)
	}
}
