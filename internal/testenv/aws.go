package testenv

import (
	"net/url"
	"os"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
)

// S3Endpoint returns the S3-compatible server tests use (ARCHIVE_S3_ENDPOINT,
// default the one `make services` starts on 127.0.0.1:9000), failing the test
// when nothing answers there.
func S3Endpoint(t testing.TB) string {
	t.Helper()
	return awsEndpoint(t, "ARCHIVE_S3_ENDPOINT", "http://127.0.0.1:9000", "S3-compatible server")
}

// SQSEndpoint returns the SQS-compatible server tests use (SQS_ENDPOINT,
// default the ElasticMQ `make services` starts on 127.0.0.1:9324).
func SQSEndpoint(t testing.TB) string {
	t.Helper()
	return awsEndpoint(t, "SQS_ENDPOINT", "http://127.0.0.1:9324", "SQS-compatible server (ElasticMQ)")
}

// AWSCredentials are the static credentials the local servers accept (they
// do not check them).
func AWSCredentials() aws.CredentialsProvider {
	return credentials.NewStaticCredentialsProvider("stylegraph-test", "stylegraph-test", "")
}

func awsEndpoint(t testing.TB, env, def, what string) string {
	t.Helper()
	Integration(t)
	ep := def
	if envSet(env) {
		ep = os.Getenv(env)
	}
	u, err := url.Parse(ep)
	if err != nil || u.Host == "" {
		t.Fatalf("%s=%q is not a URL", env, ep)
	}
	if !reachable(u.Host) {
		t.Fatalf("%s at %s is not reachable; %s", what, ep, "start the local services with `make services` (or set "+env+")")
	}
	return ep
}
