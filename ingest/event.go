// Package ingest owns the activity pipeline: the Log interface of the durable
// activity stream (adapters in ingest/redisstream and ingest/sqsstream), the
// batch envelope and admission of events, and the consumer framework that
// applies events elsewhere (graph writer, archiver, feeds and search register
// their own handlers). The event model itself is the root package's Event.
// ingest must not import api, graph or its own adapters.
package ingest

import "github.com/stylegraph/stylegraph"

// The event model lives in the root package; these names keep older callers
// compiling while they move to it.
type (
	Event   = stylegraph.Event
	Type    = stylegraph.EventType
	Kind    = stylegraph.TargetKind
	Target  = stylegraph.EventTarget
	Context = stylegraph.EventContext
	Data    = stylegraph.EventData
)

// Event types and target kinds (see stylegraph.EventType, stylegraph.TargetKind).
const (
	View           = stylegraph.EventView
	Like           = stylegraph.EventLike
	Unlike         = stylegraph.EventUnlike
	CommentEvent   = stylegraph.EventComment
	Follow         = stylegraph.EventFollow
	Unfollow       = stylegraph.EventUnfollow
	AddToCart      = stylegraph.EventAddToCart
	RemoveFromCart = stylegraph.EventRemoveFromCart
	Purchase       = stylegraph.EventPurchase
	Search         = stylegraph.EventSearch
	PostCreated    = stylegraph.EventPostCreated
	PostDeleted    = stylegraph.EventPostDeleted
	PostEdited     = stylegraph.EventPostEdited
	ProductCreated = stylegraph.EventProductCreated
	Hide           = stylegraph.EventHide

	KindProduct = stylegraph.TargetProduct
	KindPost    = stylegraph.TargetPost
	KindUser    = stylegraph.TargetUser
	KindBrand   = stylegraph.TargetBrand
	KindTag     = stylegraph.TargetTag
)

// Limits on one event (see the root package) and on a batch.
const (
	MaxEventBytes     = stylegraph.MaxEventBytes
	MaxCommentRunes   = stylegraph.MaxCommentRunes
	MaxQueryRunes     = stylegraph.MaxQueryRunes
	MaxSearchPosition = stylegraph.MaxSearchPosition
	// MaxBatch is how many events one request may carry.
	MaxBatch = 500
)

// Decode is stylegraph.DecodeEvent.
func Decode(raw []byte) (Event, error) { return stylegraph.DecodeEvent(raw) }

// ValidQueryID is stylegraph.ValidQueryID.
func ValidQueryID(s string) bool { return stylegraph.ValidQueryID(s) }
