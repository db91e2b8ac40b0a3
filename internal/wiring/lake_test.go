package wiring

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/config"
	"github.com/stylegraph/stylegraph/internal/testenv"
	"github.com/stylegraph/stylegraph/lake"
	"github.com/stylegraph/stylegraph/lake/s3lake"
)

// TestOpenLakeFrom reads back, through the --from forms replay accepts, what
// the configured archive wrote: a folder and an s3://bucket/prefix on the
// real local S3 server.
func TestOpenLakeFrom(t *testing.T) {
	ctx := context.Background()
	t.Setenv("AWS_ACCESS_KEY_ID", "stylegraph-test")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "stylegraph-test")
	bucket := fmt.Sprintf("test-from-%d", testenv.IDBase(t))
	s3cfg := config.Archive{S3Bucket: bucket, S3Prefix: "prod", S3Endpoint: testenv.S3Endpoint(t), S3PathStyle: true, Region: "us-east-1"}
	dir := t.TempDir()

	evs := []stylegraph.Event{{ID: uuid.NewString(), Type: stylegraph.EventView, UserID: 1, Target: &stylegraph.EventTarget{Kind: stylegraph.TargetProduct, ID: 2},
		OccurredAt: time.Date(2026, 11, 25, 14, 0, 0, 0, time.UTC)}}
	for _, tt := range []struct {
		name string
		cfg  config.Archive
		from string
	}{
		{"folder", config.Archive{Dir: dir}, dir},
		{"s3", s3cfg, "s3://" + bucket + "/prod"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			store, err := OpenLake(ctx, tt.cfg)
			if err != nil {
				t.Fatal(err)
			}
			if s, ok := store.(*s3lake.Store); ok {
				c := s.Client()
				if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() {
					out, _ := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(bucket)})
					if out != nil {
						for _, o := range out.Contents {
							_, _ = c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(bucket), Key: o.Key})
						}
					}
					_, _ = c.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: aws.String(bucket)})
				})
			}
			if err := lake.NewArchiver(store).Handle(ctx, evs); err != nil {
				t.Fatal(err)
			}
			from, err := OpenLakeFrom(ctx, config.Archive{S3Endpoint: tt.cfg.S3Endpoint, S3PathStyle: true, Region: "us-east-1"}, tt.from)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			if _, err := lake.Read(ctx, from, lake.ReadOptions{}, func(_ context.Context, es []stylegraph.Event) error {
				for _, e := range es {
					got = append(got, e.ID)
				}
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff([]string{evs[0].ID}, got); diff != "" {
				t.Errorf("read through --from %s (-want +got):\n%s", tt.from, diff)
			}
		})
	}
	if _, err := OpenLakeFrom(ctx, config.Archive{}, "s3:///x"); err == nil {
		t.Error("s3:// without a bucket was accepted")
	}
}
