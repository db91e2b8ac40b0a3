package api

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/stylegraph/stylegraph"
)

// These tests need no service: `make test-unit` runs them.

func TestParseID(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int64
		ok   bool
	}{
		{"1", 1, true}, {"9007199254740991", maxID, true},
		{"9007199254740992", 0, false}, {"0", 0, false}, {"-1", 0, false}, {"", 0, false},
		{" 5", 0, false}, {"1e3", 0, false}, {"x", 0, false},
	} {
		got, err := parseID("productId", tc.in)
		if got != tc.want || (err == nil) != tc.ok {
			t.Errorf("parseID(%q) = %d, %v; want %d, ok %v", tc.in, got, err, tc.want, tc.ok)
		}
		if err != nil && (stylegraph.ErrorCode(err) != stylegraph.EINVALID || stylegraph.ErrorField(err) != "productId") {
			t.Errorf("parseID(%q) error %q field %q", tc.in, stylegraph.ErrorCode(err), stylegraph.ErrorField(err))
		}
	}
}

func TestParseInt(t *testing.T) {
	for _, tc := range []struct {
		in          string
		def, lo, hi int
		want        int
		msg         string
	}{
		{"", 20, 1, 100, 20, ""},
		{"100", 20, 1, 100, 100, ""},
		{"101", 20, 1, 100, 0, "must be an integer from 1 to 100"},
		{"0", 20, 1, 100, 0, "must be an integer from 1 to 100"},
		{"5000", 0, 1, 0, 5000, ""},
		{"0", 0, 1, 0, 0, "must be a positive integer"},
		{"x", 0, 2, 0, 0, "must be an integer of at least 2"},
	} {
		got, err := parseInt("limit", tc.in, tc.def, tc.lo, tc.hi)
		msg := ""
		if err != nil {
			msg = stylegraph.ErrorMessage(err)
		}
		if got != tc.want || msg != tc.msg {
			t.Errorf("parseInt(%q, %d, %d, %d) = %d, %q; want %d, %q", tc.in, tc.def, tc.lo, tc.hi, got, msg, tc.want, tc.msg)
		}
	}
}

func TestOffsetCursor(t *testing.T) {
	for _, off := range []int{0, 1, 20, maxCursorOffset} {
		got, err := parseOffsetCursor(offsetCursor(off))
		if err != nil || got != off {
			t.Errorf("round trip of %d = %d, %v", off, got, err)
		}
	}
	for _, bad := range []string{"x", "eDE", offsetCursor(maxCursorOffset + 1), offsetCursor(-1)} {
		if _, err := parseOffsetCursor(bad); stylegraph.ErrorField(err) != "cursor" {
			t.Errorf("parseOffsetCursor(%q) = %v, want an invalid cursor", bad, err)
		}
	}
	if n, err := parseOffsetCursor(""); n != 0 || err != nil {
		t.Errorf("empty cursor = %d, %v", n, err)
	}
}

func TestParseWindow(t *testing.T) {
	type result struct {
		D  time.Duration
		OK bool
	}
	var got []result
	ins := []string{"1h", "7d", "365d", "366d", "8760h", "8761h", "0d", "07d", "-1d", "d", "1w", "99999d"}
	for _, in := range ins {
		d, ok := parseWindow(in)
		got = append(got, result{d, ok})
	}
	day := 24 * time.Hour
	want := []result{{time.Hour, true}, {7 * day, true}, {365 * day, true}, {}, {8760 * time.Hour, true}, {}, {}, {}, {}, {}, {}, {}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("parseWindow of %q (-want +got):\n%s", ins, diff)
	}
}

func FuzzRecommendationQuery(f *testing.F) {
	for _, s := range []string{"", "1", "20", "100", "101", "-1", "0", "9007199254740991", "9007199254740992", "1e3", " 5", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if n, err := parseInt("limit", s, defaultRecLimit, 1, maxRecLimit); err == nil && (n < 1 || n > 100) {
			t.Fatalf("parseInt(%q) = %d without error", s, n)
		} else if err != nil && stylegraph.ErrorField(err) != "limit" {
			t.Fatalf("parseInt(%q) error names %q", s, stylegraph.ErrorField(err))
		}
		if id, err := parseID("id", s); err == nil && (id < 1 || id > maxID) {
			t.Fatalf("parseID(%q) = %d without error", s, id)
		} else if err != nil && stylegraph.ErrorCode(err) != stylegraph.EINVALID {
			t.Fatalf("parseID(%q) error code %q", s, stylegraph.ErrorCode(err))
		}
	})
}
