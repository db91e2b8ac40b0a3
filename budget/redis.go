package budget

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"

	"github.com/redis/go-redis/v9"

	"github.com/stylegraph/stylegraph"
)

// RedisHook puts every Redis command and pipeline through a Breaker: it
// gets its share of the request's budget, a Redis that is down or hung
// fails fast, and such failures carry EUNAVAILABLE (503, retried by
// consumers) while replies such as redis.Nil pass unchanged. The client
// needs ContextTimeoutEnabled so that the deadline reaches the socket.
type RedisHook struct{ B *Breaker }

var _ redis.Hook = RedisHook{}

// DialHook leaves dialling to the client (its DialTimeout bounds it).
func (h RedisHook) DialHook(next redis.DialHook) redis.DialHook { return next }

// ProcessHook guards one command.
func (h RedisHook) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		if setup(cmd) {
			return redisOutage(ctx, next(ctx, cmd))
		}
		return h.B.Do(ctx, func(ctx context.Context) error { return redisOutage(ctx, next(ctx, cmd)) })
	}
}

// ProcessPipelineHook guards one pipeline or transaction.
func (h RedisHook) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		if setup(cmds...) {
			return redisOutage(ctx, next(ctx, cmds))
		}
		return h.B.Do(ctx, func(ctx context.Context) error { return redisOutage(ctx, next(ctx, cmds)) })
	}
}

// setup reports whether cmds only set up a new connection (the client sends
// HELLO, AUTH, SELECT, CLIENT … through the hooks when it connects). They
// run inside the call that needed the connection, which already holds the
// breaker: guarding them again would refuse the half-open breaker's one trial
// call its connection, and the breaker would never close after a restart.
func setup(cmds ...redis.Cmder) bool {
	for _, c := range cmds {
		switch c.Name() {
		case "hello", "auth", "select", "client", "readonly":
		default:
			return false
		}
	}
	return len(cmds) > 0
}

// redisOutage marks err EUNAVAILABLE when it says Redis cannot answer (no
// connection, timeout, loading its data) rather than answering no.
func redisOutage(ctx context.Context, err error) error {
	if err == nil || errors.Is(err, redis.Nil) || errors.Is(ctx.Err(), context.Canceled) {
		return err
	}
	var reply redis.Error
	if errors.As(err, &reply) {
		msg := reply.Error()
		for _, p := range []string{"LOADING ", "BUSY ", "MASTERDOWN ", "CLUSTERDOWN ", "TRYAGAIN ", "READONLY "} {
			if strings.HasPrefix(msg, p) {
				return fmt.Errorf("%w: %w", &stylegraph.Error{Code: stylegraph.EUNAVAILABLE, Message: "redis unavailable; retry later"}, err)
			}
		}
		return err
	}
	var ne net.Error
	if errors.As(err, &ne) || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, redis.ErrPoolTimeout) ||
		strings.Contains(err.Error(), "EOF") || strings.Contains(err.Error(), "connection") {
		return fmt.Errorf("%w: %w", &stylegraph.Error{Code: stylegraph.EUNAVAILABLE, Message: "redis unavailable; retry later"}, err)
	}
	return err
}
