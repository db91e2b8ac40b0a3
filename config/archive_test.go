package config_test

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/stylegraph/stylegraph/config"
)

func TestArchiveConfig(t *testing.T) {
	tests := []struct {
		env     map[string]string
		want    config.Archive
		wantErr string
	}{
		{env: nil, want: config.Archive{Dir: "archive", Region: "us-east-1", Group: "archiver"}},
		{
			env: map[string]string{"ARCHIVE_S3_BUCKET": "lake", "ARCHIVE_S3_ENDPOINT": "http://127.0.0.1:9000", "ARCHIVE_S3_PREFIX": "prod/", "AWS_REGION": "eu-west-1"},
			want: config.Archive{Dir: "archive", S3Bucket: "lake", S3Prefix: "prod/", S3Endpoint: "http://127.0.0.1:9000",
				S3PathStyle: true, Region: "eu-west-1", Group: "archiver"},
		},
		{env: map[string]string{"ARCHIVE_S3_BUCKET": "Lake_1"}, wantErr: "ARCHIVE_S3_BUCKET"},
		{env: map[string]string{"ARCHIVE_S3_ENDPOINT": "127.0.0.1:9000"}, wantErr: "ARCHIVE_S3_ENDPOINT"},
		{env: map[string]string{"ARCHIVE_S3_PATH_STYLE": "maybe"}, wantErr: "ARCHIVE_S3_PATH_STYLE"},
	}
	for _, tt := range tests {
		c, err := config.LoadFrom(lookup(tt.env))
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("env %v: error %v, want one naming %s", tt.env, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Fatalf("env %v: %v", tt.env, err)
		}
		if diff := cmp.Diff(tt.want, c.Archive); diff != "" {
			t.Errorf("env %v (-want +got):\n%s", tt.env, diff)
		}
	}
}

func TestActivityLogConfig(t *testing.T) {
	c, err := config.LoadFrom(lookup(map[string]string{"ACTIVITY_LOG": "sqs", "SQS_ENDPOINT": "http://127.0.0.1:9324", "SQS_VISIBILITY_TIMEOUT": "30s"}))
	if err != nil {
		t.Fatal(err)
	}
	want := config.ActivityLog{Kind: "sqs", SQSEndpoint: "http://127.0.0.1:9324", SQSQueuePrefix: "stylegraph-activity",
		SQSVisibilityTimeout: 30 * time.Second, SQSMaxReceives: 50}
	if diff := cmp.Diff(want, c.ActivityLog); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	for env, name := range map[string]string{"ACTIVITY_LOG": "kafka", "SQS_ENDPOINT": "nope", "SQS_QUEUE_PREFIX": "a b",
		"SQS_VISIBILITY_TIMEOUT": "100ms", "SQS_MAX_RECEIVES": "0"} {
		if _, err := config.LoadFrom(lookup(map[string]string{env: name})); err == nil || !strings.Contains(err.Error(), env) {
			t.Errorf("%s=%s: error %v, want one naming it", env, name, err)
		}
	}
}
