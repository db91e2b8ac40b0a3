package wiring

import (
	"context"
	"fmt"
	"strings"

	"github.com/stylegraph/stylegraph/config"
	"github.com/stylegraph/stylegraph/lake"
	"github.com/stylegraph/stylegraph/lake/s3lake"
)

// OpenLake returns the event archive the configuration names: the S3 bucket
// when ARCHIVE_S3_BUCKET is set, the local folder ARCHIVE_DIR otherwise.
func OpenLake(ctx context.Context, a config.Archive) (lake.Store, error) {
	if a.S3Bucket != "" {
		return openS3Lake(ctx, a, a.S3Bucket, a.S3Prefix)
	}
	return lake.NewDir(a.Dir)
}

// OpenLakeFrom opens the archive a --from flag names: s3://bucket/prefix
// (endpoint, region and path style from the configuration) or a folder.
func OpenLakeFrom(ctx context.Context, a config.Archive, from string) (lake.Store, error) {
	if rest, ok := strings.CutPrefix(from, "s3://"); ok {
		bucket, prefix, _ := strings.Cut(rest, "/")
		if bucket == "" {
			return nil, fmt.Errorf("--from %q: no bucket", from)
		}
		return openS3Lake(ctx, a, bucket, prefix)
	}
	return lake.NewDir(from)
}

func openS3Lake(ctx context.Context, a config.Archive, bucket, prefix string) (lake.Store, error) {
	return s3lake.New(ctx, s3lake.Options{
		Bucket: bucket, Prefix: prefix, Endpoint: a.S3Endpoint, Region: a.Region, PathStyle: a.S3PathStyle,
	})
}
