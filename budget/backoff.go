package budget

import (
	"math/rand/v2"
	"time"
)

// Backoff is the wait before retry number attempt (1, 2, …): base·2^(attempt-1)
// capped at max, of which the upper half is random ("equal jitter"), so that
// the processes a shared outage stopped together do not retry in lockstep
// and still wait at least half the exponential delay.
func Backoff(base, max time.Duration, attempt int) time.Duration {
	d := base
	for i := 1; i < attempt && d < max; i++ {
		d *= 2
	}
	d = min(d, max)
	half := d / 2
	if half <= 0 {
		return d
	}
	return half + rand.N(half+1)
}
