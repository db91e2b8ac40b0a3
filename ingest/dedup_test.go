package ingest_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/ingest"
	"github.com/stylegraph/stylegraph/ingest/ingesttest"
	"github.com/stylegraph/stylegraph/ingest/redisstream"
)

// TestDedupLogOverAPlainLog runs the generic de-duplication over a log's
// plain Append (here Redis's, as a stand-in for any Log).
func TestDedupLogOverAPlainLog(t *testing.T) {
	l, rdb := ingesttest.RedisLog(t, redisstream.Options{})
	d := ingest.NewDedupLog(l, rdb, l.Stream()+":dedup:", time.Hour)
	ctx := context.Background()
	evs := ingesttest.Views(1, 100, 3)
	got, err := d.AppendUnique(ctx, []stylegraph.Event{evs[0], evs[1], evs[0]})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]ingest.Status{ingest.Accepted, ingest.Accepted, ingest.Duplicate}, got); diff != "" {
		t.Errorf("first (-want +got):\n%s", diff)
	}
	got, err = d.AppendUnique(ctx, evs)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]ingest.Status{ingest.Duplicate, ingest.Duplicate, ingest.Accepted}, got); diff != "" {
		t.Errorf("second (-want +got):\n%s", diff)
	}
	if n := rdb.XLen(ctx, l.Stream()).Val(); n != 3 {
		t.Errorf("appended %d events, want 3", n)
	}
}

// TestAppendUniqueStoresEachEventAsItsJSON checks the batch encoding: every
// stream entry holds exactly the event's own JSON, in order.
func TestAppendUniqueStoresEachEventAsItsJSON(t *testing.T) {
	l, rdb := ingesttest.RedisLog(t, redisstream.Options{})
	ctx := context.Background()
	evs := ingesttest.Views(7, 200, 5)
	evs[2].Context.Device = `<"quoted">`
	if _, err := l.AppendUnique(ctx, evs); err != nil {
		t.Fatal(err)
	}
	var want, got []string
	for _, e := range evs {
		b, err := json.Marshal(e)
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, string(b))
	}
	for _, m := range rdb.XRange(ctx, l.Stream(), "-", "+").Val() {
		got = append(got, m.Values["e"].(string))
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("stored events (-want +got):\n%s", diff)
	}
}
