package main

import (
	"context"
	"fmt"

	"github.com/stylegraph/stylegraph/feeds"
	"github.com/stylegraph/stylegraph/ingest"
)

// newFeeds builds the API's feed service; act receives the activity events
// its mutations produce (the activity log), which the worker's feed consumer
// fans out.
func newFeeds(ctx context.Context, d *deps, act feeds.Activity) (*feeds.Service, error) {
	node := d.cfg.Feed.NodeID
	if node < 0 {
		var err error
		if node, err = feeds.NodeFromRedis(ctx, d.redis, d.cfg.Feed.KeyPrefix+"idnode"); err != nil {
			return nil, err
		}
	}
	ids, err := feeds.NewIDs(node)
	if err != nil {
		return nil, fmt.Errorf("feed ids: %w", err)
	}
	return feeds.New(d.graph, d.redis, act, ids, d.feedConfig(), d.log), nil
}

// feedConsumer is the worker's fan-out handler. It creates nothing, so it
// needs no ID generator and records no activity.
func (d *deps) feedConsumer() ingest.Handler {
	return feeds.New(d.graph, d.redis, nil, nil, d.feedConfig(), d.log)
}

func (d *deps) feedConfig() feeds.Config {
	fc := d.cfg.Feed
	return feeds.Config{
		Prefix:             fc.KeyPrefix,
		Cap:                fc.Cap,
		CelebrityThreshold: fc.CelebrityThreshold,
		RecentLikes:        fc.RecentLikes,
		RecentComments:     fc.RecentComments,
		InterestMin:        fc.InterestMin,
		InterestLimit:      fc.InterestLimit,
		Batch:              fc.FanoutBatch,
		Heartbeat:          fc.Heartbeat,
	}
}
