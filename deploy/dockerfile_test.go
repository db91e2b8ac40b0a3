package deploy

import (
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"
)

// instruction is one Dockerfile instruction with continuation lines joined.
type instruction struct {
	cmd  string // upper-case: FROM, RUN, …
	args string
}

// parseDockerfile splits a Dockerfile into instructions: comments and blank
// lines dropped, backslash continuations joined.
func parseDockerfile(t *testing.T, path string) []instruction {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []instruction
	var cur strings.Builder
	for _, line := range strings.Split(string(b), "\n") {
		trimmed := strings.TrimSpace(line)
		if cur.Len() == 0 && (trimmed == "" || strings.HasPrefix(trimmed, "#")) {
			continue
		}
		if strings.HasPrefix(trimmed, "#") { // a comment inside a continued instruction
			continue
		}
		if strings.HasSuffix(trimmed, "\\") {
			cur.WriteString(strings.TrimSuffix(trimmed, "\\") + " ")
			continue
		}
		cur.WriteString(trimmed)
		cmd, args, _ := strings.Cut(cur.String(), " ")
		out = append(out, instruction{cmd: strings.ToUpper(cmd), args: strings.TrimSpace(args)})
		cur.Reset()
	}
	if cur.Len() > 0 {
		t.Fatalf("%s ends inside a continued instruction: %q", path, cur.String())
	}
	return out
}

// TestDockerfile checks the image promises of the README: a multi-stage
// build of a static, stripped, version-stamped binary, run as non-root from a
// base with CA certificates, with the ports and a default command declared.
func TestDockerfile(t *testing.T) {
	ins := parseDockerfile(t, "../Dockerfile")
	var stages []int // index of each FROM
	for i, in := range ins {
		if in.cmd == "FROM" {
			stages = append(stages, i)
		}
	}
	if len(stages) < 2 {
		t.Fatalf("want a multi-stage build, got %d FROM", len(stages))
	}
	final := ins[stages[len(stages)-1]:]
	build := ins[:stages[len(stages)-1]]

	// distroless static carries /etc/ssl/certs (TLS to S3, SQS, OpenSearch)
	// and no shell; :nonroot runs as uid 65532.
	if base := final[0].args; !strings.HasPrefix(base, "gcr.io/distroless/static") || !strings.HasSuffix(base, ":nonroot") {
		t.Errorf("final stage FROM %q: want gcr.io/distroless/static…:nonroot", base)
	}
	var goBuild string
	for _, in := range build {
		if in.cmd == "RUN" && strings.Contains(in.args, "go build") {
			goBuild = in.args
		}
	}
	for _, want := range []string{"CGO_ENABLED=0", "-trimpath", "-s -w", "-X main.version=${VERSION}", "-X main.commit=${COMMIT}", "./cmd/stylegraph"} {
		if !strings.Contains(goBuild, want) {
			t.Errorf("go build step %q lacks %q", goBuild, want)
		}
	}
	for _, arg := range []string{"VERSION", "COMMIT"} {
		if !slices.ContainsFunc(build, func(in instruction) bool { return in.cmd == "ARG" && strings.HasPrefix(in.args, arg) }) {
			t.Errorf("build stage has no ARG %s", arg)
		}
	}

	last := map[string]string{}
	var exposed []string
	for _, in := range final {
		last[in.cmd] = in.args
		if in.cmd == "EXPOSE" {
			exposed = append(exposed, strings.Fields(in.args)...)
		}
	}
	if u := last["USER"]; u == "" || strings.HasPrefix(u, "root") || strings.HasPrefix(u, "0") {
		t.Errorf("final stage USER %q: want a non-root user", u)
	}
	for _, port := range []string{"8080", "9091"} {
		if !slices.Contains(exposed, port) {
			t.Errorf("EXPOSE %v lacks %s", exposed, port)
		}
	}
	// Exec form (JSON arrays): no shell in distroless to run the shell form.
	var entry, cmd []string
	if err := json.Unmarshal([]byte(last["ENTRYPOINT"]), &entry); err != nil || len(entry) != 1 || !strings.HasSuffix(entry[0], "/stylegraph") {
		t.Errorf("ENTRYPOINT %q: want [\"…/stylegraph\"] (exec form)", last["ENTRYPOINT"])
	}
	if err := json.Unmarshal([]byte(last["CMD"]), &cmd); err != nil || !slices.Equal(cmd, []string{"serve"}) {
		t.Errorf("CMD %q: want [\"serve\"]", last["CMD"])
	}
	if !slices.ContainsFunc(final, func(in instruction) bool {
		return in.cmd == "COPY" && strings.Contains(in.args, "--from=") && strings.HasSuffix(in.args, strings.Join(entry, ""))
	}) {
		t.Errorf("final stage does not copy the built binary to %v", entry)
	}
}
