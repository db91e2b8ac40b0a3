package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"go.opentelemetry.io/otel/attribute"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/internal/e2e"
	"github.com/stylegraph/stylegraph/tracing"
)

// lockedBuffer collects the server's log lines from its goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestTracing serves real requests with tracing on, exporting to the SDK's
// in-memory exporter: each request is a server span named by its route that
// continues the caller's trace, with child spans for the Cypher statement
// (named by its file), the Redis commands and the OpenSearch request, and
// its log line carries the trace ID.
func TestTracing(t *testing.T) {
	exp := tracetest.NewInMemoryExporter()
	tp, err := tracing.NewProvider(context.Background(), sdktrace.WithSyncer(exp))
	if err != nil {
		t.Fatal(err)
	}
	logs := &lockedBuffer{}
	base, d := startServerTraced(t, nil, tp, logs)
	shopper := e2e.Bearer(t, d.Cfg.JWTSecret, 7_000_001, stylegraph.RoleShopper)

	// Each request comes with its caller's trace, as from a gateway.
	request := func(path string) trace.TraceID {
		t.Helper()
		tid := trace.TraceID{0x5e}
		copy(tid[1:], path)
		req, _ := http.NewRequest(http.MethodGet, base+path, nil)
		req.Header.Set("Authorization", shopper["Authorization"])
		req.Header.Set("traceparent", fmt.Sprintf("00-%s-00f067aa0ba902b7-01", tid))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode >= 500 {
			t.Fatalf("GET %s = %d", path, resp.StatusCode)
		}
		return tid
	}
	product := request("/v1/products/987654321") // a 404 from Neo4j
	found := request("/v1/search?q=dress")
	if err := tp.ForceFlush(context.Background()); err != nil {
		t.Fatal(err)
	}
	spans := exp.GetSpans()

	// in lists the spans of one trace.
	in := func(tid trace.TraceID) tracetest.SpanStubs {
		var out tracetest.SpanStubs
		for _, s := range spans {
			if s.SpanContext.TraceID() == tid {
				out = append(out, s)
			}
		}
		return out
	}
	has := func(ss tracetest.SpanStubs, what string, match func(tracetest.SpanStub) bool) {
		t.Helper()
		for _, s := range ss {
			if match(s) {
				return
			}
		}
		var names []string
		for _, s := range ss {
			names = append(names, s.Name+" ("+s.InstrumentationScope.Name+")")
		}
		t.Errorf("no %s span; the trace holds %v", what, names)
	}
	attr := func(s tracetest.SpanStub, key, value string) bool {
		for _, a := range s.Attributes {
			if a.Key == attribute.Key(key) && a.Value.AsString() == value {
				return true
			}
		}
		return false
	}
	server := func(name string) func(tracetest.SpanStub) bool {
		return func(s tracetest.SpanStub) bool {
			return s.SpanKind == trace.SpanKindServer && s.Name == name && s.Parent.IsRemote()
		}
	}
	redisSpan := func(s tracetest.SpanStub) bool {
		return strings.Contains(s.InstrumentationScope.Name, "redisotel") && s.Parent.IsValid()
	}

	p := in(product)
	has(p, "server GET /v1/products/:id", server("GET /v1/products/:id"))
	has(p, "Cypher get_product", func(s tracetest.SpanStub) bool {
		return s.Name == "get_product.cypher" && s.SpanKind == trace.SpanKindClient && attr(s, "db.system.name", "neo4j")
	})
	has(p, "Redis (rate limit)", redisSpan)

	f := in(found)
	has(f, "server GET /v1/search", server("GET /v1/search"))
	has(f, "OpenSearch request", func(s tracetest.SpanStub) bool {
		return strings.HasPrefix(s.Name, "opensearch ") && s.SpanKind == trace.SpanKindClient && attr(s, "db.system.name", "opensearch")
	})
	has(f, "Redis", redisSpan)

	// The request's log line names its trace.
	var logged bool
	for _, line := range strings.Split(logs.String(), "\n") {
		var m map[string]any
		if json.Unmarshal([]byte(line), &m) != nil {
			continue
		}
		if m["msg"] == "http request" && m["route"] == "/v1/products/:id" && m["trace_id"] == product.String() {
			logged = true
		}
	}
	if !logged {
		t.Errorf("no request log line with trace_id %s in:\n%s", product, logs.String())
	}
}
