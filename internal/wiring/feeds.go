package wiring

import (
	"context"
	"fmt"

	"github.com/stylegraph/stylegraph/feeds"
	"github.com/stylegraph/stylegraph/ingest"
)

// NewFeeds builds the API's feed service; act receives the activity events
// its mutations produce (the activity log), which the worker's feed consumer
// fans out.
func (d *Deps) NewFeeds(ctx context.Context, act feeds.Activity) (*feeds.Service, error) {
	node := d.Cfg.Feed.NodeID
	var lease *feeds.NodeLease
	if node < 0 {
		var err error
		if lease, err = feeds.AcquireNode(ctx, d.Redis, d.Cfg.Feed.KeyPrefix, d.Cfg.Feed.NodeLeaseTTL); err != nil {
			return nil, err
		}
		node = lease.Node()
	}
	ids, err := feeds.NewIDs(node)
	if err != nil {
		return nil, fmt.Errorf("feed ids: %w", err)
	}
	if lease != nil {
		// Held while the server runs; released when ctx ends.
		go lease.Keep(ctx, ids, d.Log)
	}
	return feeds.New(FeedGraph(d.Graph), d.Redis, act, ids, d.FeedConfig(), d.Log), nil
}

// FeedConsumer is the worker's fan-out handler. It creates nothing, so it
// needs no ID generator and records no activity.
func (d *Deps) FeedConsumer() ingest.Handler {
	return feeds.New(FeedGraph(d.Graph), d.Redis, nil, nil, d.FeedConfig(), d.Log)
}

// FeedConfig is feeds.Config as the configuration sets it.
func (d *Deps) FeedConfig() feeds.Config {
	fc := d.Cfg.Feed
	return feeds.Config{
		Prefix:             fc.KeyPrefix,
		Cap:                fc.Cap,
		CelebrityThreshold: fc.CelebrityThreshold,
		RecentLikes:        fc.RecentLikes,
		RecentComments:     fc.RecentComments,
		InterestMin:        fc.InterestMin,
		InterestLimit:      fc.InterestLimit,
		TagFollowerLimit:   fc.TagFollowerLimit,
		Batch:              fc.FanoutBatch,
		Heartbeat:          fc.Heartbeat,
		StreamsPerUser:     fc.StreamsPerUser,
		StreamsMax:         fc.StreamsMax,
		StreamLeaseTTL:     fc.StreamLeaseTTL,
	}
}
