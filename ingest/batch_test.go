package ingest_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/ingest"
)

// SplitBatch hands each element on as sent (bad ones too, for their own
// verdict) and refuses only a broken envelope.
func TestSplitBatch(t *testing.T) {
	for _, tc := range []struct {
		body string
		want []string
		code string
	}{
		{body: ` [ {"type":"view"} , {"a":1,"a":2}, 7, "x` + "\xff" + `" ] `, want: []string{`{"type":"view"}`, `{"a":1,"a":2}`, `7`, "\"x\xff\""}},
		{body: `{"type":"view"}`, want: []string{`{"type":"view"}`}},
		{body: `[{"type":"view"}`, code: stylegraph.EINVALID},
		{body: `[{"type":"view"}] []`, code: stylegraph.EINVALID},
		{body: `[{"type":"view"},]`, code: stylegraph.EINVALID},
		{body: `[]`, code: stylegraph.EINVALID},
		{body: `[{}` + strings.Repeat(`,{}`, ingest.MaxBatch) + `]`, code: stylegraph.ETOOLARGE},
	} {
		raws, _, err := ingest.SplitBatch([]byte(tc.body))
		if tc.code != "" {
			if got := stylegraph.ErrorCode(err); got != tc.code {
				t.Errorf("%.40q: error %v, want %s", tc.body, err, tc.code)
			}
			continue
		}
		if err != nil {
			t.Errorf("%.40q: %v", tc.body, err)
			continue
		}
		got := make([]string, len(raws))
		for i, r := range raws {
			got[i] = string(r)
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("%.40q (-want +got):\n%s", tc.body, diff)
		}
	}
}
