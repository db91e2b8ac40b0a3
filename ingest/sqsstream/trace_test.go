package sqsstream_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/stylegraph/stylegraph/ingest/ingesttest"
	"github.com/stylegraph/stylegraph/ingest/sqsstream"
	"github.com/stylegraph/stylegraph/internal/testenv"
)

// Appending to SQS makes client spans (SQS/SendMessageBatch) on the real
// ElasticMQ, so a slow queue shows in the request's trace.
func TestSQSCallsAreTraced(t *testing.T) {
	exp := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(exp))
	rdb := testenv.Redis(t)
	ns := testenv.Namespace(t)
	t.Cleanup(func() { testenv.DropKeys(rdb, ns) })
	ctx := context.Background()
	l, err := sqsstream.New(ctx, sqsstream.Options{
		Endpoint: testenv.SQSEndpoint(t), Credentials: testenv.AWSCredentials(),
		QueuePrefix: fmt.Sprintf("test-%d", testenv.IDBase(t)), Groups: []string{"g"}, VisibilityTimeout: time.Minute,
		Dedup: rdb, DedupPrefix: ns + "seen:", TracerProvider: tp,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = l.DeleteQueues(context.Background()) })
	if err := l.Append(ctx, ingesttest.Views(1, 100, 1)); err != nil {
		t.Fatal(err)
	}
	methods := map[string]bool{}
	for _, sp := range exp.GetSpans() {
		for _, a := range sp.Attributes {
			if a.Key == "rpc.method" {
				methods[a.Value.AsString()] = true
			}
		}
	}
	if !methods["SQS/SendMessageBatch"] && !methods["SQS/SendMessage"] {
		t.Fatalf("no SQS send span; rpc.method values seen: %v", methods)
	}
}
