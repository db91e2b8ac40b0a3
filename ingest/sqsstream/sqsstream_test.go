package sqsstream_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/google/go-cmp/cmp"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/ingest"
	"github.com/stylegraph/stylegraph/ingest/ingesttest"
	"github.com/stylegraph/stylegraph/ingest/sqsstream"
	"github.com/stylegraph/stylegraph/internal/testenv"
)

// newSQSLog returns an SQSLog on the real ElasticMQ with queues of the
// test's own, deleted when the test ends; dedup keys live under the test's
// Redis namespace.
func newSQSLog(t *testing.T, visibility time.Duration, groups ...string) *sqsstream.Log {
	t.Helper()
	rdb := testenv.Redis(t)
	ns := testenv.Namespace(t)
	t.Cleanup(func() { testenv.DropKeys(rdb, ns) })
	ctx := context.Background()
	l, err := sqsstream.New(ctx, sqsstream.Options{
		Endpoint: testenv.SQSEndpoint(t), Credentials: testenv.AWSCredentials(),
		QueuePrefix: fmt.Sprintf("test-%d", testenv.IDBase(t)), Groups: groups, VisibilityTimeout: visibility,
		Dedup: rdb, DedupPrefix: ns + "seen:",
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := l.DeleteQueues(context.Background()); err != nil {
			t.Errorf("delete queues: %v", err)
		}
	})
	return l
}

func ids(msgs []ingest.Message) []string {
	var out []string
	for _, m := range msgs {
		out = append(out, m.Event.ID)
	}
	sort.Strings(out)
	return out
}

func eventIDs(evs []stylegraph.Event) []string {
	var out []string
	for _, e := range evs {
		out = append(out, e.ID)
	}
	sort.Strings(out)
	return out
}

// readAll drains what the group has visible now (bounded).
func readAll(t *testing.T, l *sqsstream.Log, group string, want int) []ingest.Message {
	t.Helper()
	var got []ingest.Message
	deadline := time.Now().Add(10 * time.Second)
	for len(got) < want && time.Now().Before(deadline) {
		msgs, err := l.Read(context.Background(), group, "c1", want-len(got), time.Second)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, msgs...)
	}
	return got
}

func TestSQSLogEveryGroupGetsEveryEvent(t *testing.T) {
	l := newSQSLog(t, 30*time.Second, "graph", "archive")
	ctx := context.Background()
	evs := ingesttest.Views(1, 100, 23) // more than one SQS batch of 10
	st, err := l.AppendUnique(ctx, append(evs, evs[0]))
	if err != nil {
		t.Fatal(err)
	}
	if st[0] != ingest.Accepted || st[23] != ingest.Duplicate {
		t.Errorf("statuses %v", st)
	}
	again, err := l.AppendUnique(ctx, evs[:2])
	if err != nil || !cmp.Equal(again, []ingest.Status{ingest.Duplicate, ingest.Duplicate}) {
		t.Errorf("repeat = %v, %v; want duplicates", again, err)
	}
	for _, g := range []string{"graph", "archive"} {
		if lag, err := l.Lag(ctx, g); err != nil || lag != 23 {
			t.Errorf("lag of %s = %d, %v; want 23", g, lag, err)
		}
	}
	got := readAll(t, l, "graph", 23)
	if diff := cmp.Diff(eventIDs(evs), ids(got)); diff != "" {
		t.Fatalf("graph group read (-want +got):\n%s", diff)
	}
	for _, m := range got {
		if m.Deliveries != 1 || m.Handle == "" {
			t.Fatalf("message %+v: want first delivery with a receipt handle", m)
		}
	}
	if lag, _ := l.Lag(ctx, "graph"); lag != 23 {
		t.Errorf("lag with everything in flight = %d, want 23 (visible + not visible)", lag)
	}
	if err := l.Ack(ctx, "graph", got); err != nil {
		t.Fatal(err)
	}
	if lag, _ := l.Lag(ctx, "graph"); lag != 0 {
		t.Errorf("lag after ack = %d, want 0", lag)
	}
	if lag, _ := l.Lag(ctx, "archive"); lag != 23 {
		t.Errorf("the archive group lost events when the graph group acknowledged: lag %d", lag)
	}
	if diff := cmp.Diff(eventIDs(evs), ids(readAll(t, l, "archive", 23))); diff != "" {
		t.Errorf("archive group read (-want +got):\n%s", diff)
	}
}

func TestSQSLogRedeliversWhatACrashedConsumerHeld(t *testing.T) {
	l := newSQSLog(t, time.Second, "g")
	ctx := context.Background()
	evs := ingesttest.Views(1, 100, 3)
	if err := l.Append(ctx, evs); err != nil {
		t.Fatal(err)
	}
	first := readAll(t, l, "g", 3)
	if len(first) != 3 {
		t.Fatalf("read %d, want 3", len(first))
	}
	// The consumer "crashes": no ack. Nothing is visible until the
	// visibility timeout ends, then all come back with a second delivery.
	if msgs, err := l.Read(ctx, "g", "c2", 10, 0); err != nil || len(msgs) != 0 {
		t.Fatalf("read while in flight = %d, %v; want nothing", len(msgs), err)
	}
	time.Sleep(1200 * time.Millisecond)
	second := readAll(t, l, "g", 3)
	if diff := cmp.Diff(eventIDs(evs), ids(second)); diff != "" {
		t.Fatalf("redelivered (-want +got):\n%s", diff)
	}
	for _, m := range second {
		if m.Deliveries != 2 {
			t.Errorf("deliveries = %d, want 2", m.Deliveries)
		}
	}
	if err := l.Ack(ctx, "g", second); err != nil {
		t.Fatal(err)
	}
	if lag, _ := l.Lag(ctx, "g"); lag != 0 {
		t.Errorf("lag = %d, want 0", lag)
	}
}

func TestSQSConsumerDeadLettersTheEventThatKeepsFailing(t *testing.T) {
	l := newSQSLog(t, 30*time.Second, "g")
	ctx := context.Background()
	evs := ingesttest.Views(1, 100, 5)
	poison := evs[2].ID
	if err := l.Append(ctx, evs); err != nil {
		t.Fatal(err)
	}
	h := &ingesttest.Recorder{Fail: func(batch []stylegraph.Event) error {
		for _, e := range batch {
			if e.ID == poison {
				return errors.New("product 103 breaks the handler")
			}
		}
		return nil
	}}
	c := ingest.NewConsumer(l, "g", "c1", h, ingesttest.FastOptions(prometheus.NewRegistry()))
	done := 0
	for deadline := time.Now().Add(10 * time.Second); done < 5 && time.Now().Before(deadline); {
		n, err := c.Step(ctx)
		if err != nil {
			t.Fatal(err)
		}
		done += n
	}
	want := map[string]int{evs[0].ID: 1, evs[1].ID: 1, evs[3].ID: 1, evs[4].ID: 1}
	if diff := cmp.Diff(want, h.Applied); diff != "" {
		t.Errorf("applied (-want +got):\n%s", diff)
	}
	if lag, _ := l.Lag(ctx, "g"); lag != 0 {
		t.Errorf("lag = %d, want 0", lag)
	}
	url, err := l.QueueURL(ctx, l.DeadLetterQueueName("g"))
	if err != nil {
		t.Fatal(err)
	}
	out, err := l.Client().ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(url), MaxNumberOfMessages: 10, WaitTimeSeconds: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Messages) != 1 {
		t.Fatalf("dead-letter queue holds %d messages, want 1", len(out.Messages))
	}
	var dl sqsstream.DeadLetter
	if err := json.Unmarshal([]byte(aws.ToString(out.Messages[0].Body)), &dl); err != nil {
		t.Fatal(err)
	}
	if dl.Group != "g" || dl.Error != "product 103 breaks the handler" || !strings.Contains(string(dl.Event), poison) {
		t.Errorf("dead letter = %+v", dl)
	}
}

func TestSQSLogDeadLettersUndecodableMessages(t *testing.T) {
	l := newSQSLog(t, 30*time.Second, "g")
	ctx := context.Background()
	if err := l.Append(ctx, ingesttest.Views(1, 100, 1)); err != nil { // creates the queues
		t.Fatal(err)
	}
	url, err := l.QueueURL(ctx, l.QueueName("g"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l.Client().SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(url), MessageBody: aws.String("not json")}); err != nil {
		t.Fatal(err)
	}
	got := readAll(t, l, "g", 1)
	time.Sleep(100 * time.Millisecond)
	more, err := l.Read(ctx, "g", "c1", 10, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(got)+len(more) != 1 {
		t.Errorf("read %d events, want only the valid one", len(got)+len(more))
	}
	dead, err := l.QueueURL(ctx, l.DeadLetterQueueName("g"))
	if err != nil {
		t.Fatal(err)
	}
	out, err := l.Client().ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(dead), MaxNumberOfMessages: 10, WaitTimeSeconds: 1})
	if err != nil || len(out.Messages) != 1 || !strings.Contains(aws.ToString(out.Messages[0].Body), "undecodable") {
		t.Errorf("dead-letter queue = %+v, %v", out.Messages, err)
	}
}
