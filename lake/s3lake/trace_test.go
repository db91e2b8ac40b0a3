package s3lake_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/stylegraph/stylegraph/internal/testenv"
	"github.com/stylegraph/stylegraph/lake/s3lake"
)

// Every S3 call of the archive is a client span (operation, service) in the
// trace of the caller, on the real S3-compatible server.
func TestS3CallsAreTraced(t *testing.T) {
	exp := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(exp))
	ctx := context.Background()
	bucket := fmt.Sprintf("test-trace-%d", testenv.IDBase(t))
	s, err := s3lake.New(ctx, s3lake.Options{
		Bucket: bucket, Endpoint: testenv.S3Endpoint(t), PathStyle: true, Credentials: testenv.AWSCredentials(), TracerProvider: tp,
	})
	if err != nil {
		t.Fatal(err)
	}
	c := s.Client()
	ctx, parent := tp.Tracer("test").Start(ctx, "parent")
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
		t.Fatalf("create bucket: %v", err)
	}
	parent.End()
	t.Cleanup(func() { _, _ = c.DeleteBucket(context.Background(), &s3.DeleteBucketInput{Bucket: aws.String(bucket)}) })

	var found bool
	for _, sp := range exp.GetSpans() {
		if sp.Name != "S3.CreateBucket" {
			continue
		}
		found = true
		if sp.Parent.SpanID() != parent.SpanContext().SpanID() {
			t.Errorf("S3 span's parent = %v, want the caller's span", sp.Parent.SpanID())
		}
		attrs := map[string]string{}
		for _, a := range sp.Attributes {
			attrs[string(a.Key)] = a.Value.Emit()
		}
		if attrs["rpc.method"] != "S3/CreateBucket" || attrs["aws.s3.bucket"] != bucket {
			t.Errorf("S3 span attributes = %v, want rpc.method S3/CreateBucket and the bucket", attrs)
		}
	}
	if !found {
		var names []string
		for _, sp := range exp.GetSpans() {
			names = append(names, sp.Name)
		}
		t.Fatalf("no S3.CreateBucket span among %v", names)
	}
}
