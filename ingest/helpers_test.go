package ingest_test

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/redis/go-redis/v9"

	"github.com/stylegraph/stylegraph/ingest"
	"github.com/stylegraph/stylegraph/ingest/redisstream"
	"github.com/stylegraph/stylegraph/internal/testenv"
)

// newLog returns a RedisLog on a stream of the test's own; its keys are
// deleted when the test ends.
func newLog(t *testing.T, o redisstream.Options) (*redisstream.Log, redis.UniversalClient) {
	t.Helper()
	rdb := testenv.Redis(t)
	ns := testenv.Namespace(t)
	o.Stream = ns + "events"
	t.Cleanup(func() { dropPrefix(rdb, ns) })
	return redisstream.New(rdb, o), rdb
}

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
