package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/demo"
	"github.com/stylegraph/stylegraph/graph"
)

func runSeed(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flags("seed", stderr)
	users := fs.Int("users", 500, "shoppers to generate")
	products := fs.Int("products", 3000, "products to generate")
	interactions := fs.Int("interactions", 10000, "likes, views, carts and purchases to generate over the last 60 days")
	posts := fs.Int("posts", 200, "shoppers' posts to create (once per seed), fanned out by the worker")
	seed := fs.Uint64("seed", 1, "random seed (same seed, same data)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *users < 1 || *products < 1 || *interactions < 0 || *posts < 0 {
		return fmt.Errorf("--users and --products must be positive, --interactions and --posts at least 0")
	}
	d, err := open(ctx, stderr, allSchemas)
	if err != nil {
		return err
	}
	defer d.Close()
	ds := demo.Generate(*seed, demo.Size{Users: *users, Products: *products})
	if err := seedDemo(ctx, d, ds, stdout); err != nil {
		return err
	}
	if err := seedInteractions(ctx, d, ds, *seed, *interactions, stdout); err != nil {
		return err
	}
	return seedPosts(ctx, d, ds, *seed, *posts, stdout)
}

// seedPosts creates demo posts through the feed service, as shoppers would:
// each is written to the graph and appended to the activity stream, so the
// worker fans it out. A marker keeps a second seed from posting again.
func seedPosts(ctx context.Context, d *deps, ds demo.Dataset, seed uint64, n int, stdout io.Writer) error {
	if n == 0 {
		return nil
	}
	marker := fmt.Sprintf("%sdemo-posts:%d", d.Cfg.Feed.KeyPrefix, seed)
	first, err := d.Redis.SetNX(ctx, marker, n, 0).Result()
	if err != nil {
		return fmt.Errorf("seed posts: %w", err)
	}
	if !first {
		fmt.Fprintln(stdout, "demo posts already created for this seed")
		return nil
	}
	activity, err := d.ActivityLog(ctx)
	if err != nil {
		return err
	}
	fs, err := d.NewFeeds(ctx, activity)
	if err != nil {
		return err
	}
	defer fs.Close()
	captions := []string{"New in: %s", "Wearing the %s today", "Can't stop wearing this %s", "Weekend pick: %s"}
	for i := 0; i < n; i++ {
		author := ds.Users[(i*7919)%len(ds.Users)]
		p := ds.Products[(i*104729)%len(ds.Products)]
		draft := stylegraph.PostDraft{
			Title:      fmt.Sprintf(captions[i%len(captions)], p.Title),
			Images:     []stylegraph.Image{{ImageURL: p.Images[0], Caption: p.Title}},
			Tags:       p.Tags,
			ProductIDs: []int64{p.ID},
		}
		if _, err := fs.CreatePost(ctx, author.ID, draft); err != nil {
			_ = d.Redis.Del(ctx, marker).Err()
			return fmt.Errorf("seed post %d: %w", i, err)
		}
	}
	fmt.Fprintf(stdout, "created %d demo posts; `stylegraph worker` fans them out\n", n)
	return nil
}

// seedInteractions writes generated engagements to the graph with progress.
func seedInteractions(ctx context.Context, d *deps, ds demo.Dataset, seed uint64, n int, stdout io.Writer) error {
	start := time.Now()
	done := 0
	step := max(n/20, 1)
	interests := demo.NewInterests(ds, start)
	err := demo.Interactions(seed, ds, n, start, func(es []graph.Engagement) error {
		if err := d.Graph.Seed.LoadEngagements(ctx, es); err != nil {
			return fmt.Errorf("seed interactions: %w", err)
		}
		interests.Add(es)
		before := done
		done += len(es)
		if done/step != before/step || done == n {
			fmt.Fprintf(stdout, "interactions: %d/%d (%.0f/s)\n", done, n, float64(done)/time.Since(start).Seconds())
		}
		return nil
	})
	if err != nil {
		return err
	}
	ws := interests.Weights()
	if err := d.Graph.Seed.LoadInterests(ctx, ws); err != nil {
		return fmt.Errorf("seed interests: %w", err)
	}
	fmt.Fprintf(stdout, "seeded %d interactions and %d interest weights in %s\n", done, len(ws), time.Since(start).Round(time.Millisecond))
	return nil
}

// seedDemo writes the data set to the graph and the search index. Every write
// is an upsert, so seeding twice leaves the same data.
func seedDemo(ctx context.Context, d *deps, ds demo.Dataset, stdout io.Writer) error {
	start := time.Now()
	if err := d.Graph.Catalog.UpsertUsers(ctx, ds.Users); err != nil {
		return fmt.Errorf("seed users: %w", err)
	}
	if err := d.Graph.Catalog.UpsertProducts(ctx, ds.Products); err != nil {
		return fmt.Errorf("seed products: %w", err)
	}
	if err := d.Graph.Seed.FollowUsers(ctx, ds.Follows); err != nil {
		return fmt.Errorf("seed follows: %w", err)
	}
	if err := d.Graph.Seed.FollowBrands(ctx, ds.BrandFollows); err != nil {
		return fmt.Errorf("seed brand follows: %w", err)
	}
	rep, err := d.Search.IndexProducts(ctx, ds.Products)
	if err != nil {
		return fmt.Errorf("seed search index: %w", err)
	}
	if len(rep.Failed) > 0 {
		return fmt.Errorf("seed search index: %d products refused, first: %+v", len(rep.Failed), rep.Failed[0])
	}
	if err := d.Search.Refresh(ctx); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "seeded %d users, %d brands, %d products, %d follows in %s\n",
		len(ds.Users), len(ds.Brands), len(ds.Products), len(ds.Follows)+len(ds.BrandFollows), time.Since(start).Round(time.Millisecond))
	return nil
}
