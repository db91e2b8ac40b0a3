package config

import (
	"strconv"
	"strings"
	"time"
)

// ActivityLog chooses the activity stream: Redis Streams (the default) or
// Amazon SQS.
type ActivityLog struct {
	// Kind is "redis" or "sqs".
	Kind string
	// SQSEndpoint points at an SQS-compatible server; empty means AWS.
	SQSEndpoint string
	// SQSQueuePrefix names the queues <prefix>-<group> and
	// <prefix>-<group>-dead.
	SQSQueuePrefix string
	// SQSVisibilityTimeout is how long a received message stays hidden before
	// it is handed out again (how fast a crashed worker's events come back).
	SQSVisibilityTimeout time.Duration
	// SQSMaxReceives moves a message handed out this often to the dead-letter
	// queue even if no consumer did.
	SQSMaxReceives int
}

func (r *reader) activityLog() ActivityLog {
	a := ActivityLog{
		Kind:                 r.str("ACTIVITY_LOG", "redis"),
		SQSEndpoint:          r.endpoint("SQS_ENDPOINT"),
		SQSQueuePrefix:       r.str("SQS_QUEUE_PREFIX", "stylegraph-activity"),
		SQSVisibilityTimeout: r.duration("SQS_VISIBILITY_TIMEOUT", time.Minute),
		SQSMaxReceives:       r.int("SQS_MAX_RECEIVES", 50),
	}
	if a.Kind != "redis" && a.Kind != "sqs" {
		r.fail("ACTIVITY_LOG", a.Kind, "must be redis or sqs")
	}
	if a.SQSQueuePrefix == "" || len(a.SQSQueuePrefix) > 50 || strings.Trim(a.SQSQueuePrefix, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_") != "" {
		r.fail("SQS_QUEUE_PREFIX", a.SQSQueuePrefix, "must be 1-50 letters, digits, - or _")
	}
	if a.SQSVisibilityTimeout < time.Second || a.SQSVisibilityTimeout > 12*time.Hour {
		r.fail("SQS_VISIBILITY_TIMEOUT", a.SQSVisibilityTimeout.String(), "must be between 1s and 12h")
	}
	if a.SQSMaxReceives < 1 || a.SQSMaxReceives > 1000 {
		r.fail("SQS_MAX_RECEIVES", strconv.Itoa(a.SQSMaxReceives), "must be between 1 and 1000")
	}
	return a
}
