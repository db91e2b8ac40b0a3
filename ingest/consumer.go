package ingest

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/budget"
)

// ConsumerOptions tune a Consumer. Zero values get the defaults noted.
type ConsumerOptions struct {
	// BatchSize is how many messages one read takes (default 100).
	BatchSize int
	// Block is how long a read waits for new messages (default 2s). It also
	// bounds how long shutdown waits for an idle consumer.
	Block time.Duration
	// MaxAttempts is how often one event is tried on its own before it is
	// dead-lettered (default 5).
	MaxAttempts int
	// MaxDeliveries dead-letters a message handed out this often without
	// being acknowledged, e.g. because it crashes every worker (default 10).
	MaxDeliveries int
	// RetryBase and RetryMax shape the exponential backoff between attempts
	// (defaults 100ms and 30s).
	RetryBase, RetryMax time.Duration
	// ShutdownGrace is how long the batch in flight may still finish after
	// Run's context ends (default 10s); past it the batch is abandoned
	// unacknowledged and reclaimed later.
	ShutdownGrace time.Duration
	Logger        *slog.Logger
	Metrics       *Metrics
}

// Consumer runs one Handler as one consumer of a consumer group: it reads
// batches, hands them to the handler and acknowledges only after success.
// A failed batch is retried event by event so one bad event cannot hold the
// others back; an event that keeps failing goes to the dead letters.
// Unavailable dependencies (EUNAVAILABLE) are retried with backoff for as
// long as they last and never dead-letter anything.
type Consumer struct {
	log     Log
	group   string
	name    string
	handler Handler
	o       ConsumerOptions
}

// NewConsumer returns a consumer called name in group.
func NewConsumer(log Log, group, name string, h Handler, o ConsumerOptions) *Consumer {
	if o.BatchSize <= 0 {
		o.BatchSize = 100
	}
	if o.Block <= 0 {
		o.Block = 2 * time.Second
	}
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = 5
	}
	if o.MaxDeliveries <= 0 {
		o.MaxDeliveries = 10
	}
	if o.RetryBase <= 0 {
		o.RetryBase = 100 * time.Millisecond
	}
	if o.RetryMax <= 0 {
		o.RetryMax = 30 * time.Second
	}
	if o.ShutdownGrace <= 0 {
		o.ShutdownGrace = 10 * time.Second
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Metrics == nil {
		o.Metrics = NewMetrics(nil)
	}
	return &Consumer{log: log, group: group, name: name, handler: h, o: o}
}

// Run consumes until ctx ends, then lets the batch in flight finish within
// ShutdownGrace. Messages still unacknowledged stay pending and are
// reclaimed by the next consumer of the group.
func (c *Consumer) Run(ctx context.Context) {
	work, cancel := context.WithCancel(context.WithoutCancel(ctx))
	defer cancel()
	stop := context.AfterFunc(ctx, func() {
		t := time.AfterFunc(c.o.ShutdownGrace, cancel)
		context.AfterFunc(work, func() { t.Stop() })
	})
	defer stop()
	failures := 0
	for ctx.Err() == nil {
		_, err := c.Step(work)
		switch {
		case ctx.Err() != nil:
		case err != nil:
			failures++
			d := backoff(c.o.RetryBase, c.o.RetryMax, failures)
			c.o.Logger.Warn("consumer step failed", "group", c.group, "err", err.Error(), "retryIn", d.String())
			sleep(ctx, d)
		default:
			failures = 0
		}
	}
}

// Step reads one batch and processes it. It returns how many messages it
// finished (acknowledged or dead-lettered).
func (c *Consumer) Step(ctx context.Context) (int, error) {
	msgs, err := c.log.Read(ctx, c.group, c.name, c.o.BatchSize, c.o.Block)
	if err != nil {
		return 0, fmt.Errorf("read %s: %w", c.group, err)
	}
	if len(msgs) == 0 {
		return 0, nil
	}
	// A message delivered too often has probably crashed workers before.
	live := msgs[:0:0]
	done := 0
	for _, m := range msgs {
		if m.Deliveries > c.o.MaxDeliveries {
			if err := c.deadLetter(ctx, m, fmt.Errorf("delivered %d times without success", m.Deliveries)); err != nil {
				return done, err
			}
			done++
			continue
		}
		live = append(live, m)
	}
	n, err := c.process(ctx, live)
	return done + n, err
}

// process handles msgs as one batch, falling back to one at a time.
func (c *Consumer) process(ctx context.Context, msgs []Message) (int, error) {
	if len(msgs) == 0 {
		return 0, nil
	}
	err := c.retryUnavailable(ctx, msgs)
	if err == nil {
		if err := c.log.Ack(ctx, c.group, msgs); err != nil {
			return 0, err
		}
		c.o.Metrics.processed.WithLabelValues(c.group).Add(float64(len(msgs)))
		return len(msgs), nil
	}
	if ctx.Err() != nil {
		return 0, ctx.Err()
	}
	if len(msgs) > 1 {
		c.o.Logger.Warn("batch failed; isolating events", "group", c.group, "events", len(msgs), "err", err.Error())
	}
	done := 0
	for _, m := range msgs {
		if err := c.processOne(ctx, m); err != nil {
			return done, err
		}
		done++
	}
	return done, nil
}

// processOne tries one event up to MaxAttempts times, then dead-letters it.
func (c *Consumer) processOne(ctx context.Context, m Message) error {
	one := []Message{m}
	var err error
	for attempt := 1; attempt <= c.o.MaxAttempts; attempt++ {
		if err = c.retryUnavailable(ctx, one); err == nil {
			if err := c.log.Ack(ctx, c.group, one); err != nil {
				return err
			}
			c.o.Metrics.processed.WithLabelValues(c.group).Inc()
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		c.o.Metrics.failed.WithLabelValues(c.group).Inc()
		if attempt < c.o.MaxAttempts {
			sleep(ctx, backoff(c.o.RetryBase, c.o.RetryMax, attempt))
		}
	}
	return c.deadLetter(ctx, m, err)
}

// retryUnavailable runs the handler, retrying while it reports a dependency
// outage; any other error is returned for the caller to count.
func (c *Consumer) retryUnavailable(ctx context.Context, msgs []Message) error {
	events := make([]stylegraph.Event, len(msgs))
	for i, m := range msgs {
		events[i] = m.Event
	}
	for attempt := 1; ; attempt++ {
		err := c.handler.Handle(ctx, events)
		if err == nil || ctx.Err() != nil || stylegraph.ErrorCode(err) != stylegraph.EUNAVAILABLE {
			return err
		}
		d := backoff(c.o.RetryBase, c.o.RetryMax, attempt)
		c.o.Logger.Warn("dependency unavailable; retrying", "group", c.group, "err", err.Error(), "retryIn", d.String())
		sleep(ctx, d)
	}
}

func (c *Consumer) deadLetter(ctx context.Context, m Message, reason error) error {
	if err := c.log.DeadLetter(ctx, c.group, m, reason); err != nil {
		return err
	}
	c.o.Metrics.deadLettered.WithLabelValues(c.group).Inc()
	// The event ID and the error only: events may carry personal text.
	c.o.Logger.Error("event dead-lettered", "group", c.group, "eventId", m.Event.ID, "type", string(m.Event.Type), "deliveries", m.Deliveries, "err", reason.Error())
	return nil
}

// backoff is base·2^(attempt-1), capped at max, with jitter: consumers an
// outage stopped together do not all retry at the same instant.
func backoff(base, max time.Duration, attempt int) time.Duration {
	return budget.Backoff(base, max, attempt)
}

func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}

// Metrics are the consumers' Prometheus series, labelled by group.
type Metrics struct {
	processed    *prometheus.CounterVec
	failed       *prometheus.CounterVec
	deadLettered *prometheus.CounterVec
}

// NewMetrics registers the consumer series on reg (nil: unregistered).
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		processed: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "stylegraph_consumer_events_processed_total", Help: "Events a consumer group applied and acknowledged.",
		}, []string{"group"}),
		failed: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "stylegraph_consumer_events_failed_total", Help: "Failed attempts at applying a single event.",
		}, []string{"group"}),
		deadLettered: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "stylegraph_consumer_events_dead_lettered_total", Help: "Events moved to the dead-letter stream.",
		}, []string{"group"}),
	}
	if reg != nil {
		reg.MustRegister(m.processed, m.failed, m.deadLettered)
	}
	return m
}

// LagFunc reports a consumer group's lag.
type LagFunc func(ctx context.Context, group string) (int64, error)

// RegisterLag exports stylegraph_consumer_lag{group} for each group, read
// from the log at scrape time.
func RegisterLag(reg prometheus.Registerer, lag LagFunc, groups ...string) error {
	for _, g := range groups {
		gf := prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name:        "stylegraph_consumer_lag",
			Help:        "Events a consumer group has not acknowledged yet (undelivered plus pending); -1 when the stream cannot be read.",
			ConstLabels: prometheus.Labels{"group": g},
		}, func() float64 {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			n, err := lag(ctx, g)
			if err != nil {
				return -1
			}
			return float64(n)
		})
		if err := reg.Register(gf); err != nil {
			var are prometheus.AlreadyRegisteredError
			if !errors.As(err, &are) {
				return fmt.Errorf("register lag gauge for %s: %w", g, err)
			}
		}
	}
	return nil
}

// LagDetails reports the lag of each group, for /readyz details.
func LagDetails(ctx context.Context, lag LagFunc, groups ...string) map[string]any {
	out := make(map[string]any, len(groups))
	for _, g := range groups {
		n, err := lag(ctx, g)
		if err != nil {
			out[g] = map[string]any{"error": stylegraph.ErrorMessage(err)}
			continue
		}
		out[g] = map[string]any{"lag": n}
	}
	return out
}
