package cypher

import (
	"regexp"
	"strings"
	"testing"
)

// Weights and half-lives come from Go (stylegraph.EngagementWeights,
// stylegraph.InterestHalfLife, RecParams.HalfLife) as parameters, half-lives
// in seconds; a literal in a query would drift from them.
func TestQueriesHoldNoWeightsOrHalfLives(t *testing.T) {
	forbidden := []*regexp.Regexp{
		regexp.MustCompile(`(?i)\b\d+(\.\d+)?\s+AS\s+weight\b`),
		regexp.MustCompile(`(?i)WHEN\s+'(LIKED|VIEWED|CARTED|PURCHASED)'\s+THEN\s+\d`),
		regexp.MustCompile(`(?i)\.seconds\s*/\s*\d`),
		regexp.MustCompile(`\$halfLife(Days|Hours)`),
	}
	qs, err := Queries()
	if err != nil {
		t.Fatal(err)
	}
	if len(qs) == 0 {
		t.Fatal("no queries embedded")
	}
	for name, q := range qs {
		for i, line := range strings.Split(q, "\n") {
			if code, _, _ := strings.Cut(line, "//"); code != "" {
				for _, re := range forbidden {
					if m := re.FindString(code); m != "" {
						t.Errorf("%s line %d holds %q: pass it as a parameter", name, i+1, m)
					}
				}
			}
		}
	}
}
