package config

import "strings"

// Tracing turns OpenTelemetry tracing on. It is off unless an OTLP endpoint
// is named; the exporter itself reads the standard OTEL_EXPORTER_OTLP_*
// variables (headers, TLS, timeout) and the SDK reads OTEL_SERVICE_NAME,
// OTEL_RESOURCE_ATTRIBUTES and OTEL_TRACES_SAMPLER, so none is repeated here.
type Tracing struct {
	// Enabled is set when OTEL_EXPORTER_OTLP_TRACES_ENDPOINT or
	// OTEL_EXPORTER_OTLP_ENDPOINT is, unless OTEL_SDK_DISABLED=true.
	Enabled bool
}

func (r *reader) tracing() Tracing {
	endpoint := r.str("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "")
	name := "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"
	if endpoint == "" {
		endpoint, name = r.str("OTEL_EXPORTER_OTLP_ENDPOINT", ""), "OTEL_EXPORTER_OTLP_ENDPOINT"
	}
	if endpoint == "" || strings.EqualFold(r.str("OTEL_SDK_DISABLED", ""), "true") {
		return Tracing{}
	}
	r.url(name, endpoint, "http", "https")
	// Only the HTTP exporter is built in: it needs no gRPC stack.
	for _, p := range []string{"OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "OTEL_EXPORTER_OTLP_PROTOCOL"} {
		if v := r.str(p, "http/protobuf"); v != "http/protobuf" {
			r.fail(p, v, "only http/protobuf is supported")
		}
	}
	return Tracing{Enabled: true}
}
