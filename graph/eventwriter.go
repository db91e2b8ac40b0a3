package graph

import (
	"context"

	"github.com/stylegraph/stylegraph"
)

// ActivityWriter applies graph changes (ActivityStore does).
type ActivityWriter interface {
	ApplyActivity(ctx context.Context, a stylegraph.Activity) error
}

// interestWeight is the engagement scale keyed by event type.
var interestWeight = map[stylegraph.EventType]float64{
	stylegraph.EventView:      stylegraph.EngagementWeights.View,
	stylegraph.EventLike:      stylegraph.EngagementWeights.Like,
	stylegraph.EventAddToCart: stylegraph.EngagementWeights.Cart,
	stylegraph.EventPurchase:  stylegraph.EngagementWeights.Purchase,
	stylegraph.EventFollow:    stylegraph.EngagementWeights.Follow, // brands and tags only
}

// EventWriter is the activity stream's handler that applies events to the
// graph (an ingest.Handler). Posts and comments are written synchronously by
// the API that creates them, so post_created, post_deleted and comment
// events, like searches, need nothing here. It lives beside the stores so
// that ingest does not link the Neo4j driver.
type EventWriter struct {
	w ActivityWriter
}

// NewEventWriter returns an EventWriter writing through w.
func NewEventWriter(w ActivityWriter) *EventWriter { return &EventWriter{w: w} }

// Handle applies the batch in one transaction.
func (g *EventWriter) Handle(ctx context.Context, events []stylegraph.Event) error {
	return g.w.ApplyActivity(ctx, ToActivity(events))
}

// ToActivity translates events to graph changes.
func ToActivity(events []stylegraph.Event) stylegraph.Activity {
	var a stylegraph.Activity
	for _, e := range events {
		if e.Target == nil {
			continue
		}
		t := e.Target
		toggle := stylegraph.Toggle{EventID: e.ID, UserID: e.UserID, Kind: string(t.Kind), ID: t.ID, Name: t.Name, At: e.OccurredAt}
		counted := stylegraph.Counted{EventID: e.ID, UserID: e.UserID, Kind: string(t.Kind), ID: t.ID, Quantity: e.Data.Quantity, At: e.OccurredAt}
		switch e.Type {
		case stylegraph.EventFollow:
			a.Follows = append(a.Follows, toggle)
		case stylegraph.EventUnfollow:
			a.Unfollows = append(a.Unfollows, toggle)
		case stylegraph.EventLike:
			a.Likes = append(a.Likes, toggle)
		case stylegraph.EventUnlike:
			a.Unlikes = append(a.Unlikes, toggle)
		case stylegraph.EventHide:
			a.Hides = append(a.Hides, toggle)
		case stylegraph.EventView:
			if t.Kind != stylegraph.TargetBrand { // a brand view only feeds interest
				a.Views = append(a.Views, counted)
			}
		case stylegraph.EventAddToCart:
			a.CartAdds = append(a.CartAdds, counted)
		case stylegraph.EventRemoveFromCart:
			a.CartRemoves = append(a.CartRemoves, counted)
		case stylegraph.EventPurchase:
			counted.Amount = e.Data.Price * float64(e.Data.Quantity)
			a.Purchases = append(a.Purchases, counted)
		}
		if w, ok := interestWeight[e.Type]; ok && !(e.Type == stylegraph.EventFollow && t.Kind == stylegraph.TargetUser) {
			a.Interests = append(a.Interests, stylegraph.Interest{
				EventID: e.ID, UserID: e.UserID, Kind: string(t.Kind), ID: t.ID, Name: t.Name, Weight: w, At: e.OccurredAt,
			})
		}
	}
	return a
}
