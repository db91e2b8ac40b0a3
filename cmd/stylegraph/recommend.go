package main

import (
	"github.com/stylegraph/stylegraph/recommend"
)

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
