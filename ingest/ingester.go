package ingest

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/stylegraph/stylegraph"
)

// UniqueAppender appends events not seen before, marking them seen in the
// same atomic step, and reports Accepted or Duplicate per event.
// RedisLog implements it.
type UniqueAppender interface {
	AppendUnique(ctx context.Context, events []stylegraph.Event) ([]Status, error)
}

// Result is the outcome for one event of a request, in request order.
type Result struct {
	Index  int          `json:"index"`
	ID     string       `json:"id,omitempty"`
	Status Status       `json:"status"`
	Error  *ResultError `json:"error,omitempty"`
}

// ResultError says why an event was rejected, in the API's error vocabulary.
type ResultError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
}

// Ingester turns raw events from a caller into appended activity: it decodes
// and validates each event, enforces who may act as whom, and appends the
// good ones exactly once.
type Ingester struct {
	log UniqueAppender
	now func() time.Time
}

// NewIngester returns an Ingester appending to log.
func NewIngester(log UniqueAppender) *Ingester {
	return &Ingester{log: log, now: time.Now}
}

// Ingest processes raw events on behalf of p. Rejected events get a result
// with the reason and do not stop the others. It returns only after every
// accepted event is durably appended; an error means nothing can be said
// about the batch (the caller retries with the same IDs, which is safe).
// An admission on ctx (WithAdmission) is awaited before anything is
// appended.
func (in *Ingester) Ingest(ctx context.Context, p stylegraph.Principal, raws []json.RawMessage) ([]Result, error) {
	now := in.now().UTC()
	results := make([]Result, len(raws))
	// Sized for a batch of good events: growing them showed in the profile.
	good := make([]stylegraph.Event, 0, len(raws))
	at := make([]int, 0, len(raws)) // index in results of each good event
	for i, raw := range raws {
		results[i].Index = i
		e, err := stylegraph.DecodeEvent(raw)
		sent := e.ID
		if err == nil {
			err = authorize(p, &e)
		}
		if err == nil {
			err = e.Normalize(now)
		}
		if err != nil {
			if _, perr := uuid.Parse(sent); perr == nil && len(sent) == 36 {
				results[i].ID = sent // echo only IDs the caller sent, and well-formed
			}
			results[i].Status = Rejected
			results[i].Error = &ResultError{Code: stylegraph.ErrorCode(err), Message: stylegraph.ErrorMessage(err), Field: stylegraph.ErrorField(err)}
			continue
		}
		e.ReceivedAt = now
		results[i].ID = e.ID
		good = append(good, e)
		at = append(at, i)
	}
	if err := admitted(ctx); err != nil {
		return nil, err
	}
	if len(good) == 0 {
		return results, nil
	}
	statuses, err := in.log.AppendUnique(ctx, good)
	if err != nil {
		return nil, err
	}
	for j, st := range statuses {
		results[at[j]].Status = st
	}
	return results, nil
}

// commerce lists the event types that are commerce facts: carts and orders
// belong to the shop's backend, which reports them with service
// credentials. A browser could claim any price and quantity, and these
// events drive trending, bought-together, the funnel and recommendations.
var commerce = map[stylegraph.EventType]bool{stylegraph.EventAddToCart: true, stylegraph.EventRemoveFromCart: true, stylegraph.EventPurchase: true}

// guestTypes are the events an anonymous session may record: browsing, which
// shapes its recommendations and moves to the account at sign-in.
var guestTypes = map[stylegraph.EventType]bool{stylegraph.EventView: true, stylegraph.EventLike: true, stylegraph.EventUnlike: true, stylegraph.EventHide: true, stylegraph.EventSearch: true}

// authorize decides who may record an event. Post lifecycle events
// (post_created, post_edited, post_deleted) are derived by the server when a post is
// written or deleted through /v1/posts, so no caller may send them: a forged
// one would bury or re-fan-out someone else's post. A service may act for
// anyone; everyone else only as themself (a missing actor is the caller) and
// never reports commerce facts.
func authorize(p stylegraph.Principal, e *stylegraph.Event) error {
	if e.Type == stylegraph.EventProductCreated {
		return &stylegraph.Error{Code: stylegraph.EFORBIDDEN, Field: "type",
			Message: "product_created events are recorded by the server; create products through /v1/products"}
	}
	if e.Type == stylegraph.EventPostCreated || e.Type == stylegraph.EventPostDeleted || e.Type == stylegraph.EventPostEdited {
		return &stylegraph.Error{Code: stylegraph.EFORBIDDEN, Field: "type",
			Message: fmt.Sprintf("%s events are recorded by the server; create, edit and delete posts through /v1/posts", e.Type)}
	}
	if p.Is(stylegraph.RoleService) {
		return nil
	}
	known := e.Type.Known()
	if p.Is(stylegraph.RoleGuest) && known && !guestTypes[e.Type] { // unknown types fail validation
		return &stylegraph.Error{Code: stylegraph.EFORBIDDEN, Field: "type",
			Message: fmt.Sprintf("guests record views, likes, hides and searches; %s needs a signed-in user", e.Type)}
	}
	if commerce[e.Type] {
		return &stylegraph.Error{Code: stylegraph.EFORBIDDEN, Field: "type",
			Message: fmt.Sprintf("%s events come from the shop's backend (service credentials), not from user tokens", e.Type)}
	}
	if e.UserID == 0 {
		e.UserID = p.UserID
	}
	if e.UserID != p.UserID {
		return &stylegraph.Error{Code: stylegraph.EFORBIDDEN, Field: "userId", Message: "you may only record your own activity"}
	}
	return nil
}
