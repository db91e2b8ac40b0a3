package testenv

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"time"

	"github.com/testcontainers/testcontainers-go"
	"github.com/testcontainers/testcontainers-go/wait"

	"github.com/stylegraph/stylegraph/config"
)

func discardLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// fillFromContainers starts a container for each service that is neither
// configured explicitly nor answering at its default address, when a Docker
// engine is reachable. Without Docker it changes nothing: the test then fails
// at connect time with instructions.
func fillFromContainers(c *config.Config) error {
	neo := hostOf(c.Neo4jURI)
	osh := hostOf(c.OpenSearchURL)
	missing := map[string]bool{
		"neo4j":      !envSet("NEO4J_URI") && !reachable(neo),
		"opensearch": !envSet("OPENSEARCH_URL") && !reachable(osh),
		"redis":      !envSet("REDIS_ADDR") && !reachable(c.RedisAddr),
	}
	if !missing["neo4j"] && !missing["opensearch"] && !missing["redis"] {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	p, err := testcontainers.NewDockerProvider()
	if err != nil || p.Health(ctx) != nil {
		return nil // no Docker engine: connection errors will explain
	}
	if missing["redis"] {
		addr, err := start(ctx, "redis:7", "6379/tcp", nil, wait.ForLog("Ready to accept connections"))
		if err != nil {
			return err
		}
		c.RedisAddr = addr
	}
	if missing["neo4j"] {
		addr, err := start(ctx, "neo4j:5.26-community", "7687/tcp",
			map[string]string{"NEO4J_AUTH": c.Neo4jUser + "/" + c.Neo4jPassword}, wait.ForLog("Started."))
		if err != nil {
			return err
		}
		c.Neo4jURI = "neo4j://" + addr
	}
	if missing["opensearch"] {
		addr, err := start(ctx, "opensearchproject/opensearch:2.19.1", "9200/tcp", map[string]string{
			"discovery.type": "single-node", "DISABLE_SECURITY_PLUGIN": "true",
			"OPENSEARCH_JAVA_OPTS": "-Xms512m -Xmx512m",
		}, wait.ForHTTP("/_cluster/health").WithPort("9200/tcp").WithStartupTimeout(3*time.Minute))
		if err != nil {
			return err
		}
		c.OpenSearchURL = "http://" + addr
	}
	return nil
}

// start runs image and returns host:port of its exposed port. Containers are
// reaped by testcontainers' Ryuk when the test process exits.
func start(ctx context.Context, image, port string, env map[string]string, w wait.Strategy) (string, error) {
	ctr, err := testcontainers.GenericContainer(ctx, testcontainers.GenericContainerRequest{
		ContainerRequest: testcontainers.ContainerRequest{Image: image, ExposedPorts: []string{port}, Env: env, WaitingFor: w},
		Started:          true,
	})
	if err != nil {
		return "", fmt.Errorf("start %s: %w", image, err)
	}
	ep, err := ctr.PortEndpoint(ctx, port, "")
	if err != nil {
		return "", fmt.Errorf("endpoint of %s: %w", image, err)
	}
	return ep, nil
}

func hostOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	return u.Host
}
