package wiring

import (
	"context"
	"fmt"

	"github.com/stylegraph/stylegraph/feeds"
	"github.com/stylegraph/stylegraph/graph"
	"github.com/stylegraph/stylegraph/notify"
	"github.com/stylegraph/stylegraph/recommend"
)

// OpenGraph connects to Neo4j and makes every feature store over the one
// connection.
func OpenGraph(ctx context.Context, uri, user, password string) (*graph.Stores, error) {
	db, err := graph.Open(ctx, uri, user, password)
	if err != nil {
		return nil, fmt.Errorf("%w (is Neo4j running? try `make services`)", err)
	}
	return graph.NewStores(db), nil
}

// feedGraph is the graph as the feed service sees it: each of feeds' small
// interfaces (PostGraph, FollowGraph, TimelineGraph, AudienceGraph, ...) is
// met by one of these stores.
type feedGraph struct {
	*graph.PostStore
	*graph.FollowStore
	*graph.TimelineStore
	*graph.AudienceStore
	*graph.ProfileStore
}

// FeedGraph is the graph g as feeds.New takes it.
func FeedGraph(g *graph.Stores) feeds.Graph {
	return feedGraph{g.Posts, g.Follows, g.Timelines, g.Audience, g.Profiles}
}

// notifyGraph is the graph as the notifications consumer reads it: posts
// and their mentions, users and products, a brand's followers.
type notifyGraph struct {
	*graph.PostStore
	*graph.CatalogStore
	*graph.AudienceStore
}

// NotifyGraph is the graph g as notify.Consumer takes it.
func NotifyGraph(g *graph.Stores) notify.Graph {
	return notifyGraph{g.Posts, g.Catalog, g.Audience}
}

// batchGraph is the graph as the offline similarity and list job reads and
// writes it: users and products page by page, SIMILAR edges, top products
// and cards.
type batchGraph struct {
	*graph.BatchStore
	*graph.RecStore
}

// BatchGraph is the graph g as recommend.Job takes it.
func BatchGraph(g *graph.Stores) recommend.BatchGraph {
	return batchGraph{g.Batch, g.Recs}
}
