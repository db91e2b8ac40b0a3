package feeds

import (
	"context"
	"errors"

	"github.com/redis/go-redis/v9"
)

// In a Redis Cluster a multi-key command must name keys of one slot. Feed
// objects and per-user keys are spread over the cluster on purpose (one
// hot slot would pin the feed to one shard), so the few multi-key reads and
// deletes go key by key in a pipeline there, which the cluster client sends
// to each key's node in one round trip per node.

// isCluster reports whether r is a cluster client.
func isCluster(r redis.UniversalClient) bool {
	_, ok := r.(*redis.ClusterClient)
	return ok
}

// queueMGet queues a read of keys on pipe and returns a function that gives
// their values (nil for a missing key) once the pipe has run.
func (s *core) queueMGet(ctx context.Context, pipe redis.Pipeliner, keys []string) func() []any {
	if !s.cluster {
		cmd := pipe.MGet(ctx, keys...)
		return cmd.Val
	}
	cmds := make([]*redis.StringCmd, len(keys))
	for i, k := range keys {
		cmds[i] = pipe.Get(ctx, k)
	}
	return func() []any {
		out := make([]any, len(cmds))
		for i, c := range cmds {
			if v, err := c.Result(); err == nil {
				out[i] = v
			}
		}
		return out
	}
}

// execIgnoringNil runs pipe; a GET of a missing key is not a failure.
func execIgnoringNil(ctx context.Context, pipe redis.Pipeliner) error {
	if _, err := pipe.Exec(ctx); err != nil && !errors.Is(err, redis.Nil) {
		return err
	}
	return nil
}

// queueDel queues the deletion of keys on pipe: one DEL, or one per key in a
// cluster.
func (s *core) queueDel(ctx context.Context, pipe redis.Pipeliner, keys ...string) {
	if !s.cluster {
		pipe.Del(ctx, keys...)
		return
	}
	for _, k := range keys {
		pipe.Del(ctx, k)
	}
}
