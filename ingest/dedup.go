package ingest

import (
	"context"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/stylegraph/stylegraph"
)

// DedupLog gives any Log (SQS, for one) the Ingester's exactly-once intake
// by remembering event IDs in Redis. It cannot make the marker and the append
// one atomic step across two systems, so it orders them safely: it appends
// first and marks afterwards. A crash between the two can let a retried
// request append an event twice — which the idempotent consumers absorb — but
// can never mark an event seen that was not appended. RedisLog does both in
// one script and needs no DedupLog.
type DedupLog struct {
	log    Log
	rdb    redis.UniversalClient
	prefix string
	window time.Duration
}

// NewDedupLog remembers IDs under prefix in rdb for window.
func NewDedupLog(log Log, rdb redis.UniversalClient, prefix string, window time.Duration) *DedupLog {
	return &DedupLog{log: log, rdb: rdb, prefix: prefix, window: window}
}

// AppendUnique appends the events whose IDs were not seen within the window,
// then marks them seen.
func (d *DedupLog) AppendUnique(ctx context.Context, events []stylegraph.Event) ([]Status, error) {
	if len(events) == 0 {
		return nil, nil
	}
	p := d.rdb.Pipeline()
	seen := make([]*redis.IntCmd, len(events))
	for i, e := range events {
		seen[i] = p.Exists(ctx, d.prefix+e.ID)
	}
	if _, err := p.Exec(ctx); err != nil {
		return nil, Unavailable("check event ids", err)
	}
	out := make([]Status, len(events))
	var fresh []stylegraph.Event
	first := map[string]bool{}
	for i, e := range events {
		if seen[i].Val() > 0 || first[e.ID] {
			out[i] = Duplicate
			continue
		}
		first[e.ID] = true
		out[i] = Accepted
		fresh = append(fresh, e)
	}
	if len(fresh) == 0 {
		return out, nil
	}
	if err := d.log.Append(ctx, fresh); err != nil {
		return nil, fmt.Errorf("append events: %w", err)
	}
	p = d.rdb.Pipeline()
	for _, e := range fresh {
		p.Set(ctx, d.prefix+e.ID, "1", d.window)
	}
	if _, err := p.Exec(ctx); err != nil {
		// The events are durable; only their markers are missing, so a retry
		// may append them again. Report the failure so the caller retries.
		return nil, Unavailable("mark event ids", err)
	}
	return out, nil
}
