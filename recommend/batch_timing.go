package recommend

import (
	"fmt"
	"io"
	"syscall"
	"time"
)

// stepClock prints how long each step of a run took, in wall time and in
// this process's CPU time: on a shared machine the two differ by the load
// and by what the step waits on (Neo4j, Redis), and only both say which.
type stepClock struct {
	w    io.Writer
	now  func() time.Time
	wall time.Time
	cpu  time.Duration
}

func newStepClock(w io.Writer, now func() time.Time) *stepClock {
	return &stepClock{w: w, now: now, wall: now(), cpu: processCPU()}
}

// done prints the step's wall and CPU time since the previous step ended
// and starts the next one.
func (c *stepClock) done(step string) {
	wall, cpu := c.now(), processCPU()
	fmt.Fprintf(c.w, "step %s: %s wall, %s CPU\n", step, wall.Sub(c.wall).Round(time.Millisecond), (cpu - c.cpu).Round(time.Millisecond))
	c.wall, c.cpu = wall, cpu
}

// processCPU is the user and system time this process has used so far (0
// where the platform does not say).
func processCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
