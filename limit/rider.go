package limit

import (
	"context"

	"github.com/redis/go-redis/v9"
)

// Rider is a spend that travels in a read's first Redis round trip instead
// of a round trip of its own. Its function queues the spend on the read's
// pipeline and returns check, called once the pipeline ran and before the
// read does anything with what it got; an error from check refuses the
// request (the read's results are discarded).
type Rider func(ctx context.Context, p redis.Pipeliner) (check func() error)

type riderKey struct{}

// WithRider returns ctx carrying r for the first read made with it that
// takes riders (QueueRider). r's commands must be meant for that read's
// Redis.
func WithRider(ctx context.Context, r Rider) context.Context {
	return context.WithValue(ctx, riderKey{}, r)
}

// QueueRider queues ctx's rider, if any, on p; the returned check is never
// nil.
func QueueRider(ctx context.Context, p redis.Pipeliner) (check func() error) {
	if r, ok := ctx.Value(riderKey{}).(Rider); ok && r != nil {
		if check := r(ctx, p); check != nil {
			return check
		}
	}
	return func() error { return nil }
}
