package deploy

import (
	"context"
	"net"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/types"

	"github.com/stylegraph/stylegraph/config"
)

// loadCompose loads docker-compose.yml the way `docker compose` does
// (interpolation, anchors, merge keys, validation against the spec) with
// only the demo profile switched on and no variables set.
func loadCompose(t *testing.T) *types.Project {
	t.Helper()
	opts, err := cli.NewProjectOptions([]string{"../docker-compose.yml"},
		cli.WithWorkingDirectory(".."), cli.WithName("stylegraph"), cli.WithEnv(nil),
		cli.WithProfiles([]string{"demo"}))
	if err != nil {
		t.Fatal(err)
	}
	p, err := opts.LoadProject(context.Background())
	if err != nil {
		t.Fatalf("docker-compose.yml does not load: %v", err)
	}
	return p
}

// scriptVersion reads NAME=value from a service script.
func scriptVersion(t *testing.T, script, name string) string {
	t.Helper()
	b, err := os.ReadFile("../scripts/services/" + script)
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^` + name + `=([0-9.]+)$`).FindSubmatch(b)
	if m == nil {
		t.Fatalf("no %s= in scripts/services/%s", name, script)
	}
	return string(m[1])
}

// TestComposeRunsTheStack checks that docker-compose.yml has every service
// the stack needs, at the versions the native scripts run, each one healthy
// before what depends on it starts.
func TestComposeRunsTheStack(t *testing.T) {
	p := loadCompose(t)
	svc := func(name string) types.ServiceConfig {
		t.Helper()
		s, ok := p.Services[name]
		if !ok {
			t.Fatalf("docker-compose.yml has no %q service (has %v)", name, p.ServiceNames())
		}
		return s
	}

	osVersion := scriptVersion(t, "opensearch.sh", "OS_VERSION")
	neo4jVersion := scriptVersion(t, "neo4j.sh", "NEO4J_VERSION")
	mqVersion := scriptVersion(t, "elasticmq.sh", "ELASTICMQ_VERSION")
	neo4jMinor := strings.Join(strings.Split(neo4jVersion, ".")[:2], ".")
	for name, want := range map[string]string{
		"opensearch": "opensearchproject/opensearch:" + osVersion,
		"neo4j":      "neo4j:" + neo4jMinor,
		"elasticmq":  "softwaremill/elasticmq:" + mqVersion,
		"redis":      "redis:7",
	} {
		if img := svc(name).Image; !strings.HasPrefix(img, want) {
			t.Errorf("%s image %q, want %s… (the version scripts/services runs)", name, img, want)
		}
	}
	if b := svc("s3").Build; b == nil || b.Target != "s3local" {
		t.Errorf("s3 is not built from the Dockerfile's s3local stage: %+v", b)
	}

	infra := []string{"redis", "neo4j", "opensearch", "s3", "elasticmq"}
	for _, name := range append(slices.Clone(infra), "api", "worker") {
		s := svc(name)
		if s.HealthCheck == nil || s.HealthCheck.Disable || len(s.HealthCheck.Test) == 0 {
			t.Errorf("%s has no health check", name)
		}
		if s.Restart == "" || s.Restart == "no" {
			t.Errorf("%s has no restart policy", name)
		}
	}

	for name, wantCmd := range map[string][]string{
		"migrate": {"migrate"}, "api": {"serve", "--skip-migrate"}, "worker": {"worker"}, "seed": {"seed"},
	} {
		s := svc(name)
		if s.Build == nil || s.Build.Context == "" || s.Build.Target != "" {
			t.Errorf("%s is not built from the Dockerfile's final stage: %+v", name, s.Build)
		}
		if !slices.Equal([]string(s.Command), wantCmd) {
			t.Errorf("%s command %v, want %v", name, s.Command, wantCmd)
		}
		for _, dep := range []string{"redis", "neo4j", "opensearch", "s3"} {
			if d, ok := s.DependsOn[dep]; !ok || d.Condition != types.ServiceConditionHealthy {
				t.Errorf("%s does not wait for %s to be healthy: %+v", name, dep, d)
			}
		}
		if name == "migrate" {
			continue
		}
		if d := s.DependsOn["migrate"]; d.Condition != types.ServiceConditionCompletedSuccessfully {
			t.Errorf("%s does not wait for migrate to complete: %+v", name, d)
		}
		if d := s.DependsOn["elasticmq"]; d.Condition != types.ServiceConditionHealthy {
			t.Errorf("%s does not wait for elasticmq: %+v", name, d)
		}
	}

	// The app's environment is a valid configuration whose endpoints are
	// services of this file.
	for _, name := range []string{"migrate", "api", "worker"} {
		env := svc(name).Environment
		c, err := config.LoadFrom(func(k string) (string, bool) {
			v, ok := env[k]
			if !ok || v == nil {
				return "", false
			}
			return *v, true
		})
		if err != nil {
			t.Fatalf("%s environment: %v", name, err)
		}
		hosts := map[string]string{
			"NEO4J_URI": host(t, c.Neo4jURI), "OPENSEARCH_URL": host(t, c.OpenSearchURL),
			"REDIS_ADDR": hostOf(c.RedisAddr), "ARCHIVE_S3_ENDPOINT": host(t, c.Archive.S3Endpoint),
			"SQS_ENDPOINT": host(t, c.ActivityLog.SQSEndpoint),
		}
		for v, h := range hosts {
			if _, ok := p.Services[h]; !ok {
				t.Errorf("%s: %s points at %q, not a service of docker-compose.yml", name, v, h)
			}
		}
	}
	// Metrics and readiness details are on the API's internal listener:
	// inside a container it must listen beyond loopback and be published.
	apiEnv := svc("api").Environment["INTERNAL_ADDR"]
	if apiEnv == nil || hostOf(*apiEnv) != "" {
		t.Errorf("api INTERNAL_ADDR %v, want :port so Prometheus can reach it", apiEnv)
	} else {
		_, port, _ := net.SplitHostPort(*apiEnv)
		published := false
		for _, p := range svc("api").Ports {
			published = published || p.Target == mustAtoi(t, port)
		}
		if !published {
			t.Errorf("api does not publish its internal port %s", port)
		}
	}
	if got := svc("s3").Command; !slices.Contains(got, "stylegraph-archive") {
		t.Errorf("s3 does not create the archive bucket: %v", got)
	}
}

func host(t *testing.T, raw string) string {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatalf("%q: %v", raw, err)
	}
	return u.Hostname()
}

func hostOf(addr string) string { h, _, _ := net.SplitHostPort(addr); return h }

func mustAtoi(t *testing.T, s string) uint32 {
	t.Helper()
	n, err := strconv.ParseUint(s, 10, 32)
	if err != nil {
		t.Fatalf("port %q: %v", s, err)
	}
	return uint32(n)
}
