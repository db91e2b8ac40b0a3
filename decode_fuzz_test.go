package stylegraph_test

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/stylegraph/stylegraph"
)

// FuzzDecodeJSON checks the strict decoder never panics, refuses only with
// EINVALID, and that whatever it accepts means the same to encoding/json:
// nothing it lets through can be read differently by a lenient decoder
// (no second spelling or second copy of a name survives). `make test` runs
// the seeds; `go test -fuzz FuzzDecodeJSON .` explores.
func FuzzDecodeJSON(f *testing.F) {
	for _, s := range []string{
		`{"type":"view","userId":7,"target":{"kind":"post","id":9}}`,
		`{"Type":"post_deleted"}`,
		`{"type":"view","TYPE":"post_deleted"}`,
		`{"type":"view","type":"post_deleted"}`,
		`{"target":{"kind":"post","iD":5}}`,
		`{"filters":{"a":"1","a":"2"},"items":[{"x":1},{"x":2,"X":3}]}`,
		`{"price":1e308,"ok":null,"at":"2026-12-03T10:00:00+09:00"}`,
		`{"type":"\u0074ype","userId":-0}`,
		"{\"type\":\"\xff\"}",
		`{"type":"view"} x`,
		`{"ty\u0070e":"post_deleted"}`,
		`{"userId":9007199254740993}`,
		`[]`, `null`, ``, `{`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		var strict probe
		err := stylegraph.DecodeJSON(in, &strict)
		if err != nil {
			if code := stylegraph.ErrorCode(err); code != stylegraph.EINVALID {
				t.Fatalf("%q: error code %q (%v), want invalid", in, code, err)
			}
			return
		}
		var lenient probe
		if err := json.Unmarshal(in, &lenient); err != nil {
			t.Fatalf("%q: strictly accepted but encoding/json refuses: %v", in, err)
		}
		if diff := cmp.Diff(lenient, strict); diff != "" {
			t.Fatalf("%q: strict and lenient readings differ (-lenient +strict):\n%s", in, diff)
		}
	})
}
