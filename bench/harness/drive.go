package harness

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// Drive calls fn from clients goroutines, closed loop, until n calls were
// made (n > 0) or, with n == 0, until d has passed; it records every call's
// latency. fn gets the call's index and returns the units of work it did
// (1 for a request, the batch size for a batch). The first error stops it.
func Drive(ctx context.Context, clients, n int, d time.Duration, fn func(ctx context.Context, i int) (int, error)) (Sample, error) {
	var (
		next, ops atomic.Int64
		mu        sync.Mutex
		lat       []time.Duration
		firstErr  error
		once      sync.Once
		wg        sync.WaitGroup
	)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	start := time.Now()
	deadline := start.Add(d)
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []time.Duration
			defer func() { mu.Lock(); lat = append(lat, mine...); mu.Unlock() }()
			for ctx.Err() == nil {
				i := int(next.Add(1)) - 1
				if n > 0 && i >= n || n == 0 && time.Now().After(deadline) {
					return
				}
				t := time.Now()
				k, err := fn(ctx, i)
				if err != nil {
					once.Do(func() { firstErr = err; cancel() })
					return
				}
				mine = append(mine, time.Since(t))
				ops.Add(int64(k))
			}
		}()
	}
	wg.Wait()
	return Sample{Ops: int(ops.Load()), Elapsed: time.Since(start), Latencies: lat}, firstErr
}
