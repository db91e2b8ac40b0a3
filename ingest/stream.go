package ingest

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/stylegraph/stylegraph"
)

// Message is one delivered event with what the log needs to acknowledge it.
type Message struct {
	Event stylegraph.Event
	// Handle identifies the delivery to the log (a stream entry ID, an SQS
	// receipt handle).
	Handle string
	// Deliveries counts how often this message was handed out, this time
	// included; the consumer dead-letters past its limit.
	Deliveries int
	// Raw, when not nil, is the text of a message that did not decode into
	// Event (written by something else); logs dead-letter it as read, even
	// when empty.
	Raw []byte
}

// DeadLetterText is what a dead letter keeps of msg: the text read when it
// did not decode, else its event as JSON.
func DeadLetterText(msg Message) (string, error) {
	if msg.Raw != nil {
		return string(msg.Raw), nil
	}
	b, err := json.Marshal(msg.Event)
	if err != nil {
		return "", fmt.Errorf("encode event: %w", err)
	}
	return string(b), nil
}

// Log is the durable activity stream. Append returns only once the events
// are durable; each consumer group sees every event; within a group each
// message goes to one consumer until acknowledged, and messages a crashed
// consumer left unacknowledged are handed out again.
type Log interface {
	// Append durably appends events in order.
	Append(ctx context.Context, events []stylegraph.Event) error
	// Read returns up to max messages for consumer in group, first any that
	// another consumer left pending for too long, then new ones, waiting up to
	// block for something to arrive.
	Read(ctx context.Context, group, consumer string, max int, block time.Duration) ([]Message, error)
	// Ack marks messages done for the group.
	Ack(ctx context.Context, group string, msgs []Message) error
	// DeadLetter records a message that kept failing, with the reason, and
	// acknowledges it.
	DeadLetter(ctx context.Context, group string, msg Message, reason error) error
	// Lag is how many messages the group has not acknowledged yet.
	Lag(ctx context.Context, group string) (int64, error)
}

// Handler applies a batch of events somewhere (the graph, the archive, the
// feeds, the search index). It must be idempotent: a batch may be delivered
// again after a crash or an error. Returning an error retries the batch; the
// consumer isolates a failing event by retrying events one by one.
type Handler interface {
	Handle(ctx context.Context, events []stylegraph.Event) error
}

// HandlerFunc adapts a function to Handler.
type HandlerFunc func(ctx context.Context, events []stylegraph.Event) error

// Handle calls f.
func (f HandlerFunc) Handle(ctx context.Context, events []stylegraph.Event) error {
	return f(ctx, events)
}

// Status of one event offered to AppendUnique.
type Status string

// Statuses.
const (
	Accepted  Status = "accepted"
	Duplicate Status = "duplicate"
	Rejected  Status = "rejected"
)
