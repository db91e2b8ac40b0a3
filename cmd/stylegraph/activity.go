package main

import (
	"context"

	"github.com/stylegraph/stylegraph/ingest"
	"github.com/stylegraph/stylegraph/insights"
	"github.com/stylegraph/stylegraph/lake"
)

// activityStream is what the API and the worker need from the activity log:
// the ingest.Log contract plus de-duplicated appends.
type activityStream interface {
	ingest.Log
	ingest.UniqueAppender
}

// activityLog is the activity stream the API appends to and the worker
// reads: Redis Streams, or SQS when ACTIVITY_LOG=sqs (one queue per consumer
// group, dedup markers in Redis).
func (d *deps) activityLog(ctx context.Context) (activityStream, error) {
	a := d.cfg.Activity
	if q := d.cfg.ActivityLog; q.Kind == "sqs" {
		return ingest.NewSQSLog(ctx, ingest.SQSOptions{
			Endpoint: q.SQSEndpoint, Region: d.cfg.Archive.Region, QueuePrefix: q.SQSQueuePrefix,
			Groups: d.consumerGroups(), VisibilityTimeout: q.SQSVisibilityTimeout, MaxReceives: q.SQSMaxReceives,
			Dedup: d.redis, DedupPrefix: q.SQSQueuePrefix + ":seen:", DedupWindow: a.DedupWindow,
		})
	}
	return ingest.NewRedisLog(d.redis, ingest.RedisOptions{
		Stream: a.Stream, DedupWindow: a.DedupWindow, ClaimIdle: a.ClaimIdle,
		Retention: a.Retention, WaitReplicas: a.WaitReplicas,
	}), nil
}

// consumer is one nearline consumer: a handler in a consumer group of its own.
type consumer struct {
	group   string
	handler ingest.Handler
}

// consumers lists every consumer the worker runs. Each feature adds its own
// line; the group names also feed the lag in /readyz and /metrics.
func (d *deps) consumers() []consumer {
	return []consumer{
		{group: d.cfg.Activity.GraphWriterGroup, handler: d.graphWriter()},
		{group: d.cfg.Feed.Group, handler: d.feedConsumer()},
		{group: d.cfg.Archive.Group, handler: lake.NewArchiver(d.lake)},
		{group: d.cfg.Search.SignalsGroup, handler: d.searchSignals()},
		{group: "search-stats", handler: d.searchStats()},
	}
}

// searchStats counts queries for the merchandisers' searches insight; the
// API reads the same keys.
func (d *deps) searchStats() *insights.SearchStats {
	return insights.NewSearchStats(d.redis, "stylegraph:")
}

// graphWriter applies events to the graph (the worker and replay share it).
func (d *deps) graphWriter() ingest.Handler { return ingest.NewGraphWriter(d.graph) }

func (d *deps) consumerGroups() []string {
	var gs []string
	for _, c := range d.consumers() {
		gs = append(gs, c.group)
	}
	return gs
}

// consumerLag reports every group's lag for /readyz details.
func (d *deps) consumerLag(log ingest.Log) func(ctx context.Context) map[string]any {
	return func(ctx context.Context) map[string]any {
		return map[string]any{"consumers": ingest.LagDetails(ctx, log.Lag, d.consumerGroups()...)}
	}
}
