package config_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/stylegraph/stylegraph/config"
)

func TestTracingIsOffUnlessAnEndpointIsNamed(t *testing.T) {
	for _, tc := range []struct {
		env  map[string]string
		want bool
	}{
		{nil, false},
		{map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318"}, true},
		{map[string]string{"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "https://collector:4318/v1/traces"}, true},
		{map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318", "OTEL_SDK_DISABLED": "true"}, false},
	} {
		c, err := config.LoadFrom(lookup(tc.env))
		if err != nil {
			t.Fatalf("%v: %v", tc.env, err)
		}
		if c.Tracing.Enabled != tc.want {
			t.Errorf("%v: tracing enabled %v, want %v", tc.env, c.Tracing.Enabled, tc.want)
		}
	}
}

func TestOpenSearchSigV4(t *testing.T) {
	c, err := config.LoadFrom(lookup(map[string]string{"OPENSEARCH_AWS_SIGV4": "true", "AWS_REGION": "eu-west-1"}))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(config.OpenSearchSigV4{Enabled: true, Region: "eu-west-1", Service: "es"}, c.OpenSearchSigV4); diff != "" {
		t.Errorf("sigv4 (-want +got):\n%s", diff)
	}
}

func TestBadTracingAndSigV4NameTheVariable(t *testing.T) {
	for _, tc := range []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "collector:4318"}, "OTEL_EXPORTER_OTLP_ENDPOINT"},
		{map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4317", "OTEL_EXPORTER_OTLP_PROTOCOL": "grpc"}, "OTEL_EXPORTER_OTLP_PROTOCOL"},
		{map[string]string{"OPENSEARCH_AWS_SIGV4": "true"}, "OPENSEARCH_AWS_REGION"},
		{map[string]string{"OPENSEARCH_AWS_SIGV4": "true", "AWS_REGION": "eu-west-1", "OPENSEARCH_AWS_SERVICE": "s3"}, "OPENSEARCH_AWS_SERVICE"},
		{map[string]string{"OPENSEARCH_AWS_SIGV4": "maybe"}, "OPENSEARCH_AWS_SIGV4"},
	} {
		_, err := config.LoadFrom(lookup(tc.env))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: error %v, want one naming %s", tc.env, err, tc.want)
		}
	}
}
