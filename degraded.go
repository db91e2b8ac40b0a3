package stylegraph

import (
	"context"
	"slices"
	"sync"
)

// degradation collects the dependencies a request had to do without.
type degradation struct {
	mu   sync.Mutex
	deps []string
}

type degradationKey struct{}

// NewContextWithDegradation lets code below mark the request as answered
// without one of its dependencies (MarkDegraded); the edge reads it back
// with Degraded.
func NewContextWithDegradation(ctx context.Context) context.Context {
	return context.WithValue(ctx, degradationKey{}, &degradation{})
}

// MarkDegraded records that the answer was made without dependency (a
// fallback answered). Without NewContextWithDegradation it does nothing.
func MarkDegraded(ctx context.Context, dependency string) {
	d, ok := ctx.Value(degradationKey{}).(*degradation)
	if !ok {
		return
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if !slices.Contains(d.deps, dependency) {
		d.deps = append(d.deps, dependency)
	}
}

// Degraded lists the dependencies marked so far, in order.
func Degraded(ctx context.Context) []string {
	d, ok := ctx.Value(degradationKey{}).(*degradation)
	if !ok {
		return nil
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	return slices.Clone(d.deps)
}
