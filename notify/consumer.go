package notify

import (
	"context"
	"fmt"
	"time"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/ingest"
)

// Graph is what the consumer needs from the graph (graph.Store).
type Graph interface {
	PostRef(ctx context.Context, postID int64) (feedID, authorID int64, err error)
	User(ctx context.Context, id int64) (stylegraph.User, error)
}

// Consumer turns activity events into notifications; it is an
// ingest.Handler for its own consumer group. Events arrive at least once:
// a repeated event adds nothing (the actor is already counted).
type Consumer struct {
	Store *Store
	Graph Graph
}

// Handle notifies the users the events are about.
func (c *Consumer) Handle(ctx context.Context, events []ingest.Event) error {
	for _, e := range events {
		if err := c.handle(ctx, e); err != nil {
			return fmt.Errorf("notifications: %s event %s: %w", e.Type, e.ID, err)
		}
	}
	return nil
}

func (c *Consumer) handle(ctx context.Context, e ingest.Event) error {
	if e.Target == nil || e.UserID <= 0 {
		return nil
	}
	var a Activity
	switch {
	case e.Target.Kind == ingest.KindPost && (e.Type == ingest.Like || e.Type == ingest.CommentEvent):
		_, author, err := c.Graph.PostRef(ctx, e.Target.ID)
		if stylegraph.ErrorCode(err) == stylegraph.ENOTFOUND {
			return nil // deleted meanwhile: nothing to tell
		}
		if err != nil {
			return err
		}
		typ := stylegraph.NotifyLike
		if e.Type == ingest.CommentEvent {
			typ = stylegraph.NotifyComment
		}
		a = Activity{Recipient: author, Type: typ, Target: stylegraph.NotificationTarget{Kind: "post", ID: e.Target.ID}}
	case e.Type == ingest.Follow && e.Target.Kind == ingest.KindUser:
		a = Activity{Recipient: e.Target.ID, Type: stylegraph.NotifyFollow, Target: stylegraph.NotificationTarget{Kind: "user", ID: e.Target.ID}}
	default:
		return nil
	}
	actor, err := c.Graph.User(ctx, e.UserID)
	switch {
	case stylegraph.ErrorCode(err) == stylegraph.ENOTFOUND:
		actor = stylegraph.User{ID: e.UserID}
	case err != nil:
		return err
	}
	a.Actor, a.At = actor, e.OccurredAt
	if a.At.IsZero() {
		a.At = time.Now()
	}
	return c.Store.Add(ctx, a)
}
