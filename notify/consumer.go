package notify

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/stylegraph/stylegraph"
)

// Graph is what the consumer needs from the graph (graph.PostStore,
// CatalogStore and AudienceStore; internal/wiring.NotifyGraph).
type Graph interface {
	PostRef(ctx context.Context, postID int64) (feedID, authorID int64, err error)
	User(ctx context.Context, id int64) (stylegraph.User, error)
	PostMentions(ctx context.Context, postID int64) ([]int64, error)
	Product(ctx context.Context, id int64) (stylegraph.Product, error)
	BrandFollowersCapped(ctx context.Context, brandID int64, limit int) ([]int64, error)
}

// Consumer turns activity events into notifications; it is an
// ingest.Handler for its own consumer group. Events arrive at least once:
// a repeated event adds nothing (the actor is already counted).
type Consumer struct {
	Store *Store
	Graph Graph
	// DropFanout caps how many followers of a brand one brand drop tells,
	// the most recent followers first (default 10,000).
	DropFanout int
}

// Handle notifies the users the events are about.
func (c *Consumer) Handle(ctx context.Context, events []stylegraph.Event) error {
	for _, e := range events {
		if err := c.handle(ctx, e); err != nil {
			return fmt.Errorf("notifications: %s event %s: %w", e.Type, e.ID, err)
		}
	}
	return nil
}

func (c *Consumer) handle(ctx context.Context, e stylegraph.Event) error {
	if e.Type == stylegraph.EventProductCreated && e.Target != nil {
		return c.drop(ctx, e)
	}
	if e.Target == nil || e.UserID <= 0 {
		return nil
	}
	as, err := c.activities(ctx, e)
	if err != nil || len(as) == 0 {
		return err
	}
	actor, err := c.Graph.User(ctx, e.UserID)
	switch {
	case stylegraph.ErrorCode(err) == stylegraph.ENOTFOUND && e.UserID >= stylegraph.MinGuestID:
		actor = stylegraph.User{ID: e.UserID} // a guest has no profile
	case stylegraph.ErrorCode(err) == stylegraph.ENOTFOUND:
		return nil // erased (or never known): an event still in flight must not bring them back
	case err != nil:
		return err
	}
	at := e.OccurredAt
	if at.IsZero() {
		at = time.Now()
	}
	for _, a := range as {
		a.Actor, a.At = actor, at
		if err := c.Store.Add(ctx, a); err != nil {
			return err
		}
	}
	return nil
}

// activities says whom the event concerns and how: the author of a liked or
// commented post, the followed user, the users a post or comment mentions.
func (c *Consumer) activities(ctx context.Context, e stylegraph.Event) ([]Activity, error) {
	var out []Activity
	if e.Target.Kind == stylegraph.TargetPost && (e.Type == stylegraph.EventPostCreated || e.Type == stylegraph.EventComment || e.Type == stylegraph.EventPostEdited) {
		ms, err := c.mentioned(ctx, e)
		if err != nil {
			return nil, err
		}
		for _, m := range ms {
			out = append(out, Activity{Recipient: m, Type: stylegraph.NotifyMention, Target: stylegraph.NotificationTarget{Kind: "post", ID: e.Target.ID}})
		}
	}
	var a Activity
	switch {
	case e.Target.Kind == stylegraph.TargetPost && (e.Type == stylegraph.EventLike || e.Type == stylegraph.EventComment):
		_, author, err := c.Graph.PostRef(ctx, e.Target.ID)
		if stylegraph.ErrorCode(err) == stylegraph.ENOTFOUND {
			return out, nil // deleted meanwhile: nothing to tell
		}
		if err != nil {
			return nil, err
		}
		typ := stylegraph.NotifyLike
		if e.Type == stylegraph.EventComment {
			typ = stylegraph.NotifyComment
		}
		a = Activity{Recipient: author, Type: typ, Target: stylegraph.NotificationTarget{Kind: "post", ID: e.Target.ID}}
	case e.Type == stylegraph.EventFollow && e.Target.Kind == stylegraph.TargetUser:
		a = Activity{Recipient: e.Target.ID, Type: stylegraph.NotifyFollow, Target: stylegraph.NotificationTarget{Kind: "user", ID: e.Target.ID}}
	default:
		return out, nil
	}
	return append(out, a), nil
}

// mentioned returns the users a new post (from the graph), an edit (those
// it newly mentions that the post still mentions) or a comment (from its
// text, users that exist) mentions.
func (c *Consumer) mentioned(ctx context.Context, e stylegraph.Event) ([]int64, error) {
	switch e.Type {
	case stylegraph.EventPostCreated:
		return c.Graph.PostMentions(ctx, e.Target.ID)
	case stylegraph.EventPostEdited:
		now, err := c.Graph.PostMentions(ctx, e.Target.ID)
		if err != nil {
			return nil, err
		}
		// A later edit may have taken a mention out again before this ran.
		return slices.DeleteFunc(now, func(id int64) bool { return !slices.Contains(e.Data.Mentions, id) }), nil
	}
	var out []int64
	for _, id := range stylegraph.Mentions(e.Data.Text) {
		_, err := c.Graph.User(ctx, id)
		switch {
		case stylegraph.ErrorCode(err) == stylegraph.ENOTFOUND:
			continue
		case err != nil:
			return nil, err
		}
		out = append(out, id)
	}
	return out, nil
}

// drop tells the followers of a new product's brand, at most DropFanout.
func (c *Consumer) drop(ctx context.Context, e stylegraph.Event) error {
	p, err := c.Graph.Product(ctx, e.Target.ID)
	if stylegraph.ErrorCode(err) == stylegraph.ENOTFOUND {
		return nil // deleted meanwhile
	}
	if err != nil || p.BrandID == 0 {
		return err
	}
	limit := c.DropFanout
	if limit <= 0 {
		limit = 10_000
	}
	fans, err := c.Graph.BrandFollowersCapped(ctx, p.BrandID, limit)
	if err != nil {
		return err
	}
	at := e.OccurredAt
	if at.IsZero() {
		at = time.Now()
	}
	return c.Store.AddDrop(ctx, Drop{BrandID: p.BrandID, Brand: p.Brand, ProductID: p.ID, Title: p.Title, At: at}, fans)
}
