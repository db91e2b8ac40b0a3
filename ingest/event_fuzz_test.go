package ingest_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/ingest"
)

// fuzzNow is a fixed clock so that accepted events are reproducible.
var fuzzNow = time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)

// FuzzDecode feeds arbitrary bytes to the decoder and the validator. Nothing
// may panic; a rejection must be a coded client error; an accepted event must
// survive encoding and decoding unchanged, and validate to itself again.
// Seeds live in testdata/fuzz/FuzzDecode.
func FuzzDecode(f *testing.F) {
	f.Add([]byte(`{"type":"view","userId":1,"target":{"kind":"product","id":2}}`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		e, err := stylegraph.DecodeEvent(raw)
		if err == nil {
			err = e.Normalize(fuzzNow)
		}
		if err != nil {
			if code := stylegraph.ErrorCode(err); code != stylegraph.EINVALID && code != stylegraph.ETOOLARGE {
				t.Fatalf("rejection with code %q: %v", code, err)
			}
			return
		}
		b, err := json.Marshal(e)
		if err != nil {
			t.Fatalf("encode accepted event: %v", err)
		}
		again, err := stylegraph.DecodeEvent(b)
		if err != nil {
			t.Fatalf("decode re-encoded event %s: %v", b, err)
		}
		if diff := cmp.Diff(e, again, cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("round trip changed the event (-first +again):\n%s", diff)
		}
		if err := again.Normalize(fuzzNow); err != nil {
			t.Fatalf("accepted event %s fails validation the second time: %v", b, err)
		}
		if diff := cmp.Diff(e, again, cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("validating twice changed the event (-first +again):\n%s", diff)
		}
	})
}

// FuzzSplitBatch checks that no request body panics the envelope parser and
// that what it accepts is within the batch limits.
func FuzzSplitBatch(f *testing.F) {
	f.Add([]byte(`[{"type":"view"},{}]`))
	f.Add([]byte(`{"type":"view"}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		raws, single, err := ingest.SplitBatch(body)
		if err != nil {
			return
		}
		if len(raws) == 0 || len(raws) > ingest.MaxBatch || single && len(raws) != 1 {
			t.Fatalf("accepted %d events (single=%v)", len(raws), single)
		}
	})
}
