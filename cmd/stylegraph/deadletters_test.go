package main

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/ingest/redisstream"
	"github.com/stylegraph/stylegraph/internal/testenv"
)

func TestDeadLettersCommand(t *testing.T) {
	rdb := testenv.Redis(t)
	ns := testenv.Namespace(t)
	stream := ns + "events"
	t.Cleanup(func() {
		ctx := context.Background()
		iter := rdb.Scan(ctx, 0, ns+"*", 100).Iterator()
		for iter.Next(ctx) {
			rdb.Del(ctx, iter.Val())
		}
	})
	t.Setenv("ACTIVITY_STREAM", stream)
	ctx := context.Background()
	log := redisstream.New(rdb, redisstream.Options{Stream: stream})
	ev := stylegraph.Event{ID: uuid.NewString(), Type: stylegraph.EventView, UserID: 1, Target: &stylegraph.EventTarget{Kind: stylegraph.TargetProduct, ID: 2}, OccurredAt: time.Now().UTC()}
	if err := log.Append(ctx, []stylegraph.Event{ev}); err != nil {
		t.Fatal(err)
	}
	msgs, err := log.Read(ctx, "graph-writer", "c", 1, 0)
	if err != nil || len(msgs) != 1 {
		t.Fatalf("read %d, %v", len(msgs), err)
	}
	if err := log.DeadLetter(ctx, "graph-writer", msgs[0], errors.New("boom")); err != nil {
		t.Fatal(err)
	}

	list := func() []redisstream.DeadLetter {
		t.Helper()
		var out strings.Builder
		if err := run(ctx, []string{"deadletters"}, &out, io.Discard); err != nil {
			t.Fatal(err)
		}
		var ds []redisstream.DeadLetter
		dec := json.NewDecoder(strings.NewReader(out.String()))
		for dec.More() {
			var d redisstream.DeadLetter
			if err := dec.Decode(&d); err != nil {
				t.Fatal(err)
			}
			ds = append(ds, d)
		}
		return ds
	}
	ds := list()
	if len(ds) != 1 || ds[0].Group != "graph-writer" || ds[0].Error != "boom" || !strings.Contains(ds[0].Event, ev.ID) {
		t.Fatalf("deadletters listed %+v", ds)
	}
	var out strings.Builder
	if err := run(ctx, []string{"deadletters", "requeue", ds[0].ID}, &out, io.Discard); err != nil || out.String() != "requeued 1 of 1\n" {
		t.Fatalf("requeue: %q, %v", out.String(), err)
	}
	if ds := list(); len(ds) != 0 {
		t.Errorf("after requeue: %+v", ds)
	}
	again, err := log.Read(ctx, "graph-writer", "c", 1, 0)
	if err != nil || len(again) != 1 || again[0].Event.ID != ev.ID {
		t.Errorf("requeued event read back as %+v, %v", again, err)
	}
}
