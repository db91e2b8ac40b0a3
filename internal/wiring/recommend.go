package wiring

import (
	"context"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/feeds"
	"github.com/stylegraph/stylegraph/recommend"
)

// FeedsWithRecs is the feed service with recommended products mixed into
// every page it reads.
type FeedsWithRecs struct {
	*feeds.Service
	mix *recommend.InFeed
}

func (f FeedsWithRecs) Read(ctx context.Context, uid int64, cursor string, limit int) (stylegraph.FeedPage, error) {
	return f.mix.Read(ctx, uid, cursor, limit)
}

// ReadJSON is what GET /v1/feed calls. With recommendations on, the page is
// mixed and then encoded; with them off, the feed's own pass-through
// encoding is kept.
func (f FeedsWithRecs) ReadJSON(ctx context.Context, uid int64, cursor string, limit int) ([]byte, error) {
	return f.mix.ReadJSON(ctx, f.Service, uid, cursor, limit)
}

// WithRecs wraps the feed service so that every FEED_RECS_EVERY-th item is a
// recommended product.
func (d *Deps) WithRecs(fs *feeds.Service, recs *recommend.Service) FeedsWithRecs {
	return FeedsWithRecs{Service: fs, mix: &recommend.InFeed{Feed: fs, Recs: recs, Every: d.Cfg.Recs.FeedEvery, Log: d.Log}}
}

// Recommender builds the recommendation service from the configuration.
func (d *Deps) Recommender() *recommend.Service {
	return recommend.New(d.Graph.Recs, d.RecsCache(), d.RecsConfig())
}

// RecsCache is the process's recommendation cache (the same one every
// time).
func (d *Deps) RecsCache() *recommend.Cache {
	d.recsOnce.Do(func() { d.recsCache = recommend.NewCache(d.Redis, d.Cfg.Recs.CachePrefix, d.Cfg.Recs.CacheTTL) })
	return d.recsCache
}

// RecsConfig is recommend.Config as the configuration sets it.
func (d *Deps) RecsConfig() recommend.Config {
	return recommend.Config{RecBlend: d.Cfg.Recs.RecBlend}
}
