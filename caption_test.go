package stylegraph_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/stylegraph/stylegraph"
)

func TestHashtags(t *testing.T) {
	for _, tc := range []struct {
		in   []string
		want []string
	}{
		{[]string{"linen all day #Linen #summer2026, with #linen"}, []string{"linen", "summer2026"}},
		{[]string{"#한복 and #OOTD!", "caption #ootd #street_style"}, []string{"한복", "ootd", "street_style"}},
		{[]string{"no#tag here, #1 and ##double and # alone and #_"}, nil},
		{[]string{"mail me a@b.com #ok"}, []string{"ok"}},
	} {
		if diff := cmp.Diff(tc.want, stylegraph.Hashtags(tc.in...)); diff != "" {
			t.Errorf("Hashtags(%q) (-want +got):\n%s", tc.in, diff)
		}
	}
	var many string
	for i := 0; i < 30; i++ {
		many += " #t" + string(rune('a'+i%26)) + string(rune('a'+i/26))
	}
	if got := stylegraph.Hashtags(many); len(got) != stylegraph.MaxHashtags {
		t.Errorf("30 tags gave %d, want the first %d", len(got), stylegraph.MaxHashtags)
	}
}

func TestMentions(t *testing.T) {
	for _, tc := range []struct {
		in   []string
		want []int64
	}{
		{[]string{"with @42 and @7, again @42"}, []int64{42, 7}},
		{[]string{"mail a@42.com", "(@9) @0 @-3 @99999999999999999999 @12abc"}, []int64{9}},
		{[]string{"@jun is not an ID"}, nil},
	} {
		if diff := cmp.Diff(tc.want, stylegraph.Mentions(tc.in...)); diff != "" {
			t.Errorf("Mentions(%q) (-want +got):\n%s", tc.in, diff)
		}
	}
}
