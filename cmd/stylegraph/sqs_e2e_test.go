package main

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/api"
	"github.com/stylegraph/stylegraph/config"
	"github.com/stylegraph/stylegraph/internal/e2e"
	"github.com/stylegraph/stylegraph/internal/testenv"
	"github.com/stylegraph/stylegraph/lake"
)

// TestEventsThroughSQS runs the API and the worker with ACTIVITY_LOG=sqs on
// the real ElasticMQ: accepted events reach the graph and the archive, and a
// repeated batch is answered as duplicates.
func TestEventsThroughSQS(t *testing.T) {
	endpoint := testenv.SQSEndpoint(t)
	// The SDK reads credentials from the environment, as in production; the
	// local server accepts any.
	t.Setenv("AWS_ACCESS_KEY_ID", "stylegraph-test")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "stylegraph-test")
	ids := testenv.IDBase(t)
	prefix := fmt.Sprintf("e2e-%d", ids)
	iso := isolate(t)
	base, d := startServerWith(t, func(c *config.Config) {
		iso(c)
		c.ActivityLog = config.ActivityLog{Kind: "sqs", SQSEndpoint: endpoint, SQSQueuePrefix: prefix,
			SQSVisibilityTimeout: 5 * time.Second, SQSMaxReceives: 20}
	})
	ctx := context.Background()
	t.Cleanup(func() {
		if l, err := d.ActivityLog(context.Background()); err == nil {
			_ = l.(interface{ DeleteQueues(context.Context) error }).DeleteQueues(context.Background())
		}
	})
	shopper, friend, product := ids+1, ids+2, ids+3
	if err := d.Graph.Catalog.UpsertProducts(ctx, []stylegraph.Product{{ID: product, Title: "Tee", CreatedAt: time.Now()}}); err != nil {
		t.Fatal(err)
	}
	batch := fmt.Sprintf(`[
		{"id": %q, "type": "like", "userId": %d, "target": {"kind": "product", "id": %d}},
		{"id": %q, "type": "follow", "userId": %d, "target": {"kind": "user", "id": %d}}
	]`, uuid.NewString(), shopper, product, uuid.NewString(), shopper, friend)
	svc := map[string]string{"Authorization": "Bearer " + e2e.Token(t, d.Cfg.JWTSecret, ids+999, stylegraph.RoleService)}
	var res api.EventsResponse
	if code := e2e.Do(t, http.MethodPost, base+"/v1/events", svc, batch, &res); code != http.StatusAccepted || res.Accepted != 2 {
		t.Fatalf("POST /v1/events = %d %+v", code, res)
	}
	if code := e2e.Do(t, http.MethodPost, base+"/v1/events", svc, batch, &res); code != http.StatusAccepted || res.Accepted != 0 || res.Results[0].Status != "duplicate" {
		t.Fatalf("repeat = %d %+v, want duplicates", code, res)
	}

	wbase := startWorker(t, d)
	deadline := time.Now().Add(30 * time.Second)
	for {
		var ready struct {
			Consumers map[string]struct{ Lag *int64 } `json:"consumers"`
		}
		get(t, wbase+"/readyz", nil, &ready)
		gw, ar := ready.Consumers["graph-writer"].Lag, ready.Consumers[d.Cfg.Archive.Group].Lag
		if gw != nil && ar != nil && *gw == 0 && *ar == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("consumers still lagging after 30s: %+v", ready)
		}
		time.Sleep(200 * time.Millisecond)
	}
	rows, err := d.Graph.Inspect(ctx, `MATCH (u:User {id: $u})-[r:LIKED|FOLLOWS]->(x) RETURN type(r) AS rel, x.id AS target ORDER BY rel`, map[string]any{"u": shopper})
	if err != nil {
		t.Fatal(err)
	}
	want := []map[string]any{{"rel": "FOLLOWS", "target": friend}, {"rel": "LIKED", "target": product}}
	if diff := cmp.Diff(want, rows); diff != "" {
		t.Errorf("graph (-want +got):\n%s", diff)
	}
	store, err := lake.NewDir(d.Cfg.Archive.Dir)
	if err != nil {
		t.Fatal(err)
	}
	st, err := lake.Read(ctx, store, lake.ReadOptions{}, func(context.Context, []stylegraph.Event) error { return nil })
	if err != nil || st.Events != 2 {
		t.Errorf("archive holds %+v, %v; want the 2 events", st, err)
	}
}
