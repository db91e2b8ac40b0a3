package redisstream

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/stylegraph/stylegraph"
)

// appendEvent appends e's JSON to b, byte for byte what json.Marshal writes
// (field order, omitempty/omitzero, HTML-safe string escaping, sorted map
// keys, float formatting), without reflection: encoding events for the
// stream was a third of the append path's CPU. TestAppendEventMatchesMarshal
// holds it to json.Marshal and fails when the event gains a field.
func appendEvent(b []byte, e *stylegraph.Event) ([]byte, error) {
	b = append(b, `{"id":`...)
	b = appendString(b, e.ID)
	b = append(b, `,"type":`...)
	b = appendString(b, string(e.Type))
	b = append(b, `,"userId":`...)
	b = strconv.AppendInt(b, e.UserID, 10)
	if t := e.Target; t != nil {
		b = append(b, `,"target":{"kind":`...)
		b = appendString(b, string(t.Kind))
		if t.ID != 0 {
			b = append(b, `,"id":`...)
			b = strconv.AppendInt(b, t.ID, 10)
		}
		if t.Name != "" {
			b = append(b, `,"name":`...)
			b = appendString(b, t.Name)
		}
		b = append(b, '}')
	}
	var err error
	b = append(b, `,"occurredAt":`...)
	if b, err = appendTime(b, e.OccurredAt); err != nil {
		return nil, err
	}
	if c := e.Context; c != (stylegraph.EventContext{}) {
		o := object{b: append(b, `,"context":{`...)}
		o.start = len(o.b)
		o.str("session", c.Session)
		o.str("device", c.Device)
		o.str("app", c.App)
		b = append(o.b, '}')
	}
	if !dataZero(&e.Data) {
		b = append(b, `,"data":`...)
		if b, err = appendData(b, &e.Data); err != nil {
			return nil, err
		}
	}
	if !e.ReceivedAt.IsZero() {
		b = append(b, `,"receivedAt":`...)
		if b, err = appendTime(b, e.ReceivedAt); err != nil {
			return nil, err
		}
	}
	return append(b, '}'), nil
}

// dataZero is what omitzero tests: every field zero (a non-nil empty map or
// slice is not zero; -0 is).
func dataZero(d *stylegraph.EventData) bool {
	return d.Query == "" && d.Filters == nil && d.ResultCount == nil && d.Price == 0 &&
		d.Currency == "" && d.Quantity == 0 && d.Text == "" && d.CommentID == 0 && d.AuthorID == 0 &&
		d.Mentions == nil && d.QueryID == "" && d.Position == 0
}

func appendData(b []byte, d *stylegraph.EventData) ([]byte, error) {
	o := object{b: append(b, '{')}
	o.start = len(o.b)
	o.str("query", d.Query)
	if len(d.Filters) > 0 {
		o.key("filters")
		o.b = appendFilters(o.b, d.Filters)
	}
	if d.ResultCount != nil {
		o.key("resultCount")
		o.b = strconv.AppendInt(o.b, int64(*d.ResultCount), 10)
	}
	if d.Price != 0 {
		o.key("price")
		var err error
		if o.b, err = appendFloat(o.b, d.Price); err != nil {
			return nil, err
		}
	}
	o.str("currency", d.Currency)
	o.int("quantity", int64(d.Quantity))
	o.str("text", d.Text)
	o.int("commentId", d.CommentID)
	o.int("authorId", d.AuthorID)
	if len(d.Mentions) > 0 {
		o.key("mentions")
		o.b = append(o.b, '[')
		for i, m := range d.Mentions {
			if i > 0 {
				o.b = append(o.b, ',')
			}
			o.b = strconv.AppendInt(o.b, m, 10)
		}
		o.b = append(o.b, ']')
	}
	o.str("queryID", d.QueryID)
	o.int("position", int64(d.Position))
	return append(o.b, '}'), nil
}

// appendFilters writes a string map as encoding/json does: keys sorted.
func appendFilters(b []byte, m map[string]string) []byte {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	b = append(b, '{')
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, k)
		b = append(b, ':')
		b = appendString(b, m[k])
	}
	return append(b, '}')
}

// object writes the members of one JSON object after its '{' (at start),
// comma-separated; str and int leave out zero values (omitempty).
type object struct {
	b     []byte
	start int
}

func (o *object) key(name string) {
	if len(o.b) > o.start {
		o.b = append(o.b, ',')
	}
	o.b = append(o.b, '"')
	o.b = append(o.b, name...)
	o.b = append(o.b, '"', ':')
}

func (o *object) str(name, v string) {
	if v != "" {
		o.key(name)
		o.b = appendString(o.b, v)
	}
}

func (o *object) int(name string, v int64) {
	if v != 0 {
		o.key(name)
		o.b = strconv.AppendInt(o.b, v, 10)
	}
}

// appendTime writes t as time.Time.MarshalJSON does; the years it refuses
// are left to it for its error.
func appendTime(b []byte, t time.Time) ([]byte, error) {
	if y := t.Year(); y < 0 || y > 9999 {
		m, err := json.Marshal(t)
		if err != nil {
			return nil, fmt.Errorf("encode event time: %w", err)
		}
		return append(b, m...), nil
	}
	if _, off := t.Zone(); off%60 != 0 {
		m, err := json.Marshal(t) // MarshalJSON's own rules for odd offsets
		if err != nil {
			return nil, fmt.Errorf("encode event time: %w", err)
		}
		return append(b, m...), nil
	}
	b = append(b, '"')
	b = t.AppendFormat(b, time.RFC3339Nano)
	return append(b, '"'), nil
}

// appendFloat formats like encoding/json's float64 encoder.
func appendFloat(b []byte, f float64) ([]byte, error) {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return nil, fmt.Errorf("encode event: unsupported value %v", f)
	}
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' {
		// e-09 → e-9, as encoding/json writes it
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b, nil
}

const hex = "0123456789abcdef"

// appendString quotes s as encoding/json does with HTML escaping on:
// <, > and & as \u00XX, U+2028 and U+2029 escaped, invalid UTF-8 as U+FFFD.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '\\', '"':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
