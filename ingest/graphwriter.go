package ingest

import (
	"context"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/graph"
)

// ActivityWriter applies graph changes (graph.Store).
type ActivityWriter interface {
	ApplyActivity(ctx context.Context, a graph.Activity) error
}

// interestWeight is the engagement scale keyed by event type.
var interestWeight = map[Type]float64{
	View:      stylegraph.EngagementWeights.View,
	Like:      stylegraph.EngagementWeights.Like,
	AddToCart: stylegraph.EngagementWeights.Cart,
	Purchase:  stylegraph.EngagementWeights.Purchase,
	Follow:    stylegraph.EngagementWeights.Follow, // brands and tags only
}

// GraphWriter is the Handler that applies events to the graph. Posts and
// comments are written synchronously by the API that creates them, so
// post_created, post_deleted and comment events, like searches, need nothing
// here.
type GraphWriter struct {
	w ActivityWriter
}

// NewGraphWriter returns a GraphWriter writing through w.
func NewGraphWriter(w ActivityWriter) *GraphWriter { return &GraphWriter{w: w} }

// Handle applies the batch in one transaction.
func (g *GraphWriter) Handle(ctx context.Context, events []Event) error {
	return g.w.ApplyActivity(ctx, ToActivity(events))
}

// ToActivity translates events to graph changes.
func ToActivity(events []Event) graph.Activity {
	var a graph.Activity
	for _, e := range events {
		if e.Target == nil {
			continue
		}
		t := e.Target
		toggle := graph.Toggle{EventID: e.ID, UserID: e.UserID, Kind: string(t.Kind), ID: t.ID, Name: t.Name, At: e.OccurredAt}
		counted := graph.Counted{EventID: e.ID, UserID: e.UserID, Kind: string(t.Kind), ID: t.ID, Quantity: e.Data.Quantity, At: e.OccurredAt}
		switch e.Type {
		case Follow:
			a.Follows = append(a.Follows, toggle)
		case Unfollow:
			a.Unfollows = append(a.Unfollows, toggle)
		case Like:
			a.Likes = append(a.Likes, toggle)
		case Unlike:
			a.Unlikes = append(a.Unlikes, toggle)
		case Hide:
			a.Hides = append(a.Hides, toggle)
		case View:
			if t.Kind != KindBrand { // a brand view only feeds interest
				a.Views = append(a.Views, counted)
			}
		case AddToCart:
			a.CartAdds = append(a.CartAdds, counted)
		case RemoveFromCart:
			a.CartRemoves = append(a.CartRemoves, counted)
		case Purchase:
			counted.Amount = e.Data.Price * float64(e.Data.Quantity)
			a.Purchases = append(a.Purchases, counted)
		}
		if w, ok := interestWeight[e.Type]; ok && !(e.Type == Follow && t.Kind == KindUser) {
			a.Interests = append(a.Interests, graph.Interest{
				EventID: e.ID, UserID: e.UserID, Kind: string(t.Kind), ID: t.ID, Name: t.Name, Weight: w, At: e.OccurredAt,
			})
		}
	}
	return a
}
