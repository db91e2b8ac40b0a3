package config

import (
	"strings"
)

// Archive configures the event archive (the data lake the archiver writes
// and replay reads).
type Archive struct {
	// Dir is the local folder used when no bucket is set.
	Dir string
	// S3Bucket, when set, sends the archive to S3 instead, under S3Prefix.
	S3Bucket string
	S3Prefix string
	// S3Endpoint points at an S3-compatible server; empty means AWS.
	S3Endpoint string
	// S3PathStyle addresses buckets by path (most S3-compatible servers).
	S3PathStyle bool
	// Region is the AWS region for S3 and SQS.
	Region string
	// Group is the archiver's consumer group.
	Group string
}

func (r *reader) archive() Archive {
	a := Archive{
		Dir:        r.str("ARCHIVE_DIR", "archive"),
		S3Bucket:   r.str("ARCHIVE_S3_BUCKET", ""),
		S3Prefix:   r.str("ARCHIVE_S3_PREFIX", ""),
		S3Endpoint: r.endpoint("ARCHIVE_S3_ENDPOINT"),
		Region:     r.str("AWS_REGION", "us-east-1"),
		Group:      r.str("ARCHIVER_GROUP", "archiver"),
	}
	a.S3PathStyle = r.bool("ARCHIVE_S3_PATH_STYLE", a.S3Endpoint != "")
	if a.S3Bucket != "" && (len(a.S3Bucket) < 3 || len(a.S3Bucket) > 63 || strings.ToLower(a.S3Bucket) != a.S3Bucket || strings.ContainsAny(a.S3Bucket, " /_")) {
		r.fail("ARCHIVE_S3_BUCKET", a.S3Bucket, "must be an S3 bucket name (3-63 lower-case letters, digits, dots, hyphens)")
	}
	if a.Group == "" || strings.ContainsAny(a.Group, " \t\n") {
		r.fail("ARCHIVER_GROUP", a.Group, "must be a name without spaces")
	}
	return a
}
