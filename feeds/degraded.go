package feeds

import (
	"context"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/budget"
)

// graphShare bounds one graph call on the read path to a third of the time
// the request has left, so that a hung graph still leaves the feed time to
// answer from Redis.
func graphShare(ctx context.Context) (context.Context, context.CancelFunc) {
	return budget.Share(ctx, 1.0/3, 0)
}

// degrade reports whether err says the graph is unavailable; the read then
// goes on with what Redis holds and the answer is marked degraded.
func (s *core) degrade(ctx context.Context, err error) bool {
	if stylegraph.ErrorCode(err) != stylegraph.EUNAVAILABLE {
		return false
	}
	stylegraph.MarkDegraded(ctx, "neo4j")
	return true
}
