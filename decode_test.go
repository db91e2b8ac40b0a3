package stylegraph_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/stylegraph/stylegraph"
)

// probe has the shapes request bodies use: scalars, a nested object, a
// pointer, a map, a slice of objects and a timestamp.
type probe struct {
	Type   string  `json:"type"`
	UserID int64   `json:"userId"`
	Price  float64 `json:"price,omitempty"`
	OK     *bool   `json:"ok,omitempty"`
	Target *struct {
		Kind string `json:"kind"`
		ID   int64  `json:"id"`
	} `json:"target,omitempty"`
	Filters map[string]string `json:"filters,omitempty"`
	Items   []struct {
		X int `json:"x"`
	} `json:"items,omitempty"`
	At time.Time `json:"at,omitzero"`
}

func TestDecodeJSONRefuses(t *testing.T) {
	for _, tc := range []struct {
		name, in, field, msg string
	}{
		// encoding/json would match these to "type" and keep the last one.
		{"name in another case", `{"Type":"post_deleted"}`, "Type", "unknown field"},
		{"case smuggled next to the real name", `{"type":"view","TYPE":"post_deleted"}`, "TYPE", "unknown field"},
		{"nested name in another case", `{"target":{"kind":"post","ID":5}}`, "target.ID", "unknown field"},
		{"duplicate name", `{"type":"view","type":"post_deleted"}`, "type", "is given more than once"},
		{"duplicate nested name", `{"target":{"id":1,"id":2}}`, "target.id", "is given more than once"},
		{"duplicate map key", `{"filters":{"a":"1","a":"2"}}`, "filters.a", "is given more than once"},
		{"unknown field", `{"type":"view","role":"admin"}`, "role", "unknown field"},
		{"unknown field in an array element", `{"items":[{"x":1},{"y":2}]}`, "items[1].y", "unknown field"},
		{"wrong type", `{"userId":"7"}`, "userId", "must be an integer"},
		{"fraction into an integer", `{"target":{"id":1.5}}`, "target.id", "must be an integer"},
		{"wrong nested type", `{"items":[{"x":"s"}]}`, "items[0].x", "must be an integer"},
		{"bad timestamp", `{"at":"yesterday"}`, "at", "must be an RFC 3339 timestamp"},
		{"invalid UTF-8", "{\"type\":\"\xff\"}", "type", "must be valid UTF-8"},
		{"trailing data", `{"type":"view"} {"type":"like"}`, "", "unexpected data after the JSON object"},
		{"incomplete", `{"type":`, "", "incomplete JSON"},
		{"not an object", `["view"]`, "", "send a JSON object"},
		{"null", `null`, "", "send a JSON object"},
		{"empty", ` `, "", "the body is empty; send a JSON object"},
		{"syntax", `{"type" "view"}`, "", "malformed JSON at byte 8"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var p probe
			err := stylegraph.DecodeJSON([]byte(tc.in), &p)
			if err == nil {
				t.Fatalf("accepted %s as %+v", tc.in, p)
			}
			got := [3]string{stylegraph.ErrorCode(err), stylegraph.ErrorField(err), stylegraph.ErrorMessage(err)}
			if diff := cmp.Diff([3]string{stylegraph.EINVALID, tc.field, tc.msg}, got); diff != "" {
				t.Errorf("%s (-want +got):\n%s", tc.in, diff)
			}
		})
	}
}

func TestDecodeJSONAccepts(t *testing.T) {
	var p probe
	in := `{"type":"view","userId":7,"price":2.5,"ok":true,"target":{"kind":"post","id":9},
		"filters":{"a":"1","b":"2"},"items":[{"x":1}],"at":"2026-12-03T10:00:00Z"}`
	if err := stylegraph.DecodeJSON([]byte(in), &p); err != nil {
		t.Fatal(err)
	}
	var want probe
	if err := json.Unmarshal([]byte(in), &want); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, p); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// A body over the route's limit stays *http.MaxBytesError, which the API
// answers with 413.
func TestDecodeJSONFromKeepsReadErrors(t *testing.T) {
	body := http.MaxBytesReader(httptest.NewRecorder(), nopCloser(strings.Repeat(" ", 100)+`{}`), 10)
	var p probe
	var maxErr *http.MaxBytesError
	if err := stylegraph.DecodeJSONFrom(body, &p); !errors.As(err, &maxErr) {
		t.Errorf("got %v, want *http.MaxBytesError", err)
	}
}

func nopCloser(s string) *readCloser { return &readCloser{strings.NewReader(s)} }

type readCloser struct{ *strings.Reader }

func (readCloser) Close() error { return nil }
