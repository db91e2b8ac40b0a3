package catalog

import (
	"strings"
	"testing"
)

// FuzzClean checks the allocation-free fast path against the plain rule.
func FuzzClean(f *testing.F) {
	for _, s := range []string{"", " ", "a", "a b", " a", "a ", "a  b", "a\u00a0b", "a\tb", "é b", "\u00a0", "x\u00c2y"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want := strings.Join(strings.FieldsFunc(s, func(r rune) bool {
			return r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\u00a0'
		}), " ")
		if got := clean(s); got != want {
			t.Fatalf("clean(%q) = %q, want %q", s, got, want)
		}
	})
}
