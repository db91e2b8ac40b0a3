// Package lake owns the event data lake: every accepted activity event as
// gzip JSON Lines, partitioned by the hour it occurred in
// (events/dt=2026-11-25/hour=14/<part>.jsonl.gz), in a local folder or an S3
// bucket. The Archiver is an ingest.Handler that writes it; Read gives the
// events back in order for replay. lake must not import api or graph.
package lake

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/stylegraph/stylegraph"
)

// Store keeps immutable objects by key. Keys use "/" as separator.
type Store interface {
	// Put writes an object whole; writing the same key again with the same
	// body is harmless.
	Put(ctx context.Context, key string, body []byte) error
	// List returns every key under prefix in lexical order.
	List(ctx context.Context, prefix string) ([]string, error)
	// Get returns an object's body.
	Get(ctx context.Context, key string) ([]byte, error)
}

// Root is the folder of the event partitions inside a store.
const Root = "events/"

// Archiver writes each batch of events to the store, one object per hour
// partition the batch touches. An object's name is derived from the IDs of
// the events in it, so a redelivered batch overwrites its own objects with
// the same bytes instead of adding copies; a batch regrouped on redelivery
// can still repeat events in a new object, which readers drop by event ID.
type Archiver struct {
	store Store
}

// NewArchiver returns an archiver writing to store.
func NewArchiver(store Store) *Archiver { return &Archiver{store: store} }

// Handle archives the batch. Events keep their batch (stream) order inside
// an object.
func (a *Archiver) Handle(ctx context.Context, events []stylegraph.Event) error {
	groups := map[string][]stylegraph.Event{}
	var order []string
	for _, e := range events {
		p := Partition(e.OccurredAt)
		if _, ok := groups[p]; !ok {
			order = append(order, p)
		}
		groups[p] = append(groups[p], e)
	}
	for _, p := range order {
		body, err := encode(groups[p])
		if err != nil {
			return err
		}
		key := p + objectName(groups[p])
		if err := a.store.Put(ctx, key, body); err != nil {
			return fmt.Errorf("archive %d events to %s: %w", len(groups[p]), key, err)
		}
	}
	return nil
}

// Partition is the folder of events that occurred at t.
func Partition(t time.Time) string {
	t = t.UTC()
	return fmt.Sprintf("%sdt=%s/hour=%02d/", Root, t.Format(time.DateOnly), t.Hour())
}

// objectName is the first event's ID and a digest of all IDs: stable for
// the same events, distinct for different ones.
func objectName(events []stylegraph.Event) string {
	h := sha256.New()
	for _, e := range events {
		h.Write([]byte(e.ID))
		h.Write([]byte{'\n'})
	}
	return events[0].ID + "-" + hex.EncodeToString(h.Sum(nil))[:16] + ".jsonl.gz"
}

// encode writes the events as gzip JSON Lines. The gzip header carries no
// name or time, so the same events always give the same bytes.
func encode(events []stylegraph.Event) ([]byte, error) {
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestSpeed)
	if err != nil {
		return nil, err
	}
	enc := json.NewEncoder(zw)
	enc.SetEscapeHTML(false)
	for _, e := range events {
		if err := enc.Encode(e); err != nil {
			return nil, fmt.Errorf("encode event %s: %w", e.ID, err)
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// decode reads one object's events.
func decode(key string, body []byte) ([]stylegraph.Event, error) {
	zr, err := gzip.NewReader(bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", key, err)
	}
	defer zr.Close()
	dec := json.NewDecoder(zr)
	var out []stylegraph.Event
	for dec.More() {
		var e stylegraph.Event
		if err := dec.Decode(&e); err != nil {
			return nil, fmt.Errorf("read %s: event %d: %w", key, len(out)+1, err)
		}
		out = append(out, e)
	}
	return out, nil
}

// partitionStart parses the hour a partition key is in; ok is false for
// keys outside the layout.
func partitionStart(key string) (time.Time, bool) {
	rest, ok := strings.CutPrefix(key, Root+"dt=")
	if !ok || len(rest) < len("2006-01-02/hour=15/") {
		return time.Time{}, false
	}
	t, err := time.Parse("2006-01-02/hour=15/", rest[:len("2006-01-02/hour=15/")])
	return t, err == nil
}

// ReadOptions select what Read returns.
type ReadOptions struct {
	// Since drops events that occurred before it (zero: everything).
	Since time.Time
	// Batch is how many events each call of fn gets at most (default 500).
	Batch int
}

// ReadStats counts what Read saw.
type ReadStats struct {
	Objects    int
	Events     int
	Duplicates int
}

// Read calls fn with the archive's events in time order, an hour partition
// at a time: within an hour they are sorted by occurrence time (then receipt
// time, then ID), and an event stored twice is passed once. The IDs seen are
// kept in memory: about 50 bytes per archived event.
func Read(ctx context.Context, store Store, o ReadOptions, fn func(ctx context.Context, events []stylegraph.Event) error) (ReadStats, error) {
	var st ReadStats
	if o.Batch <= 0 {
		o.Batch = 500
	}
	keys, err := store.List(ctx, Root)
	if err != nil {
		return st, fmt.Errorf("list archive: %w", err)
	}
	seen := map[string]bool{}
	for _, part := range partitions(keys, o.Since) {
		events, err := readPartition(ctx, store, part, o.Since, seen, &st)
		if err != nil {
			return st, err
		}
		slices.SortStableFunc(events, byOccurrence)
		for start := 0; start < len(events); start += o.Batch {
			batch := events[start:min(start+o.Batch, len(events))]
			if err := fn(ctx, batch); err != nil {
				return st, err
			}
			st.Events += len(batch)
		}
	}
	return st, nil
}

// partitions groups the archive's object keys by hour partition, in time
// order, leaving out partitions that end before since.
func partitions(keys []string, since time.Time) [][]string {
	keys = slices.Clone(keys)
	slices.Sort(keys)
	// Lexical order of the layout is time order.
	var parts [][]string
	last := ""
	for _, k := range keys {
		start, ok := partitionStart(k)
		if !ok || !strings.HasSuffix(k, ".jsonl.gz") {
			continue
		}
		if !since.IsZero() && start.Add(time.Hour).Before(since) {
			continue
		}
		p := Partition(start)
		if p != last {
			parts = append(parts, nil)
			last = p
		}
		parts[len(parts)-1] = append(parts[len(parts)-1], k)
	}
	return parts
}

// readPartition reads a partition's objects, passing over events seen
// before and those that occurred before since.
func readPartition(ctx context.Context, store Store, part []string, since time.Time, seen map[string]bool, st *ReadStats) ([]stylegraph.Event, error) {
	var events []stylegraph.Event
	for _, k := range part {
		body, err := store.Get(ctx, k)
		if err != nil {
			return nil, fmt.Errorf("get %s: %w", k, err)
		}
		es, err := decode(k, body)
		if err != nil {
			return nil, err
		}
		st.Objects++
		for _, e := range es {
			if seen[e.ID] {
				st.Duplicates++
				continue
			}
			seen[e.ID] = true
			if !since.IsZero() && e.OccurredAt.Before(since) {
				continue
			}
			events = append(events, e)
		}
	}
	return events, nil
}

// byOccurrence orders events by occurrence time, then receipt time, then ID.
func byOccurrence(a, b stylegraph.Event) int {
	if c := a.OccurredAt.Compare(b.OccurredAt); c != 0 {
		return c
	}
	if c := a.ReceivedAt.Compare(b.ReceivedAt); c != 0 {
		return c
	}
	return strings.Compare(a.ID, b.ID)
}
