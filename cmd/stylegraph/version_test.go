package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func TestVersionPrintsStamp(t *testing.T) {
	v, c := version, commit
	t.Cleanup(func() { version, commit = v, c })
	version, commit = "1.2.3", "abc1234"
	var out bytes.Buffer
	if err := run(context.Background(), []string{"version"}, &out, &out); err != nil {
		t.Fatal(err)
	}
	if got := out.String(); !strings.HasPrefix(got, "stylegraph 1.2.3 (commit abc1234, go") {
		t.Errorf("version printed %q", got)
	}
}
