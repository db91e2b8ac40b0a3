package feeds

import (
	"context"

	"github.com/redis/go-redis/v9"
)

// Rider is work that travels in a feed read's first Redis round trip
// instead of a round trip of its own: the API's rate-limit spend. Queue
// adds its commands to the read's pipeline and returns check, which is
// called once the pipeline ran and before the read does anything else; an
// error from check ends the read unchanged (what was read is discarded).
// The commands queued with it only read, so a refused read leaves nothing
// behind.
type Rider func(ctx context.Context, p redis.Pipeliner) (check func() error)

type riderKey struct{}

// WithRider returns ctx carrying r for the next feed read made with it.
// The read's pipeline goes to the feed's Redis, so r's commands must be
// meant for that Redis.
func WithRider(ctx context.Context, r Rider) context.Context {
	return context.WithValue(ctx, riderKey{}, r)
}

// queueRider queues ctx's rider, if any, on p; the returned check is never
// nil.
func queueRider(ctx context.Context, p redis.Pipeliner) func() error {
	if r, ok := ctx.Value(riderKey{}).(Rider); ok && r != nil {
		if check := r(ctx, p); check != nil {
			return check
		}
	}
	return func() error { return nil }
}
