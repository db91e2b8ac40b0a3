// Package tracing owns OpenTelemetry set-up: the tracer provider that
// exports spans over OTLP when the environment names an endpoint (config.
// Tracing), the W3C propagators, and a log handler that stamps each record
// with its trace and span IDs. Instrumented clients receive the provider
// from internal/wiring; tracing must not import the stores or api.
package tracing

import (
	"context"
	"fmt"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// Start builds the OTLP/HTTP exporter that the OTEL_EXPORTER_OTLP_*
// variables describe and a provider batching spans to it. The provider is
// also installed as the global one, with W3C trace-context and baggage
// propagation, for libraries that only look there. Shut it down on exit to
// flush the last spans.
func Start(ctx context.Context) (*sdktrace.TracerProvider, error) {
	exp, err := otlptracehttp.New(ctx)
	if err != nil {
		return nil, fmt.Errorf("otlp trace exporter: %w", err)
	}
	tp, err := NewProvider(ctx, sdktrace.WithBatcher(exp))
	if err != nil {
		return nil, err
	}
	otel.SetTracerProvider(tp)
	otel.SetTextMapPropagator(Propagator())
	return tp, nil
}

// NewProvider returns a tracer provider for the service with the given span
// processors (tests pass an in-memory exporter). OTEL_SERVICE_NAME and
// OTEL_RESOURCE_ATTRIBUTES override the default service name, and
// OTEL_TRACES_SAMPLER picks the sampler (parent-based always-on by default).
func NewProvider(ctx context.Context, opts ...sdktrace.TracerProviderOption) (*sdktrace.TracerProvider, error) {
	res, err := resource.New(ctx,
		resource.WithAttributes(attribute.String("service.name", "stylegraph")),
		resource.WithFromEnv(),
		resource.WithTelemetrySDK(),
		resource.WithHost(),
	)
	if err != nil {
		return nil, fmt.Errorf("trace resource: %w", err)
	}
	return sdktrace.NewTracerProvider(append([]sdktrace.TracerProviderOption{sdktrace.WithResource(res)}, opts...)...), nil
}

// Propagator carries W3C trace context and baggage in and out of requests.
func Propagator() propagation.TextMapPropagator {
	return propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{})
}
