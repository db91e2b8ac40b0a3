package lake_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/internal/testenv"
	"github.com/stylegraph/stylegraph/lake"
	"github.com/stylegraph/stylegraph/lake/s3lake"
)

func event(n int, at time.Time) stylegraph.Event {
	return stylegraph.Event{
		ID:         uuid.NewSHA1(uuid.NameSpaceOID, []byte(fmt.Sprint(n))).String(),
		Type:       stylegraph.EventView,
		UserID:     int64(1000 + n),
		Target:     &stylegraph.EventTarget{Kind: stylegraph.TargetProduct, ID: int64(n)},
		OccurredAt: at,
		ReceivedAt: at.Add(time.Second),
		Context:    stylegraph.EventContext{App: "ios"},
	}
}

// stores returns each Store implementation: a temp folder and a fresh bucket
// on the real S3-compatible server (removed at the end).
func stores(t *testing.T) map[string]lake.Store {
	t.Helper()
	dir, err := lake.NewDir(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	bucket := fmt.Sprintf("test-archive-%d", testenv.IDBase(t))
	s, err := s3lake.New(ctx, s3lake.Options{
		Bucket: bucket, Prefix: "lake", Endpoint: testenv.S3Endpoint(t), PathStyle: true, Credentials: testenv.AWSCredentials(),
	})
	if err != nil {
		t.Fatal(err)
	}
	c := s.Client()
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
		t.Fatalf("create bucket: %v", err)
	}
	t.Cleanup(func() {
		out, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(bucket)})
		if err == nil && len(out.Contents) > 0 {
			var ids []types.ObjectIdentifier
			for _, o := range out.Contents {
				ids = append(ids, types.ObjectIdentifier{Key: o.Key})
			}
			for _, id := range ids {
				_, _ = c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(bucket), Key: id.Key})
			}
		}
		_, _ = c.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: aws.String(bucket)})
	})
	return map[string]lake.Store{"dir": dir, "s3": s}
}

func gunzipLines(t *testing.T, body []byte) []stylegraph.Event {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	var out []stylegraph.Event
	for _, line := range strings.Split(strings.TrimSuffix(string(raw), "\n"), "\n") {
		var e stylegraph.Event
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			t.Fatalf("line %q: %v", line, err)
		}
		out = append(out, e)
	}
	return out
}

func TestArchiverPartitionsAndIsIdempotent(t *testing.T) {
	ctx := context.Background()
	h14 := time.Date(2026, 11, 25, 14, 5, 0, 0, time.UTC)
	h15 := time.Date(2026, 11, 25, 15, 59, 59, 0, time.UTC)
	next := time.Date(2026, 11, 26, 0, 30, 0, 0, time.FixedZone("KST", 9*3600)) // 2026-11-25 15:30 UTC
	batch := []stylegraph.Event{event(1, h14), event(2, h15), event(3, h14.Add(time.Minute)), event(4, next)}
	for name, store := range stores(t) {
		t.Run(name, func(t *testing.T) {
			a := lake.NewArchiver(store)
			for range 2 { // a redelivered batch rewrites the same objects
				if err := a.Handle(ctx, batch); err != nil {
					t.Fatal(err)
				}
			}
			keys, err := store.List(ctx, lake.Root)
			if err != nil {
				t.Fatal(err)
			}
			if len(keys) != 2 {
				t.Fatalf("keys = %v, want one object per hour", keys)
			}
			wantParts := []string{"events/dt=2026-11-25/hour=14/", "events/dt=2026-11-25/hour=15/"}
			wantEvents := [][]stylegraph.Event{{batch[0], batch[2]}, {batch[1], batch[3]}}
			for i, k := range keys {
				if !strings.HasPrefix(k, wantParts[i]) || !strings.HasSuffix(k, ".jsonl.gz") || !strings.Contains(k, wantEvents[i][0].ID) {
					t.Errorf("key %q, want under %s named after %s", k, wantParts[i], wantEvents[i][0].ID)
				}
				body, err := store.Get(ctx, k)
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(wantEvents[i], gunzipLines(t, body), cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) })); diff != "" {
					t.Errorf("object %s (-want +got):\n%s", k, diff)
				}
			}

			// A regrouped redelivery lands in a new object; Read drops the repeats.
			if err := a.Handle(ctx, batch[:1]); err != nil {
				t.Fatal(err)
			}
			var got []string
			st, err := lake.Read(ctx, store, lake.ReadOptions{Batch: 2}, func(_ context.Context, es []stylegraph.Event) error {
				if len(es) > 2 {
					t.Errorf("batch of %d, want at most 2", len(es))
				}
				for _, e := range es {
					got = append(got, e.ID)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			want := []string{batch[0].ID, batch[2].ID, batch[3].ID, batch[1].ID} // time order
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("read order (-want +got):\n%s", diff)
			}
			if st != (lake.ReadStats{Objects: 3, Events: 4, Duplicates: 1}) {
				t.Errorf("stats = %+v", st)
			}

			got = nil
			_, err = lake.Read(ctx, store, lake.ReadOptions{Since: h15.Add(-30 * time.Minute)}, func(_ context.Context, es []stylegraph.Event) error {
				for _, e := range es {
					got = append(got, e.ID)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff([]string{batch[3].ID, batch[1].ID}, got); diff != "" {
				t.Errorf("read since 15:29 (-want +got):\n%s", diff)
			}
		})
	}
}

func TestReadStopsOnHandlerError(t *testing.T) {
	ctx := context.Background()
	store, err := lake.NewDir(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 25, 14, 0, 0, 0, time.UTC)
	if err := lake.NewArchiver(store).Handle(ctx, []stylegraph.Event{event(1, at), event(2, at.Add(2*time.Hour))}); err != nil {
		t.Fatal(err)
	}
	calls := 0
	_, err = lake.Read(ctx, store, lake.ReadOptions{}, func(context.Context, []stylegraph.Event) error {
		calls++
		return fmt.Errorf("graph down")
	})
	if err == nil || calls != 1 {
		t.Fatalf("Read = %v after %d calls, want the handler's error after 1", err, calls)
	}
	if err := store.Put(ctx, "../escape", []byte("x")); err == nil {
		t.Error("Put outside the folder succeeded")
	}
}
