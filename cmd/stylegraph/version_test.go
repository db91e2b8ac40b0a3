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

func TestRunRejectsUnknownCommand(t *testing.T) {
	var out, errOut bytes.Buffer
	err := run(context.Background(), []string{"no-such-command"}, &out, &errOut)
	if err == nil || !strings.Contains(err.Error(), `unknown command "no-such-command"`) || !strings.Contains(errOut.String(), "serve") {
		t.Fatalf("run(no-such-command) = %v, stderr %q", err, errOut.String())
	}
	for _, name := range []string{"serve", "worker", "deadletters", "migrate", "seed", "replay", "import", "token", "search", "eval", "reconcile", "recompute", "probe"} {
		if commands[name] == nil {
			t.Errorf("command %q is not registered", name)
		}
	}
}
