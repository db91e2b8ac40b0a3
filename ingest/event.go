// Package ingest owns the activity pipeline: the event model and its
// validation, the Log interface of the durable activity stream (adapters in
// ingest/redisstream and ingest/sqsstream), and the consumers that apply
// events elsewhere (graph writer, archiver; feeds and search register their
// own handlers). ingest must not import api or its own adapters.
package ingest

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/stylegraph/stylegraph"
)

// Type is what a shopper did.
type Type string

// Event types.
const (
	View           Type = "view"
	Like           Type = "like"
	Unlike         Type = "unlike"
	CommentEvent   Type = "comment"
	Follow         Type = "follow"
	Unfollow       Type = "unfollow"
	AddToCart      Type = "add_to_cart"
	RemoveFromCart Type = "remove_from_cart"
	Purchase       Type = "purchase"
	Search         Type = "search"
	PostCreated    Type = "post_created"
	PostDeleted    Type = "post_deleted"
	PostEdited     Type = "post_edited"
	ProductCreated Type = "product_created"
	Hide           Type = "hide"
)

// Kind is what an event is about.
type Kind string

// Target kinds.
const (
	KindProduct Kind = "product"
	KindPost    Kind = "post"
	KindUser    Kind = "user"
	KindBrand   Kind = "brand"
	KindTag     Kind = "tag"
)

// targets lists, per type, the kinds its target may have; an empty list
// means the type has no target.
var targets = map[Type][]Kind{
	View:           {KindProduct, KindPost, KindBrand},
	Like:           {KindProduct, KindPost},
	Unlike:         {KindProduct, KindPost},
	CommentEvent:   {KindPost},
	Follow:         {KindUser, KindBrand, KindTag},
	Unfollow:       {KindUser, KindBrand, KindTag},
	AddToCart:      {KindProduct},
	RemoveFromCart: {KindProduct},
	Purchase:       {KindProduct},
	Search:         nil,
	PostCreated:    {KindPost},
	PostDeleted:    {KindPost},
	PostEdited:     {KindPost},
	ProductCreated: {KindProduct},
	Hide:           {KindProduct},
}

// Limits on one event.
const (
	MaxEventBytes   = 16 << 10
	MaxBatch        = 500
	MaxCommentRunes = 2000
	MaxQueryRunes   = 256
	maxContextRunes = 128
	maxFutureSkew   = 5 * time.Minute
	maxAge          = 30 * 24 * time.Hour
)

// Target is the thing an event is about. Tags are addressed by name.
type Target struct {
	Kind Kind   `json:"kind"`
	ID   int64  `json:"id,omitempty"`
	Name string `json:"name,omitempty"`
}

// Context says where an event came from. None of it is personal data.
type Context struct {
	Session string `json:"session,omitempty"`
	Device  string `json:"device,omitempty"`
	App     string `json:"app,omitempty"`
}

// Data carries type-specific fields.
type Data struct {
	Query       string            `json:"query,omitempty"`       // search
	Filters     map[string]string `json:"filters,omitempty"`     // search
	ResultCount *int              `json:"resultCount,omitempty"` // search
	Price       float64           `json:"price,omitempty"`       // add_to_cart, purchase
	Currency    string            `json:"currency,omitempty"`    // add_to_cart, purchase
	Quantity    int               `json:"quantity,omitempty"`    // add_to_cart, remove_from_cart, purchase
	Text        string            `json:"text,omitempty"`        // comment
	CommentID   int64             `json:"commentId,omitempty"`   // comment
	AuthorID    int64             `json:"authorId,omitempty"`    // post_created, post_deleted
	Mentions    []int64           `json:"mentions,omitempty"`    // post_edited: the users the edit newly mentions
	// QueryID ties a search to what followed it: set by the API on search
	// events, sent back by apps on the view (a click) or add_to_cart of a
	// product found by that search, with the hit's 1-based Position.
	QueryID  string `json:"queryID,omitempty"`  // search, view, add_to_cart
	Position int    `json:"position,omitempty"` // view, add_to_cart
}

// MaxSearchPosition is the deepest search position a click may report.
const MaxSearchPosition = 1000

// Event is one shopper action. ID is the idempotency key.
type Event struct {
	ID         string    `json:"id"`
	Type       Type      `json:"type"`
	UserID     int64     `json:"userId"`
	Target     *Target   `json:"target,omitempty"`
	OccurredAt time.Time `json:"occurredAt"`
	Context    Context   `json:"context,omitzero"`
	Data       Data      `json:"data,omitzero"`
	// ReceivedAt is set by the API when the event is accepted.
	ReceivedAt time.Time `json:"receivedAt,omitzero"`
}

// Decode parses one event strictly (stylegraph.DecodeJSON: names match
// case-sensitively, duplicate and unknown names and trailing data are
// refused) and refuses oversized payloads, naming the offending field.
func Decode(raw []byte) (Event, error) {
	if len(raw) > MaxEventBytes {
		return Event{}, &stylegraph.Error{Code: stylegraph.ETOOLARGE, Message: fmt.Sprintf("event is over %d bytes", MaxEventBytes)}
	}
	var e Event
	if err := stylegraph.DecodeJSON(raw, &e); err != nil {
		return Event{}, err
	}
	return e, nil
}

// Normalize fills defaults (ID, OccurredAt) and validates the event against
// the clock now. It returns an EINVALID error naming the first bad field.
func (e *Event) Normalize(now time.Time) error {
	if e.ID == "" {
		e.ID = uuid.NewString()
	} else if u, err := uuid.Parse(e.ID); err != nil || len(e.ID) != 36 {
		return stylegraph.Invalid("id", "must be a UUID")
	} else {
		e.ID = u.String()
	}
	allowed, known := targets[e.Type]
	if !known {
		if e.Type == "" {
			return stylegraph.Invalid("type", "is required")
		}
		return stylegraph.Invalid("type", "unknown event type %q", truncate(string(e.Type), 40))
	}
	if e.UserID <= 0 {
		return stylegraph.Invalid("userId", "must be a positive user ID")
	}
	if e.OccurredAt.IsZero() {
		e.OccurredAt = now
	}
	e.OccurredAt = e.OccurredAt.UTC()
	if e.OccurredAt.After(now.Add(maxFutureSkew)) {
		return stylegraph.Invalid("occurredAt", "is in the future")
	}
	if e.OccurredAt.Before(now.Add(-maxAge)) {
		return stylegraph.Invalid("occurredAt", "is older than 30 days")
	}
	if err := e.validateTarget(allowed); err != nil {
		return err
	}
	for field, v := range map[string]string{"context.session": e.Context.Session, "context.device": e.Context.Device, "context.app": e.Context.App} {
		if utf8.RuneCountInString(v) > maxContextRunes || !utf8.ValidString(v) {
			return stylegraph.Invalid(field, "must be valid UTF-8 of at most %d characters", maxContextRunes)
		}
	}
	return e.validateData()
}

func (e *Event) validateTarget(allowed []Kind) error {
	if len(allowed) == 0 {
		if e.Target != nil {
			return stylegraph.Invalid("target", "must be absent for %s events", e.Type)
		}
		return nil
	}
	if e.Target == nil {
		return stylegraph.Invalid("target", "is required for %s events", e.Type)
	}
	ok := false
	for _, k := range allowed {
		ok = ok || e.Target.Kind == k
	}
	if !ok {
		return stylegraph.Invalid("target.kind", "must be one of %v for %s events", allowed, e.Type)
	}
	if e.Target.Kind == KindTag {
		e.Target.Name = strings.ToLower(strings.TrimSpace(e.Target.Name))
		if e.Target.Name == "" || utf8.RuneCountInString(e.Target.Name) > 64 || e.Target.ID != 0 {
			return stylegraph.Invalid("target.name", "a tag target needs a name of 1-64 characters and no id")
		}
		return nil
	}
	if e.Target.ID <= 0 || e.Target.ID > 1<<53-1 {
		return stylegraph.Invalid("target.id", "must be a positive integer below 2^53")
	}
	if e.Target.Name != "" {
		return stylegraph.Invalid("target.name", "is only for tag targets")
	}
	if e.Target.Kind == KindUser && e.Target.ID == e.UserID && (e.Type == Follow || e.Type == Unfollow) {
		return stylegraph.Invalid("target.id", "a user cannot follow themself")
	}
	return nil
}

// validateQueryID checks the search attribution of a click or add to cart.
func (e *Event) validateQueryID() error {
	d := &e.Data
	clickable := e.Type == Search || ((e.Type == View || e.Type == AddToCart) && e.Target != nil && e.Target.Kind == KindProduct)
	switch {
	case d.QueryID == "" && d.Position == 0:
		return nil
	case !clickable:
		return stylegraph.Invalid("data.queryID", "only searches and the view or add_to_cart of a product carry a query ID")
	case !ValidQueryID(d.QueryID):
		return stylegraph.Invalid("data.queryID", "must be the 32 hex digits of a search response's queryID")
	case e.Type == Search && d.Position != 0:
		return stylegraph.Invalid("data.position", "only clicks and add_to_cart carry a position")
	case e.Type != Search && (d.Position < 1 || d.Position > MaxSearchPosition):
		return stylegraph.Invalid("data.position", "must be the hit's 1-based position, at most %d", MaxSearchPosition)
	}
	return nil
}

// ValidQueryID reports whether s looks like a queryID the API hands out:
// 32 lowercase hex digits.
func ValidQueryID(s string) bool {
	if len(s) != 32 {
		return false
	}
	for _, c := range []byte(s) {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

func (e *Event) validateData() error {
	d := &e.Data
	if !utf8.ValidString(d.Query) || !utf8.ValidString(d.Text) {
		return stylegraph.Invalid("data", "text must be valid UTF-8")
	}
	switch e.Type {
	case Search:
		d.Query = strings.TrimSpace(d.Query)
		if d.Query == "" && len(d.Filters) == 0 {
			return stylegraph.Invalid("data.query", "a search needs a query or filters")
		}
		if utf8.RuneCountInString(d.Query) > MaxQueryRunes {
			return stylegraph.Invalid("data.query", "must be at most %d characters", MaxQueryRunes)
		}
		if len(d.Filters) > 20 {
			return stylegraph.Invalid("data.filters", "at most 20 filters")
		}
		for k, v := range d.Filters {
			if len(k) > 32 || utf8.RuneCountInString(v) > 128 {
				return stylegraph.Invalid("data.filters", "filter names at most 32 bytes, values at most 128 characters")
			}
		}
		if d.ResultCount != nil && *d.ResultCount < 0 {
			return stylegraph.Invalid("data.resultCount", "must not be negative")
		}
	case CommentEvent:
		d.Text = strings.TrimSpace(d.Text)
		if d.Text == "" {
			return stylegraph.Invalid("data.text", "a comment needs text")
		}
		if utf8.RuneCountInString(d.Text) > MaxCommentRunes {
			return stylegraph.Invalid("data.text", "must be at most %d characters", MaxCommentRunes)
		}
	case AddToCart, RemoveFromCart, Purchase:
		if d.Quantity == 0 {
			d.Quantity = 1
		}
		if d.Quantity < 0 || d.Quantity > 1000 {
			return stylegraph.Invalid("data.quantity", "must be between 1 and 1000")
		}
		if d.Price < 0 || d.Price > 1e7 {
			return stylegraph.Invalid("data.price", "must be between 0 and 10,000,000")
		}
		if d.Currency != "" && len(d.Currency) != 3 {
			return stylegraph.Invalid("data.currency", "must be an ISO 4217 code such as USD")
		}
	}
	if err := e.validateQueryID(); err != nil {
		return err
	}
	if e.Type != Search && (d.Query != "" || d.Filters != nil || d.ResultCount != nil) {
		return stylegraph.Invalid("data.query", "only search events carry a query")
	}
	if e.Type != CommentEvent && d.Text != "" {
		return stylegraph.Invalid("data.text", "only comment events carry text")
	}
	if e.Type != CommentEvent && d.CommentID != 0 {
		return stylegraph.Invalid("data.commentId", "only comment events carry a comment ID")
	}
	if d.CommentID < 0 || d.CommentID > 1<<53-1 || d.AuthorID < 0 || d.AuthorID > 1<<53-1 {
		return stylegraph.Invalid("data", "IDs must be positive integers below 2^53")
	}
	if e.Type != PostEdited && len(d.Mentions) > 0 {
		return stylegraph.Invalid("data.mentions", "only post_edited events carry mentions")
	}
	if len(d.Mentions) > stylegraph.MaxMentions {
		return stylegraph.Invalid("data.mentions", "at most %d mentions", stylegraph.MaxMentions)
	}
	for _, id := range d.Mentions {
		if id <= 0 || id > 1<<53-1 {
			return stylegraph.Invalid("data.mentions", "IDs must be positive integers below 2^53")
		}
	}
	if e.Type != PostCreated && e.Type != PostDeleted && d.AuthorID != 0 {
		return stylegraph.Invalid("data.authorId", "only post events carry an author")
	}
	if e.Type != AddToCart && e.Type != RemoveFromCart && e.Type != Purchase && (d.Price != 0 || d.Currency != "" || d.Quantity != 0) {
		return stylegraph.Invalid("data.price", "only cart and purchase events carry price, currency and quantity")
	}
	return nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
