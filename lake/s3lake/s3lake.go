// Package s3lake keeps the event archive in an S3 bucket (or an S3-compatible
// server): a lake.Store of its own package, so only what wires an S3 archive
// links the AWS SDK.
package s3lake

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"go.opentelemetry.io/contrib/instrumentation/github.com/aws/aws-sdk-go-v2/otelaws"
	"go.opentelemetry.io/otel/trace"
)

// Options locate the bucket.
type Options struct {
	Bucket string
	// Prefix goes before every key ("" or a folder such as "lake/").
	Prefix string
	// Endpoint overrides the AWS endpoint (an S3-compatible server).
	Endpoint string
	Region   string
	// PathStyle addresses buckets as endpoint/bucket rather than
	// bucket.endpoint, as most S3-compatible servers need.
	PathStyle bool
	// Credentials override the SDK's default chain (environment, shared
	// config, instance role); nil keeps it.
	Credentials aws.CredentialsProvider
	// TracerProvider receives a span per AWS call; nil is the global one
	// (a no-op unless tracing is configured).
	TracerProvider trace.TracerProvider
}

// Store is a lake.Store in an S3 bucket.
type Store struct {
	client *s3.Client
	bucket string
	prefix string
}

// New builds the S3 client.
func New(ctx context.Context, o Options) (*Store, error) {
	if o.Bucket == "" {
		return nil, fmt.Errorf("archive s3: no bucket")
	}
	if o.Region == "" {
		o.Region = "us-east-1"
	}
	opts := []func(*awsconfig.LoadOptions) error{awsconfig.WithRegion(o.Region)}
	if o.Credentials != nil {
		opts = append(opts, awsconfig.WithCredentialsProvider(o.Credentials))
	}
	cfg, err := awsconfig.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("archive s3 config: %w", err)
	}
	if o.TracerProvider != nil {
		otelaws.AppendMiddlewares(&cfg.APIOptions, otelaws.WithTracerProvider(o.TracerProvider))
	} else {
		otelaws.AppendMiddlewares(&cfg.APIOptions)
	}
	client := s3.NewFromConfig(cfg, func(so *s3.Options) {
		if o.Endpoint != "" {
			so.BaseEndpoint = aws.String(o.Endpoint)
		}
		so.UsePathStyle = o.PathStyle
		// Checksums only where the API needs them: S3-compatible servers do
		// not all speak the newer trailing-checksum encoding.
		so.RequestChecksumCalculation = aws.RequestChecksumCalculationWhenRequired
		so.ResponseChecksumValidation = aws.ResponseChecksumValidationWhenRequired
	})
	prefix := o.Prefix
	if prefix != "" && !strings.HasSuffix(prefix, "/") {
		prefix += "/"
	}
	return &Store{client: client, bucket: o.Bucket, prefix: prefix}, nil
}

// Client is the underlying S3 client (tests create and remove buckets).
func (s *Store) Client() *s3.Client { return s.client }

// Put uploads one object.
func (s *Store) Put(ctx context.Context, key string, body []byte) error {
	_, err := s.client.PutObject(ctx, &s3.PutObjectInput{
		Bucket:        aws.String(s.bucket),
		Key:           aws.String(s.prefix + key),
		Body:          bytes.NewReader(body),
		ContentLength: aws.Int64(int64(len(body))),
		ContentType:   aws.String("application/x-ndjson"),
		// The body is gzip data, stored as is (readers gunzip themselves).
		ContentEncoding: aws.String("identity"),
	})
	if err != nil {
		return fmt.Errorf("s3 put %s: %w", key, err)
	}
	return nil
}

// List pages through the keys below prefix.
func (s *Store) List(ctx context.Context, prefix string) ([]string, error) {
	var keys []string
	p := s3.NewListObjectsV2Paginator(s.client, &s3.ListObjectsV2Input{
		Bucket: aws.String(s.bucket),
		Prefix: aws.String(s.prefix + prefix),
	})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("s3 list %s: %w", prefix, err)
		}
		for _, o := range page.Contents {
			keys = append(keys, strings.TrimPrefix(aws.ToString(o.Key), s.prefix))
		}
	}
	return keys, nil
}

// Get downloads one object.
func (s *Store) Get(ctx context.Context, key string) ([]byte, error) {
	out, err := s.client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(s.bucket), Key: aws.String(s.prefix + key)})
	if err != nil {
		return nil, fmt.Errorf("s3 get %s: %w", key, err)
	}
	defer out.Body.Close()
	return io.ReadAll(out.Body)
}
