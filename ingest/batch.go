package ingest

import (
	"bytes"
	"encoding/json"

	"github.com/stylegraph/stylegraph"
)

// MaxRequestBytes caps one POST /v1/events body: a full batch of typical
// events fits well below it, and it bounds what one request can make the
// server buffer.
const MaxRequestBytes = 4 << 20

// SplitBatch cuts a request body into the raw events it carries: either one
// event object or an array of 1 to MaxBatch of them. It only checks the
// envelope; each element is decoded (and may be rejected) on its own, so a
// bad event does not sink its batch. single reports whether the body was a
// lone object rather than an array.
func SplitBatch(body []byte) (raws []json.RawMessage, single bool, err error) {
	if len(body) > MaxRequestBytes {
		return nil, false, stylegraph.Errorf(stylegraph.ETOOLARGE, "request body is over %d bytes", MaxRequestBytes)
	}
	trimmed := bytes.TrimSpace(body)
	switch {
	case len(trimmed) == 0:
		return nil, false, stylegraph.Invalid("", "request body is empty; send an event object or an array of events")
	case trimmed[0] == '{':
		if !json.Valid(trimmed) {
			return nil, true, stylegraph.Invalid("", "malformed JSON")
		}
		return []json.RawMessage{trimmed}, true, nil
	case trimmed[0] == '[':
		raws, ok := stylegraph.SplitJSONArray[json.RawMessage](trimmed)
		if !ok {
			return nil, false, stylegraph.Invalid("", "malformed JSON array of events")
		}
		if len(raws) == 0 {
			return nil, false, stylegraph.Invalid("", "the array of events is empty")
		}
		if len(raws) > MaxBatch {
			return nil, false, stylegraph.Errorf(stylegraph.ETOOLARGE, "a batch holds at most %d events, got %d", MaxBatch, len(raws))
		}
		return raws, false, nil
	default:
		return nil, false, stylegraph.Invalid("", "send an event object or an array of events")
	}
}
