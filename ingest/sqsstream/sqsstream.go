// Package sqsstream is the activity log (ingest.Log) on Amazon SQS or an
// SQS-compatible server: one queue per consumer group. It depends on the root
// and ingest, never on another adapter.
package sqsstream

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/redis/go-redis/v9"
	"go.opentelemetry.io/contrib/instrumentation/github.com/aws/aws-sdk-go-v2/otelaws"
	"go.opentelemetry.io/otel/trace"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/ingest"
)

// Options configure an Log.
type Options struct {
	// Endpoint overrides the AWS endpoint (an SQS-compatible server).
	Endpoint string
	Region   string
	// Credentials override the SDK's default chain; nil keeps it.
	Credentials aws.CredentialsProvider
	// TracerProvider receives a span per AWS call; nil is the global one
	// (a no-op unless tracing is configured).
	TracerProvider trace.TracerProvider
	// QueuePrefix names the queues: <prefix>-<group> and <prefix>-<group>-dead.
	QueuePrefix string
	// Groups are the consumer groups Append delivers to: SQS has no consumer
	// groups, so each group is a queue of its own and Append sends every event
	// to each of them.
	Groups []string
	// VisibilityTimeout is how long a received, unacknowledged message stays
	// hidden before SQS hands it out again (a crashed consumer's messages come
	// back after it). Default 1 minute.
	VisibilityTimeout time.Duration
	// MaxReceives moves a message SQS handed out this often to the group's
	// dead-letter queue even if no consumer did (a poison message that
	// crashes workers); 0 means 50. The consumer's own MaxDeliveries should be
	// lower so that it dead-letters first, with a reason.
	MaxReceives int
	// Dedup remembers accepted event IDs for AppendUnique (Redis keys
	// <DedupPrefix><id> for DedupWindow).
	Dedup       redis.UniversalClient
	DedupPrefix string
	DedupWindow time.Duration
}

// Log is the activity log on Amazon SQS (or an SQS-compatible server):
// one standard queue and one dead-letter queue per consumer group. A
// message's receipt handle is its Handle and SQS's ApproximateReceiveCount
// its Deliveries. Standard queues do not keep order; every handler is
// idempotent and order-insensitive, so that is fine.
type Log struct {
	client *sqs.Client
	o      Options

	mu   sync.Mutex
	urls map[string]string // queue name → URL
}

// New builds the SQS client; queues are created on first use.
func New(ctx context.Context, o Options) (*Log, error) {
	if o.Region == "" {
		o.Region = "us-east-1"
	}
	if o.QueuePrefix == "" {
		o.QueuePrefix = "stylegraph-activity"
	}
	if o.VisibilityTimeout <= 0 {
		o.VisibilityTimeout = time.Minute
	}
	if o.MaxReceives <= 0 {
		o.MaxReceives = 50
	}
	if o.DedupWindow <= 0 {
		o.DedupWindow = 48 * time.Hour
	}
	if o.DedupPrefix == "" {
		o.DedupPrefix = o.QueuePrefix + ":seen:"
	}
	opts := []func(*awsconfig.LoadOptions) error{awsconfig.WithRegion(o.Region)}
	if o.Credentials != nil {
		opts = append(opts, awsconfig.WithCredentialsProvider(o.Credentials))
	}
	cfg, err := awsconfig.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("sqs config: %w", err)
	}
	if o.TracerProvider != nil {
		otelaws.AppendMiddlewares(&cfg.APIOptions, otelaws.WithTracerProvider(o.TracerProvider))
	} else {
		otelaws.AppendMiddlewares(&cfg.APIOptions)
	}
	client := sqs.NewFromConfig(cfg, func(so *sqs.Options) {
		if o.Endpoint != "" {
			so.BaseEndpoint = aws.String(o.Endpoint)
		}
	})
	return &Log{client: client, o: o, urls: map[string]string{}}, nil
}

// QueueName is the queue of a consumer group.
func (l *Log) QueueName(group string) string {
	return queueName(l.o.QueuePrefix + "-" + group)
}

// DeadLetterQueueName is the dead-letter queue of a consumer group.
func (l *Log) DeadLetterQueueName(group string) string {
	return queueName(l.o.QueuePrefix + "-" + group + "-dead")
}

// queueName keeps to SQS's alphabet (letters, digits, - and _, at most 80).
func queueName(s string) string {
	b := []byte(s)
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			b[i] = '_'
		}
	}
	if len(b) > 80 {
		b = b[:80]
	}
	return string(b)
}

// queue returns the URL of the group's queue, creating it and its
// dead-letter queue (wired by a redrive policy) the first time.
func (l *Log) queue(ctx context.Context, group string) (string, error) {
	name := l.QueueName(group)
	l.mu.Lock()
	url, ok := l.urls[name]
	l.mu.Unlock()
	if ok {
		return url, nil
	}
	dead, err := l.create(ctx, l.DeadLetterQueueName(group), map[string]string{"MessageRetentionPeriod": "1209600"})
	if err != nil {
		return "", err
	}
	attrs, err := l.client.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{
		QueueUrl: aws.String(dead), AttributeNames: []types.QueueAttributeName{types.QueueAttributeNameQueueArn},
	})
	if err != nil {
		return "", ingest.Unavailable("read dead-letter queue", err)
	}
	redrive, _ := json.Marshal(map[string]string{
		"deadLetterTargetArn": attrs.Attributes[string(types.QueueAttributeNameQueueArn)],
		"maxReceiveCount":     strconv.Itoa(l.o.MaxReceives),
	})
	url, err = l.create(ctx, name, map[string]string{
		"VisibilityTimeout":      strconv.Itoa(int(l.o.VisibilityTimeout.Seconds())),
		"MessageRetentionPeriod": "1209600", // 14 days, the SQS maximum
		"RedrivePolicy":          string(redrive),
	})
	if err != nil {
		return "", err
	}
	l.mu.Lock()
	l.urls[name] = url
	l.mu.Unlock()
	return url, nil
}

func (l *Log) create(ctx context.Context, name string, attrs map[string]string) (string, error) {
	out, err := l.client.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String(name), Attributes: attrs})
	if err != nil {
		// A queue created earlier with other attributes keeps them.
		got, gerr := l.client.GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: aws.String(name)})
		if gerr != nil {
			return "", ingest.Unavailable("create queue "+name, err)
		}
		return aws.ToString(got.QueueUrl), nil
	}
	return aws.ToString(out.QueueUrl), nil
}

// AppendUnique appends the events whose IDs were not accepted within the
// dedup window. The IDs are marked seen only after every group's queue took
// the event: a crash in between can deliver an event twice (handlers are
// idempotent) but never loses one the caller was told is accepted.
func (l *Log) AppendUnique(ctx context.Context, events []stylegraph.Event) ([]ingest.Status, error) {
	if l.o.Dedup == nil {
		return nil, errors.New("sqs log: AppendUnique needs a Redis client for dedup")
	}
	out := make([]ingest.Status, len(events))
	// One EXISTS per marker, pipelined: markers spread over a Redis
	// Cluster's slots, where one MGET could not span them.
	seen := make([]*redis.IntCmd, len(events))
	_, err := l.o.Dedup.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, e := range events {
			seen[i] = p.Exists(ctx, l.o.DedupPrefix+e.ID)
		}
		return nil
	})
	if err != nil {
		return nil, ingest.Unavailable("check event ids", err)
	}
	var fresh []stylegraph.Event
	inBatch := map[string]bool{}
	for i, e := range events {
		if seen[i].Val() > 0 || inBatch[e.ID] {
			out[i] = ingest.Duplicate
			continue
		}
		inBatch[e.ID] = true
		out[i] = ingest.Accepted
		fresh = append(fresh, e)
	}
	if len(fresh) == 0 {
		return out, nil
	}
	if err := l.Append(ctx, fresh); err != nil {
		return nil, err
	}
	_, err = l.o.Dedup.Pipelined(ctx, func(p redis.Pipeliner) error {
		for _, e := range fresh {
			p.Set(ctx, l.o.DedupPrefix+e.ID, "1", l.o.DedupWindow)
		}
		return nil
	})
	if err != nil {
		return nil, ingest.Unavailable("mark event ids", err)
	}
	return out, nil
}

// Append sends every event to every group's queue, ten per request. It
// returns once SQS stored them all (SQS stores a message redundantly before
// answering); on error some queues may hold some events, and retrying is
// safe because handlers are idempotent.
func (l *Log) Append(ctx context.Context, events []stylegraph.Event) error {
	bodies := make([]string, len(events))
	for i, e := range events {
		b, err := json.Marshal(e)
		if err != nil {
			return fmt.Errorf("encode event: %w", err)
		}
		bodies[i] = string(b)
	}
	for _, g := range l.o.Groups {
		url, err := l.queue(ctx, g)
		if err != nil {
			return err
		}
		for start := 0; start < len(bodies); start += 10 {
			end := min(start+10, len(bodies))
			if err := l.sendBatch(ctx, url, bodies[start:end]); err != nil {
				return err
			}
		}
	}
	return nil
}

func (l *Log) sendBatch(ctx context.Context, url string, bodies []string) error {
	entries := make([]types.SendMessageBatchRequestEntry, len(bodies))
	for i, b := range bodies {
		entries[i] = types.SendMessageBatchRequestEntry{Id: aws.String(strconv.Itoa(i)), MessageBody: aws.String(b)}
	}
	for attempt := 0; len(entries) > 0; attempt++ {
		out, err := l.client.SendMessageBatch(ctx, &sqs.SendMessageBatchInput{QueueUrl: aws.String(url), Entries: entries})
		if err != nil {
			return ingest.Unavailable("send events", err)
		}
		if len(out.Failed) == 0 {
			return nil
		}
		if attempt == 2 {
			f := out.Failed[0]
			return ingest.Unavailable("send events", fmt.Errorf("%d refused, first: %s %s", len(out.Failed), aws.ToString(f.Code), aws.ToString(f.Message)))
		}
		failed := map[string]bool{}
		for _, f := range out.Failed {
			failed[aws.ToString(f.Id)] = true
		}
		var again []types.SendMessageBatchRequestEntry
		for _, e := range entries {
			if failed[aws.ToString(e.Id)] {
				again = append(again, e)
			}
		}
		entries = again
	}
	return nil
}

// Read receives up to max messages for the group, waiting up to block
// (rounded to whole seconds, at most 20) for the first. Messages whose
// visibility timeout ran out while a consumer held them come back here:
// that is how a crashed consumer's work is reclaimed. The consumer name is
// not needed by SQS.
func (l *Log) Read(ctx context.Context, group, _ string, max int, block time.Duration) ([]ingest.Message, error) {
	url, err := l.queue(ctx, group)
	if err != nil {
		return nil, err
	}
	wait := int32(min(20, max0(int(block.Seconds()))))
	var out []ingest.Message
	for len(out) < max {
		res, err := l.client.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{
			QueueUrl:                    aws.String(url),
			MaxNumberOfMessages:         int32(min(10, max-len(out))),
			WaitTimeSeconds:             wait,
			MessageSystemAttributeNames: []types.MessageSystemAttributeName{types.MessageSystemAttributeNameApproximateReceiveCount},
		})
		if err != nil {
			if ctx.Err() != nil && len(out) > 0 {
				return out, nil
			}
			return out, ingest.Unavailable("receive events", err)
		}
		for _, m := range res.Messages {
			deliveries, _ := strconv.Atoi(m.Attributes[string(types.MessageSystemAttributeNameApproximateReceiveCount)])
			msg := ingest.Message{Handle: aws.ToString(m.ReceiptHandle), Deliveries: deliveries}
			if err := json.Unmarshal([]byte(aws.ToString(m.Body)), &msg.Event); err != nil {
				// Not an event: nothing can apply it, so it goes straight to the
				// dead letters with the raw body.
				msg.Raw = []byte(aws.ToString(m.Body))
				if derr := l.DeadLetter(ctx, group, msg, fmt.Errorf("undecodable message: %w", err)); derr != nil {
					return out, derr
				}
				continue
			}
			out = append(out, msg)
		}
		if len(res.Messages) < 10 {
			break
		}
		wait = 0 // the first answer is in; take what is ready and return
	}
	return out, nil
}

func max0(n int) int {
	if n < 0 {
		return 0
	}
	return n
}

// Ack deletes the messages from the group's queue.
func (l *Log) Ack(ctx context.Context, group string, msgs []ingest.Message) error {
	url, err := l.queue(ctx, group)
	if err != nil {
		return err
	}
	for start := 0; start < len(msgs); start += 10 {
		chunk := msgs[start:min(start+10, len(msgs))]
		entries := make([]types.DeleteMessageBatchRequestEntry, len(chunk))
		for i, m := range chunk {
			entries[i] = types.DeleteMessageBatchRequestEntry{Id: aws.String(strconv.Itoa(i)), ReceiptHandle: aws.String(m.Handle)}
		}
		out, err := l.client.DeleteMessageBatch(ctx, &sqs.DeleteMessageBatchInput{QueueUrl: aws.String(url), Entries: entries})
		if err != nil {
			return ingest.Unavailable("acknowledge events", err)
		}
		for _, f := range out.Failed {
			// A receipt handle from an earlier delivery is stale once the
			// message was handed out again; the newer holder acknowledges it.
			if !f.SenderFault {
				return ingest.Unavailable("acknowledge events", fmt.Errorf("%s %s", aws.ToString(f.Code), aws.ToString(f.Message)))
			}
		}
	}
	return nil
}

// DeadLetter is the body of a message in a dead-letter queue.
type DeadLetter struct {
	Event      json.RawMessage `json:"event"`
	Group      string          `json:"group"`
	Error      string          `json:"error"`
	Deliveries int             `json:"deliveries"`
	At         time.Time       `json:"at"`
}

// DeadLetter sends the message with the reason to the group's dead-letter
// queue, then deletes it from the group's queue.
func (l *Log) DeadLetter(ctx context.Context, group string, msg ingest.Message, reason error) error {
	raw, err := ingest.DeadLetterText(msg)
	if err != nil {
		return err
	}
	if _, err := l.queue(ctx, group); err != nil {
		return err
	}
	dead, err := l.create(ctx, l.DeadLetterQueueName(group), nil)
	if err != nil {
		return err
	}
	event := json.RawMessage(raw)
	if !json.Valid(event) {
		event, _ = json.Marshal(raw)
	}
	body, err := json.Marshal(DeadLetter{Event: event, Group: group, Error: reason.Error(), Deliveries: msg.Deliveries, At: time.Now().UTC()})
	if err != nil {
		return err
	}
	if _, err := l.client.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(dead), MessageBody: aws.String(string(body))}); err != nil {
		return ingest.Unavailable("dead-letter event", err)
	}
	return l.Ack(ctx, group, []ingest.Message{msg})
}

// Lag is the group's visible plus in-flight messages (SQS's approximate
// counts, which trail by up to a minute on AWS).
func (l *Log) Lag(ctx context.Context, group string) (int64, error) {
	url, err := l.queue(ctx, group)
	if err != nil {
		return 0, err
	}
	out, err := l.client.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{
		QueueUrl: aws.String(url),
		AttributeNames: []types.QueueAttributeName{
			types.QueueAttributeNameApproximateNumberOfMessages, types.QueueAttributeNameApproximateNumberOfMessagesNotVisible,
			types.QueueAttributeNameApproximateNumberOfMessagesDelayed,
		},
	})
	if err != nil {
		return 0, ingest.Unavailable("read queue depth", err)
	}
	var lag int64
	for _, a := range []types.QueueAttributeName{types.QueueAttributeNameApproximateNumberOfMessages,
		types.QueueAttributeNameApproximateNumberOfMessagesNotVisible, types.QueueAttributeNameApproximateNumberOfMessagesDelayed} {
		n, _ := strconv.ParseInt(strings.TrimSpace(out.Attributes[string(a)]), 10, 64)
		lag += n
	}
	return lag, nil
}

// DeleteQueues removes the groups' queues and dead-letter queues (tests,
// teardown).
func (l *Log) DeleteQueues(ctx context.Context) error {
	for _, g := range l.o.Groups {
		for _, name := range []string{l.QueueName(g), l.DeadLetterQueueName(g)} {
			got, err := l.client.GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: aws.String(name)})
			if err != nil {
				continue
			}
			if _, err := l.client.DeleteQueue(ctx, &sqs.DeleteQueueInput{QueueUrl: got.QueueUrl}); err != nil {
				return fmt.Errorf("delete queue %s: %w", name, err)
			}
		}
	}
	l.mu.Lock()
	l.urls = map[string]string{}
	l.mu.Unlock()
	return nil
}

// Client is the underlying SQS client (tests read the dead-letter queues).
func (l *Log) Client() *sqs.Client { return l.client }

// QueueURL returns a queue's URL by name.
func (l *Log) QueueURL(ctx context.Context, name string) (string, error) {
	got, err := l.client.GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: aws.String(name)})
	if err != nil {
		return "", err
	}
	return aws.ToString(got.QueueUrl), nil
}
