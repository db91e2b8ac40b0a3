package wiring

import (
	"context"
	"time"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/graph"
	"github.com/stylegraph/stylegraph/ingest"
	"github.com/stylegraph/stylegraph/ingest/redisstream"
	"github.com/stylegraph/stylegraph/ingest/sqsstream"
	"github.com/stylegraph/stylegraph/insights"
	"github.com/stylegraph/stylegraph/lake"
	"github.com/stylegraph/stylegraph/notify"
)

// ActivityStream is what the API and the worker need from the activity log:
// the ingest.Log contract plus de-duplicated appends.
type ActivityStream interface {
	ingest.Log
	ingest.UniqueAppender
}

// ActivityLog is the activity stream the API appends to and the worker
// reads: Redis Streams, or SQS when ACTIVITY_LOG=sqs (one queue per consumer
// group, dedup markers in Redis).
func (d *Deps) ActivityLog(ctx context.Context) (ActivityStream, error) {
	a := d.Cfg.Activity
	if q := d.Cfg.ActivityLog; q.Kind == "sqs" {
		return sqsstream.New(ctx, sqsstream.Options{
			Endpoint: q.SQSEndpoint, Region: d.Cfg.Archive.Region, QueuePrefix: q.SQSQueuePrefix,
			Groups: d.ConsumerGroups(), VisibilityTimeout: q.SQSVisibilityTimeout, MaxReceives: q.SQSMaxReceives,
			Dedup: d.Redis, DedupPrefix: q.SQSQueuePrefix + ":seen:", DedupWindow: a.DedupWindow,
		})
	}
	return redisstream.New(d.Redis, redisstream.Options{
		Stream: a.Stream, DedupWindow: a.DedupWindow, ClaimIdle: a.ClaimIdle,
		Retention: a.Retention, WaitReplicas: a.WaitReplicas,
	}), nil
}

// Consumer is one nearline consumer: a handler in a consumer group of its own.
type Consumer struct {
	Group   string
	Handler ingest.Handler
}

// Consumers lists every consumer the worker runs. Each feature adds its own
// line; the group names also feed the lag in /readyz and /metrics.
func (d *Deps) Consumers() []Consumer {
	return []Consumer{
		{Group: d.Cfg.Activity.GraphWriterGroup, Handler: d.GraphWriter()},
		{Group: d.Cfg.Feed.Group, Handler: d.FeedConsumer()},
		{Group: d.Cfg.Archive.Group, Handler: lake.NewArchiver(d.Lake)},
		{Group: d.Cfg.Search.SignalsGroup, Handler: d.SearchSignals()},
		{Group: "search-stats", Handler: d.SearchStats()},
		{Group: "notifications", Handler: &notify.Consumer{Store: d.Notifications(), Graph: NotifyGraph(d.Graph), DropFanout: d.Cfg.Feed.DropFanout}},
	}
}

// Notifications is the users' notification store; it keeps its keys next to
// the feed's, under the feed's key prefix.
func (d *Deps) Notifications() *notify.Store {
	return notify.New(d.Redis, d.Cfg.Feed.KeyPrefix+"ntf:")
}

// SearchStats counts queries for the merchandisers' searches insight; the
// API reads the same keys.
func (d *Deps) SearchStats() *insights.SearchStats {
	return insights.NewSearchStats(d.Redis, "stylegraph:")
}

// GraphWriter applies events to the graph (the worker and replay share it),
// then marks the precomputed recommendations of the shoppers whose taste the
// batch changed, so their next request adds what they did since the list
// was ranked (recommend's live delta) without waiting for a batch run.
func (d *Deps) GraphWriter() ingest.Handler {
	w, recs := graph.NewEventWriter(d.Graph.Activity), d.RecsCache()
	return ingest.HandlerFunc(func(ctx context.Context, events []stylegraph.Event) error {
		if err := w.Handle(ctx, events); err != nil {
			return err
		}
		var users []int64
		for _, e := range events {
			if changesTaste[e.Type] {
				users = append(users, e.UserID)
			}
		}
		// After the graph write, so the delta read from now on includes it.
		return recs.Changed(ctx, time.Now(), users...)
	})
}

// changesTaste are the events the live delta reads (recommend.Cache.Changed).
// Follows and unlikes change the social and collaborative sources, which
// the next offline run ranks in.
var changesTaste = map[stylegraph.EventType]bool{
	stylegraph.EventLike: true, stylegraph.EventAddToCart: true, stylegraph.EventPurchase: true, stylegraph.EventHide: true,
}

// ConsumerGroups names every consumer group.
func (d *Deps) ConsumerGroups() []string {
	var gs []string
	for _, c := range d.Consumers() {
		gs = append(gs, c.Group)
	}
	return gs
}

// ConsumerLag reports every group's lag for /readyz details.
func (d *Deps) ConsumerLag(log ingest.Log) func(ctx context.Context) map[string]any {
	return func(ctx context.Context) map[string]any {
		return map[string]any{"consumers": ingest.LagDetails(ctx, log.Lag, d.ConsumerGroups()...)}
	}
}
