package recommend

import (
	"fmt"
	"io"
	"sync"
	"syscall"
	"time"
)

// stepClock prints how long each step of a run took, in wall time and in
// this process's CPU time: on a shared machine the two differ by the load
// and by what a step waits on (Neo4j, Redis), and only both say which.
// Steps that run at the same time (neighbours and lists) each get a span;
// their CPU time is the whole process's over the span, so it includes the
// other step's.
type stepClock struct {
	w    io.Writer
	now  func() time.Time
	last span
}

type span struct {
	c    *stepClock
	wall time.Time
	cpu  time.Duration
}

func newStepClock(w io.Writer, now func() time.Time) *stepClock {
	c := &stepClock{w: w, now: now}
	c.last = c.start()
	return c
}

// start begins a span that ends with its done.
func (c *stepClock) start() span { return span{c: c, wall: c.now(), cpu: processCPU()} }

// done prints the wall and CPU time of the step that ran since the previous
// sequential step ended, and starts the next one.
func (c *stepClock) done(step string) {
	c.last.done(step)
	c.last = c.start()
}

func (s span) done(step string) {
	wall, cpu := s.c.now(), processCPU()
	fmt.Fprintf(s.c.w, "step %s: %s wall, %s process CPU\n", step, wall.Sub(s.wall).Round(time.Millisecond), (cpu - s.cpu).Round(time.Millisecond))
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

// syncWriter lets the steps that run at the same time print progress to one
// writer.
type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}
