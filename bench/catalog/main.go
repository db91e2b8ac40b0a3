// Command catalog benchmarks the catalog import and the event archive, each
// figure next to a baseline measured in the same run, as a ratio:
//
//   - parsing the real styles.csv with the catalog reader vs. encoding/csv alone;
//   - importing products (graph upsert + search bulk index, batches of 1,000)
//     vs. the plain batched UNWIND/MERGE of user profiles and the bare bulk index;
//   - the archiver writing batches of 100 events to a folder and to the local
//     S3 server vs. writing the same bytes directly, and replay reading them back.
//
// Products get IDs of their own and suffixed brand/category/tag names so the
// shared graph keeps them apart; they are deleted at the end. Run with
// `make bench-catalog` (needs `make services` and ../shared/datasets).
package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/google/uuid"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/bench/harness"
	"github.com/stylegraph/stylegraph/catalog"
	"github.com/stylegraph/stylegraph/config"
	"github.com/stylegraph/stylegraph/graph"
	"github.com/stylegraph/stylegraph/lake"
	"github.com/stylegraph/stylegraph/lake/s3lake"
	"github.com/stylegraph/stylegraph/search"
)

func main() {
	n := flag.Int("products", 5000, "products imported into Neo4j and OpenSearch per run")
	events := flag.Int("events", 20000, "events archived per run")
	s3Endpoint := flag.String("s3", "http://127.0.0.1:9000", "S3-compatible endpoint for the archive figures")
	harness.Main("catalog", func(o *harness.Options) error {
		if o.Short {
			*n, *events = min(*n, 500), min(*events, 2000)
		}
		return run(o, *n, *events, *s3Endpoint)
	})
}

func run(o *harness.Options, nProducts, nEvents int, s3URL string) error {
	n, events, s3Endpoint := &nProducts, &nEvents, &s3URL
	ctx := context.Background()
	cfg, err := config.Load()
	if err != nil {
		return err
	}
	styles := harness.Dataset("fashion-product-images-styles", "styles.csv")
	if err := o.Begin(); err != nil {
		return err
	}

	// 1. Parsing.
	var products []stylegraph.Product
	var rows, bad int
	parse := harness.Case{Name: "catalog reader (layout mapping + validation)", Run: func(context.Context) (harness.Sample, error) {
		start := time.Now()
		r, closer, err := catalog.Open(styles)
		if err != nil {
			return harness.Sample{}, fmt.Errorf("%w (set STYLEGRAPH_DATASETS)", err)
		}
		ps, bs, err := catalog.ReadAll(r)
		closer.Close()
		products, bad = ps, len(bs)
		return harness.Sample{Ops: len(ps) + len(bs), Elapsed: time.Since(start)}, err
	}}
	raw := harness.Case{Name: "baseline: encoding/csv read", Run: func(context.Context) (harness.Sample, error) {
		s, r, err := rawCSV(styles)
		rows = r
		return s, err
	}}
	if _, err := harness.Measure(ctx, o, "catalog parse of styles.csv", "rows/s", parse, raw); err != nil {
		return err
	}
	fmt.Printf("   (%d rows, %d products, %d bad rows)\n", rows, len(products), bad)

	// 2. Import.
	db, err := graph.Open(ctx, cfg.Neo4jURI, cfg.Neo4jUser, cfg.Neo4jPassword)
	if err != nil {
		return fmt.Errorf("%w (run `make services`)", err)
	}
	defer db.Close(ctx)
	g := graph.NewStores(db)
	if err := g.Migrate(ctx, slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
		return err
	}
	base := harness.IDBase()
	tag := fmt.Sprint("#bench", base)
	prefix := fmt.Sprintf("bench-catalog-%d", base)
	ix, err := search.Open(cfg.OpenSearchURL, cfg.OpenSearchUser, cfg.OpenSearchPassword, prefix)
	if err != nil {
		return err
	}
	defer ix.DropPrefix(context.Background())
	if err := ix.Migrate(ctx, slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
		return err
	}
	defer cleanup(g, base, tag)
	if *n > len(products) {
		*n = len(products)
	}
	ps := make([]stylegraph.Product, *n)
	users := make([]stylegraph.User, *n)
	for i, p := range products[:*n] {
		p.ID = base + int64(i) + 1
		p.Brand += tag
		for j := range p.CategoryPath {
			p.CategoryPath[j] += tag
		}
		for j := range p.Tags {
			p.Tags[j] += tag
		}
		ps[i] = p
		users[i] = stylegraph.User{ID: base + int64(i) + 1, Name: p.Title, Home: "bench"}
	}
	upsertUsers := harness.Case{Name: "baseline: UNWIND/MERGE user profiles", Run: func(context.Context) (harness.Sample, error) {
		return rate(*n, func(from, to int) error { return g.Catalog.UpsertUsers(ctx, users[from:to]) })
	}}
	bulk := harness.Case{Name: "baseline: OpenSearch bulk index alone", Run: func(context.Context) (harness.Sample, error) {
		return rate(*n, func(from, to int) error { _, err := ix.IndexProducts(ctx, ps[from:to]); return err })
	}}
	imp := harness.Case{Name: "import (graph with brand/category/tags + index)", Run: func(context.Context) (harness.Sample, error) {
		return rate(*n, func(from, to int) error {
			if err := g.Catalog.UpsertProducts(ctx, ps[from:to]); err != nil {
				return err
			}
			rep, err := ix.IndexProducts(ctx, ps[from:to])
			if err == nil && len(rep.Failed) > 0 {
				err = fmt.Errorf("search refused %d products", len(rep.Failed))
			}
			return err
		})
	}}
	if _, err := harness.Measure(ctx, o, fmt.Sprintf("import of %d products, batches of 1,000 (upserts: the warm-up creates, measured runs update)", *n), "products/s", imp, upsertUsers, bulk); err != nil {
		return err
	}

	// 3. Archive.
	evs := make([]stylegraph.Event, *events)
	at := time.Now().UTC().Add(-2 * time.Hour)
	for i := range evs {
		evs[i] = stylegraph.Event{ID: uuid.NewString(), Type: stylegraph.EventView, UserID: base + int64(i%1000) + 1,
			Target:     &stylegraph.EventTarget{Kind: stylegraph.TargetProduct, ID: base + int64(i%*n) + 1},
			OccurredAt: at.Add(time.Duration(i) * time.Millisecond), ReceivedAt: time.Now().UTC()}
	}
	dir, err := os.MkdirTemp("", "bench-lake-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	fsStore, err := lake.NewDir(dir)
	if err != nil {
		return err
	}
	bucket := fmt.Sprintf("bench-lake-%d", base)
	s3Store, err := s3lake.New(ctx, s3lake.Options{Bucket: bucket, Endpoint: *s3Endpoint, PathStyle: true,
		Credentials: credentials.NewStaticCredentialsProvider("bench", "bench", "")})
	if err != nil {
		return err
	}
	c := s3Store.Client()
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
		return fmt.Errorf("create bucket on %s: %w (run `make services`)", *s3Endpoint, err)
	}
	defer dropBucket(c, bucket)
	fmt.Printf("\narchive (%d events, batches of 100)\n", *events)
	for _, st := range []struct {
		name  string
		store lake.Store
	}{{"folder", fsStore}, {"S3 (local server)", s3Store}} {
		// The baseline writes the same compressed bytes under other keys.
		bodies := make([][]byte, 0, *events/100)
		for from := 0; from < *events; from += 100 {
			b, err := gz(evs[from:min(from+100, *events)])
			if err != nil {
				return err
			}
			bodies = append(bodies, b)
		}
		put := harness.Case{Name: "baseline: put the same gzip bytes, " + st.name, Run: func(context.Context) (harness.Sample, error) {
			return rate(*events, func(from, to int) error {
				return st.store.Put(ctx, fmt.Sprintf("raw/%d.jsonl.gz", from), bodies[from/100])
			}, 100)
		}}
		a := lake.NewArchiver(st.store)
		arch := harness.Case{Name: "archiver, " + st.name, Run: func(context.Context) (harness.Sample, error) {
			return rate(*events, func(from, to int) error { return a.Handle(ctx, evs[from:to]) }, 100)
		}}
		if _, err := harness.Measure(ctx, o, fmt.Sprintf("archive of %d events in batches of 100, %s", *events, st.name), "events/s", arch, put); err != nil {
			return err
		}
		start := time.Now()
		rs, err := lake.Read(ctx, st.store, lake.ReadOptions{}, func(context.Context, []stylegraph.Event) error { return nil })
		if err != nil {
			return err
		}
		if rs.Events != *events {
			return fmt.Errorf("read back %d events, want %d", rs.Events, *events)
		}
		fmt.Printf("   replay read (list, get, gunzip, dedup, sort), %s: %.0f events/s (one pass, no baseline)\n", st.name, float64(rs.Events)/time.Since(start).Seconds())
	}
	return nil
}

// rate calls fn over [0,n) in chunks (default 1,000) and times it.
func rate(n int, fn func(from, to int) error, chunk ...int) (harness.Sample, error) {
	size := 1000
	if len(chunk) > 0 {
		size = chunk[0]
	}
	start := time.Now()
	for from := 0; from < n; from += size {
		if err := fn(from, min(from+size, n)); err != nil {
			return harness.Sample{}, err
		}
	}
	return harness.Sample{Ops: n, Elapsed: time.Since(start)}, nil
}

func rawCSV(path string) (harness.Sample, int, error) {
	f, err := os.Open(path)
	if err != nil {
		return harness.Sample{}, 0, fmt.Errorf("%w (set STYLEGRAPH_DATASETS)", err)
	}
	defer f.Close()
	start := time.Now()
	cr := csv.NewReader(f)
	cr.FieldsPerRecord = -1
	rows := -1
	for {
		_, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return harness.Sample{}, 0, err
		}
		rows++
	}
	return harness.Sample{Ops: rows, Elapsed: time.Since(start)}, rows, nil
}

func gz(evs []stylegraph.Event) ([]byte, error) {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestSpeed)
	enc := json.NewEncoder(zw)
	for _, e := range evs {
		if err := enc.Encode(e); err != nil {
			return nil, err
		}
	}
	err := zw.Close()
	return buf.Bytes(), err
}

// cleanup deletes the bench's users, products and suffixed brand, category
// and tag nodes.
func cleanup(g *graph.Stores, base int64, tag string) {
	ctx := context.Background()
	for _, q := range []string{
		`MATCH (n) WHERE (n:User OR n:Product) AND n.id > $lo AND n.id < $hi DETACH DELETE n`,
		`MATCH (b:Brand) WHERE b.name ENDS WITH $tag DETACH DELETE b`,
		`MATCH (c:Category) WHERE c.name ENDS WITH $tag DETACH DELETE c`,
		`MATCH (t:Tag) WHERE t.name ENDS WITH $tag DETACH DELETE t`,
	} {
		if _, err := g.Inspect(ctx, q, map[string]any{"lo": base, "hi": base + 1_000_000, "tag": strings.ToLower(tag)}); err != nil {
			fmt.Fprintln(os.Stderr, "bench-catalog: cleanup:", err)
		}
	}
}

func dropBucket(c *s3.Client, bucket string) {
	ctx := context.Background()
	p := s3.NewListObjectsV2Paginator(c, &s3.ListObjectsV2Input{Bucket: aws.String(bucket)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			break
		}
		for _, o := range page.Contents {
			_, _ = c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(bucket), Key: o.Key})
		}
	}
	_, _ = c.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: aws.String(bucket)})
}
