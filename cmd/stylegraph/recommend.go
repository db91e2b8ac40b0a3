package main

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/feeds"
	"github.com/stylegraph/stylegraph/recommend"
)

// feedsWithRecs is the feed service with recommended products mixed into
// every page it reads.
type feedsWithRecs struct {
	*feeds.Service
	mix *recommend.InFeed
}

func (f feedsWithRecs) Read(ctx context.Context, uid int64, cursor string, limit int) (stylegraph.FeedPage, error) {
	return f.mix.Read(ctx, uid, cursor, limit)
}

// ReadJSON is what GET /v1/feed calls. With recommendations on, the page is
// mixed and then encoded; with them off, the feed's own pass-through
// encoding is kept.
func (f feedsWithRecs) ReadJSON(ctx context.Context, uid int64, cursor string, limit int) ([]byte, error) {
	if f.mix.Every < 2 {
		return f.Service.ReadJSON(ctx, uid, cursor, limit)
	}
	page, err := f.mix.Read(ctx, uid, cursor, limit)
	if err != nil {
		return nil, err
	}
	if page.Items == nil {
		page.Items = []stylegraph.Feed{}
	}
	b, err := json.Marshal(page)
	if err != nil {
		return nil, fmt.Errorf("encode feed page: %w", err)
	}
	return b, nil
}

// withRecs wraps the feed service so that every FEED_RECS_EVERY-th item is a
// recommended product.
func (d *deps) withRecs(fs *feeds.Service, recs *recommend.Service) feedsWithRecs {
	return feedsWithRecs{Service: fs, mix: &recommend.InFeed{Feed: fs, Recs: recs, Every: d.cfg.Recs.FeedEvery, Log: d.log}}
}

// recommender builds the recommendation service from the configuration.
func (d *deps) recommender() *recommend.Service {
	return recommend.New(d.graph, d.recsCache(), d.recsConfig())
}

func (d *deps) recsCache() *recommend.Cache {
	return recommend.NewCache(d.redis, d.cfg.Recs.CachePrefix, d.cfg.Recs.CacheTTL)
}

func (d *deps) recsConfig() recommend.Config {
	r := d.cfg.Recs
	return recommend.Config{
		Weights:        r.Weights,
		MaxPerBrand:    r.MaxPerBrand,
		MaxPerCategory: r.MaxPerCategory,
		HalfLife:       r.HalfLife,
		Window:         r.Window,
		SimilarMaxAge:  r.SimilarMaxAge,
	}
}
