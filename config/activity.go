package config

import (
	"strconv"
	"strings"
	"time"
)

// Activity configures the activity stream and the worker's consumers.
type Activity struct {
	// Stream is the Redis stream key of the activity log; its dead letters and
	// dedup markers live under keys derived from it.
	Stream string
	// DedupWindow is how long an event ID is remembered (at least 24h).
	DedupWindow time.Duration
	// ClaimIdle is how long a delivered, unacknowledged event waits before
	// another consumer of its group reclaims it.
	ClaimIdle time.Duration
	// Retention trims stream entries older than this; "0" keeps everything.
	Retention time.Duration
	// WaitReplicas makes appends wait for that many Redis replicas.
	WaitReplicas int

	// WorkerAddr serves the worker's /metrics and /healthz.
	WorkerAddr string
	// GraphWriterGroup is the graph writer's consumer group.
	GraphWriterGroup string
	// BatchSize, MaxAttempts, MaxDeliveries, RetryBase and RetryMax tune every
	// consumer (see ingest.ConsumerOptions).
	BatchSize     int
	MaxAttempts   int
	MaxDeliveries int
	RetryBase     time.Duration
	RetryMax      time.Duration
}

func (r *reader) activity() Activity {
	a := Activity{
		Stream:           r.str("ACTIVITY_STREAM", "stylegraph:events"),
		DedupWindow:      r.duration("ACTIVITY_DEDUP_WINDOW", 48*time.Hour),
		ClaimIdle:        r.duration("ACTIVITY_CLAIM_IDLE", time.Minute),
		WaitReplicas:     r.int("ACTIVITY_WAIT_REPLICAS", 0),
		WorkerAddr:       r.str("WORKER_ADDR", ":9091"),
		GraphWriterGroup: r.str("GRAPH_WRITER_GROUP", "graph-writer"),
		BatchSize:        r.int("CONSUMER_BATCH_SIZE", 100),
		MaxAttempts:      r.int("CONSUMER_MAX_ATTEMPTS", 5),
		MaxDeliveries:    r.int("CONSUMER_MAX_DELIVERIES", 10),
		RetryBase:        r.duration("CONSUMER_RETRY_BASE", 100*time.Millisecond),
		RetryMax:         r.duration("CONSUMER_RETRY_MAX", 30*time.Second),
	}
	if v := r.str("ACTIVITY_RETENTION", "168h"); v == "0" {
		a.Retention = -1
	} else {
		a.Retention = r.duration("ACTIVITY_RETENTION", 168*time.Hour)
	}
	if a.DedupWindow < 24*time.Hour {
		r.fail("ACTIVITY_DEDUP_WINDOW", a.DedupWindow.String(), "must be at least 24h")
	}
	if strings.TrimSpace(a.Stream) != a.Stream || strings.ContainsAny(a.Stream, " \t\n") {
		r.fail("ACTIVITY_STREAM", a.Stream, "must not contain spaces")
	}
	if a.GraphWriterGroup == "" || strings.ContainsAny(a.GraphWriterGroup, " \t\n") {
		r.fail("GRAPH_WRITER_GROUP", a.GraphWriterGroup, "must be a name without spaces")
	}
	r.hostPort("WORKER_ADDR", a.WorkerAddr)
	for name, v := range map[string]int{"ACTIVITY_WAIT_REPLICAS": a.WaitReplicas} {
		if v < 0 || v > 16 {
			r.fail(name, strconv.Itoa(v), "must be between 0 and 16")
		}
	}
	if a.BatchSize < 1 || a.BatchSize > 1000 {
		r.fail("CONSUMER_BATCH_SIZE", strconv.Itoa(a.BatchSize), "must be between 1 and 1000")
	}
	if a.MaxAttempts < 1 || a.MaxAttempts > 100 {
		r.fail("CONSUMER_MAX_ATTEMPTS", strconv.Itoa(a.MaxAttempts), "must be between 1 and 100")
	}
	if a.MaxDeliveries < 1 || a.MaxDeliveries > 1000 {
		r.fail("CONSUMER_MAX_DELIVERIES", strconv.Itoa(a.MaxDeliveries), "must be between 1 and 1000")
	}
	if a.RetryMax < a.RetryBase {
		r.fail("CONSUMER_RETRY_MAX", a.RetryMax.String(), "must not be below CONSUMER_RETRY_BASE")
	}
	return a
}
