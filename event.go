package stylegraph

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
)

// EventType is what a shopper did.
type EventType string

// Event types.
const (
	EventView           EventType = "view"
	EventLike           EventType = "like"
	EventUnlike         EventType = "unlike"
	EventComment        EventType = "comment"
	EventFollow         EventType = "follow"
	EventUnfollow       EventType = "unfollow"
	EventAddToCart      EventType = "add_to_cart"
	EventRemoveFromCart EventType = "remove_from_cart"
	EventPurchase       EventType = "purchase"
	EventSearch         EventType = "search"
	EventPostCreated    EventType = "post_created"
	EventPostDeleted    EventType = "post_deleted"
	EventPostEdited     EventType = "post_edited"
	EventProductCreated EventType = "product_created"
	EventHide           EventType = "hide"
)

// TargetKind is what an event is about.
type TargetKind string

// Target kinds.
const (
	TargetProduct TargetKind = "product"
	TargetPost    TargetKind = "post"
	TargetUser    TargetKind = "user"
	TargetBrand   TargetKind = "brand"
	TargetTag     TargetKind = "tag"
)

// targets lists, per type, the kinds its target may have; an empty list
// means the type has no target.
var targets = map[EventType][]TargetKind{
	EventView:           {TargetProduct, TargetPost, TargetBrand},
	EventLike:           {TargetProduct, TargetPost},
	EventUnlike:         {TargetProduct, TargetPost},
	EventComment:        {TargetPost},
	EventFollow:         {TargetUser, TargetBrand, TargetTag},
	EventUnfollow:       {TargetUser, TargetBrand, TargetTag},
	EventAddToCart:      {TargetProduct},
	EventRemoveFromCart: {TargetProduct},
	EventPurchase:       {TargetProduct},
	EventSearch:         nil,
	EventPostCreated:    {TargetPost},
	EventPostDeleted:    {TargetPost},
	EventPostEdited:     {TargetPost},
	EventProductCreated: {TargetProduct},
	EventHide:           {TargetProduct},
}

// Limits on one event.
const (
	MaxEventBytes   = 16 << 10
	MaxCommentRunes = 2000
	MaxQueryRunes   = 256
	maxContextRunes = 128
	maxFutureSkew   = 5 * time.Minute
	maxAge          = 30 * 24 * time.Hour
)

// EventTarget is the thing an event is about. Tags are addressed by name.
type EventTarget struct {
	Kind TargetKind `json:"kind"`
	ID   int64      `json:"id,omitempty"`
	Name string     `json:"name,omitempty"`
}

// EventContext says where an event came from. None of it is personal data.
type EventContext struct {
	Session string `json:"session,omitempty"`
	Device  string `json:"device,omitempty"`
	App     string `json:"app,omitempty"`
}

// EventData carries type-specific fields.
type EventData struct {
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
	ID         string       `json:"id"`
	Type       EventType    `json:"type"`
	UserID     int64        `json:"userId"`
	Target     *EventTarget `json:"target,omitempty"`
	OccurredAt time.Time    `json:"occurredAt"`
	Context    EventContext `json:"context,omitzero"`
	Data       EventData    `json:"data,omitzero"`
	// ReceivedAt is set by the API when the event is accepted.
	ReceivedAt time.Time `json:"receivedAt,omitzero"`
}

// DecodeEvent parses one event strictly (DecodeJSON: names match
// case-sensitively, duplicate and unknown names and trailing data are
// refused) and refuses oversized payloads, naming the offending field.
func DecodeEvent(raw []byte) (Event, error) {
	if len(raw) > MaxEventBytes {
		return Event{}, &Error{Code: ETOOLARGE, Message: fmt.Sprintf("event is over %d bytes", MaxEventBytes)}
	}
	var e Event
	if err := DecodeJSON(raw, &e); err != nil {
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
		return Invalid("id", "must be a UUID")
	} else {
		e.ID = u.String()
	}
	allowed, known := targets[e.Type]
	if !known {
		if e.Type == "" {
			return Invalid("type", "is required")
		}
		return Invalid("type", "unknown event type %q", truncateEventType(e.Type))
	}
	if e.UserID <= 0 {
		return Invalid("userId", "must be a positive user ID")
	}
	if e.OccurredAt.IsZero() {
		e.OccurredAt = now
	}
	e.OccurredAt = e.OccurredAt.UTC()
	if e.OccurredAt.After(now.Add(maxFutureSkew)) {
		return Invalid("occurredAt", "is in the future")
	}
	if e.OccurredAt.Before(now.Add(-maxAge)) {
		return Invalid("occurredAt", "is older than 30 days")
	}
	if err := e.validateTarget(allowed); err != nil {
		return err
	}
	for field, v := range map[string]string{"context.session": e.Context.Session, "context.device": e.Context.Device, "context.app": e.Context.App} {
		if utf8.RuneCountInString(v) > maxContextRunes || !utf8.ValidString(v) {
			return Invalid(field, "must be valid UTF-8 of at most %d characters", maxContextRunes)
		}
	}
	return e.validateData()
}

func (e *Event) validateTarget(allowed []TargetKind) error {
	if len(allowed) == 0 {
		if e.Target != nil {
			return Invalid("target", "must be absent for %s events", e.Type)
		}
		return nil
	}
	if e.Target == nil {
		return Invalid("target", "is required for %s events", e.Type)
	}
	ok := false
	for _, k := range allowed {
		ok = ok || e.Target.Kind == k
	}
	if !ok {
		return Invalid("target.kind", "must be one of %v for %s events", allowed, e.Type)
	}
	if e.Target.Kind == TargetTag {
		e.Target.Name = strings.ToLower(strings.TrimSpace(e.Target.Name))
		if e.Target.Name == "" || utf8.RuneCountInString(e.Target.Name) > 64 || e.Target.ID != 0 {
			return Invalid("target.name", "a tag target needs a name of 1-64 characters and no id")
		}
		return nil
	}
	if e.Target.ID <= 0 || e.Target.ID > 1<<53-1 {
		return Invalid("target.id", "must be a positive integer below 2^53")
	}
	if e.Target.Name != "" {
		return Invalid("target.name", "is only for tag targets")
	}
	if e.Target.Kind == TargetUser && e.Target.ID == e.UserID && (e.Type == EventFollow || e.Type == EventUnfollow) {
		return Invalid("target.id", "a user cannot follow themself")
	}
	return nil
}

// validateQueryID checks the search attribution of a click or add to cart.
func (e *Event) validateQueryID() error {
	d := &e.Data
	clickable := e.Type == EventSearch || ((e.Type == EventView || e.Type == EventAddToCart) && e.Target != nil && e.Target.Kind == TargetProduct)
	switch {
	case d.QueryID == "" && d.Position == 0:
		return nil
	case !clickable:
		return Invalid("data.queryID", "only searches and the view or add_to_cart of a product carry a query ID")
	case !ValidQueryID(d.QueryID):
		return Invalid("data.queryID", "must be the 32 hex digits of a search response's queryID")
	case e.Type == EventSearch && d.Position != 0:
		return Invalid("data.position", "only clicks and add_to_cart carry a position")
	case e.Type != EventSearch && (d.Position < 1 || d.Position > MaxSearchPosition):
		return Invalid("data.position", "must be the hit's 1-based position, at most %d", MaxSearchPosition)
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

// validateData checks the type-specific data: the rules of the event's own
// type, its search attribution, then that it carries no field of another
// type. The order decides which field a bad event is refused for.
func (e *Event) validateData() error {
	d := &e.Data
	if !utf8.ValidString(d.Query) || !utf8.ValidString(d.Text) {
		return Invalid("data", "text must be valid UTF-8")
	}
	var err error
	switch e.Type {
	case EventSearch:
		err = d.validateSearch()
	case EventComment:
		err = d.validateComment()
	case EventAddToCart, EventRemoveFromCart, EventPurchase:
		err = d.validateOrder()
	}
	if err != nil {
		return err
	}
	if err := e.validateQueryID(); err != nil {
		return err
	}
	return e.validateCarried()
}

// validateSearch trims a search's query and checks it and the filters.
func (d *EventData) validateSearch() error {
	d.Query = strings.TrimSpace(d.Query)
	if d.Query == "" && len(d.Filters) == 0 {
		return Invalid("data.query", "a search needs a query or filters")
	}
	if utf8.RuneCountInString(d.Query) > MaxQueryRunes {
		return Invalid("data.query", "must be at most %d characters", MaxQueryRunes)
	}
	if len(d.Filters) > 20 {
		return Invalid("data.filters", "at most 20 filters")
	}
	for k, v := range d.Filters {
		if len(k) > 32 || utf8.RuneCountInString(v) > 128 {
			return Invalid("data.filters", "filter names at most 32 bytes, values at most 128 characters")
		}
	}
	if d.ResultCount != nil && *d.ResultCount < 0 {
		return Invalid("data.resultCount", "must not be negative")
	}
	return nil
}

// validateComment trims a comment's text and checks its length.
func (d *EventData) validateComment() error {
	d.Text = strings.TrimSpace(d.Text)
	if d.Text == "" {
		return Invalid("data.text", "a comment needs text")
	}
	if utf8.RuneCountInString(d.Text) > MaxCommentRunes {
		return Invalid("data.text", "must be at most %d characters", MaxCommentRunes)
	}
	return nil
}

// validateOrder checks the quantity (default 1), price and currency of a
// cart change or purchase.
func (d *EventData) validateOrder() error {
	if d.Quantity == 0 {
		d.Quantity = 1
	}
	if d.Quantity < 0 || d.Quantity > 1000 {
		return Invalid("data.quantity", "must be between 1 and 1000")
	}
	if d.Price < 0 || d.Price > 1e7 {
		return Invalid("data.price", "must be between 0 and 10,000,000")
	}
	if d.Currency != "" && len(d.Currency) != 3 {
		return Invalid("data.currency", "must be an ISO 4217 code such as USD")
	}
	return nil
}

// validateCarried refuses data fields that belong to other event types, and
// IDs out of range.
func (e *Event) validateCarried() error {
	d := &e.Data
	if e.Type != EventSearch && (d.Query != "" || d.Filters != nil || d.ResultCount != nil) {
		return Invalid("data.query", "only search events carry a query")
	}
	if e.Type != EventComment && d.Text != "" {
		return Invalid("data.text", "only comment events carry text")
	}
	if e.Type != EventComment && d.CommentID != 0 {
		return Invalid("data.commentId", "only comment events carry a comment ID")
	}
	if d.CommentID < 0 || d.CommentID > 1<<53-1 || d.AuthorID < 0 || d.AuthorID > 1<<53-1 {
		return Invalid("data", "IDs must be positive integers below 2^53")
	}
	if e.Type != EventPostEdited && len(d.Mentions) > 0 {
		return Invalid("data.mentions", "only post_edited events carry mentions")
	}
	if len(d.Mentions) > MaxMentions {
		return Invalid("data.mentions", "at most %d mentions", MaxMentions)
	}
	for _, id := range d.Mentions {
		if id <= 0 || id > 1<<53-1 {
			return Invalid("data.mentions", "IDs must be positive integers below 2^53")
		}
	}
	if e.Type != EventPostCreated && e.Type != EventPostDeleted && d.AuthorID != 0 {
		return Invalid("data.authorId", "only post events carry an author")
	}
	if e.Type != EventAddToCart && e.Type != EventRemoveFromCart && e.Type != EventPurchase && (d.Price != 0 || d.Currency != "" || d.Quantity != 0) {
		return Invalid("data.price", "only cart and purchase events carry price, currency and quantity")
	}
	return nil
}

// truncateEventType shortens an unknown type for the error message.
func truncateEventType(t EventType) string {
	if len(t) <= 40 {
		return string(t)
	}
	return string(t[:40]) + "…"
}

// Known reports whether t is one of the event types above.
func (t EventType) Known() bool {
	_, ok := targets[t]
	return ok
}
