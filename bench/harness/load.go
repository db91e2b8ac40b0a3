package harness

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Load is how busy the machine was while a comparison ran.
type Load struct {
	CPUs int
	// Load1Start and Load1End are the 1-minute load averages around the run.
	Load1Start, Load1End float64
	// Busy is the share of all CPUs' time spent not idle, by every process;
	// Self the share this process (and its waited-for children, such as
	// redis-benchmark) used.
	Busy, Self float64
	Elapsed    time.Duration
}

func (l Load) String() string {
	return fmt.Sprintf("%d CPUs, load avg %.1f→%.1f, CPU busy %.0f%% (this benchmark %.0f%%, other processes %.0f%%) over %v",
		l.CPUs, l.Load1Start, l.Load1End, 100*l.Busy, 100*l.Self, 100*max(0, l.Busy-l.Self), l.Elapsed.Round(time.Millisecond))
}

// LoadMeter measures Load from StartLoad to Stop.
type LoadMeter struct {
	start       time.Time
	load1       float64
	busy, total uint64
	selfCPU     time.Duration
}

// StartLoad starts measuring the machine's load.
func StartLoad() *LoadMeter {
	m := &LoadMeter{start: time.Now(), load1: loadavg(), selfCPU: selfCPU()}
	m.busy, m.total = cpuTimes()
	return m
}

// Stop ends the measurement.
func (m *LoadMeter) Stop() Load {
	busy, total := cpuTimes()
	l := Load{CPUs: runtime.NumCPU(), Load1Start: m.load1, Load1End: loadavg(), Elapsed: time.Since(m.start)}
	if total > m.total {
		l.Busy = float64(busy-m.busy) / float64(total-m.total)
	}
	l.Self = float64(selfCPU()-m.selfCPU) / float64(l.Elapsed) / float64(l.CPUs)
	return l
}

func loadavg() float64 {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return -1
	}
	f, _ := strconv.ParseFloat(strings.Fields(string(b))[0], 64)
	return f
}

// cpuTimes reads the aggregate busy and total jiffies from /proc/stat.
func cpuTimes() (busy, total uint64) {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, 0
	}
	line, _, _ := strings.Cut(string(b), "\n")
	for i, f := range strings.Fields(line)[1:] {
		v, _ := strconv.ParseUint(f, 10, 64)
		total += v
		if i != 3 && i != 4 { // idle, iowait
			busy += v
		}
	}
	return busy, total
}

// selfCPU is the user+system time of this process and its reaped children.
func selfCPU() time.Duration {
	var d time.Duration
	for _, who := range []int{syscall.RUSAGE_SELF, syscall.RUSAGE_CHILDREN} {
		var ru syscall.Rusage
		if syscall.Getrusage(who, &ru) == nil {
			d += time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
		}
	}
	return d
}
