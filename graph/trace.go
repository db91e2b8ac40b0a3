package graph

import (
	"context"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/noop"
)

// SetTracerProvider makes every statement a span named by its cypher/ file
// (without one, statements are not traced).
func (db *DB) SetTracerProvider(tp trace.TracerProvider) {
	db.tracer = tp.Tracer("github.com/stylegraph/stylegraph/graph")
}

// traced runs call in a client span for the named statement.
func (db *DB) traced(ctx context.Context, name string, call func(ctx context.Context) error) error {
	t := db.tracer
	if t == nil {
		t = noop.Tracer{}
	}
	ctx, span := t.Start(ctx, name+".cypher", trace.WithSpanKind(trace.SpanKindClient), trace.WithAttributes(
		attribute.String("db.system.name", "neo4j"),
		attribute.String("db.namespace", db.database),
		attribute.String("db.query.summary", name),
	))
	defer span.End()
	err := call(ctx)
	if err != nil {
		span.RecordError(err)
		span.SetStatus(codes.Error, "statement failed")
	}
	return err
}
