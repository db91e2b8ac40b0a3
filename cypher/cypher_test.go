package cypher

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSplit(t *testing.T) {
	src := "// c\nCREATE A;\n\nMATCH (n)\nRETURN n;\n// tail\nRETURN 1"
	want := []string{"CREATE A", "MATCH (n)\nRETURN n", "RETURN 1"}
	if diff := cmp.Diff(want, Split(src)); diff != "" {
		t.Fatalf("(-want +got):\n%s", diff)
	}
}

func TestSchemaIsIdempotent(t *testing.T) {
	ms, err := Schema()
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) == 0 {
		t.Fatal("no schema statements embedded")
	}
	for _, m := range ms {
		if !strings.Contains(m.Statement, "IF NOT EXISTS") {
			t.Errorf("%s: statement is not idempotent: %s", m.File, m.Statement)
		}
	}
}
