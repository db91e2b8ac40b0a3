package harness

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/stylegraph/stylegraph/config"
)

var rpsLine = regexp.MustCompile(`([0-9.]+) requests per second`)

// RedisBenchmark runs `redis-benchmark -n n args…` against cfg's Redis
// (address, database, password) and returns its rate as a Sample of n ops:
// the elapsed time is n over the rate it printed, so the process start is
// not counted.
func RedisBenchmark(cfg config.Config, n int, args ...string) (Sample, error) {
	host, port, err := net.SplitHostPort(cfg.RedisAddr)
	if err != nil {
		return Sample{}, err
	}
	all := []string{"-h", host, "-p", port, "-n", strconv.Itoa(n), "-q"}
	if cfg.RedisDB != 0 {
		all = append(all, "--dbnum", strconv.Itoa(cfg.RedisDB))
	}
	cmd := exec.Command("redis-benchmark", append(all, args...)...)
	if cfg.RedisPassword != "" {
		cmd.Env = append(os.Environ(), "REDISCLI_AUTH="+cfg.RedisPassword)
	}
	start := time.Now()
	out, err := cmd.CombinedOutput()
	if err != nil {
		return Sample{}, fmt.Errorf("redis-benchmark (installed with Redis by `make services`): %v: %s", err, out)
	}
	elapsed := time.Since(start)
	rps, err := benchmarkRate(out)
	if err != nil {
		return Sample{}, err
	}
	return Sample{Ops: n, Elapsed: min(elapsed, time.Duration(float64(n)/rps*float64(time.Second)))}, nil
}

// benchmarkRate is the last "N requests per second" redis-benchmark -q
// printed (progress lines come before it).
func benchmarkRate(out []byte) (float64, error) {
	m := rpsLine.FindAllSubmatch(out, -1)
	if len(m) == 0 {
		return 0, fmt.Errorf("redis-benchmark printed no rate: %s", out)
	}
	rps, err := strconv.ParseFloat(string(m[len(m)-1][1]), 64)
	if err != nil || rps <= 0 {
		return 0, fmt.Errorf("redis-benchmark rate %q: %v", m[len(m)-1][1], err)
	}
	return rps, nil
}

// Trips counts a go-redis client's round trips (single commands and
// pipelines) and its calls of one script, from CountTrips until Stop: what a
// request asks of Redis, counted rather than timed.
type Trips struct {
	sha        string
	n, scripts atomic.Int64
	off        atomic.Bool
}

// CountTrips starts counting rdb's round trips; calls of the script with
// SHA1 scriptSHA ("" for none) are counted apart too. Other users of rdb
// meanwhile are counted as well.
func CountTrips(rdb redis.UniversalClient, scriptSHA string) *Trips {
	t := &Trips{sha: scriptSHA}
	rdb.AddHook(t)
	return t
}

// Stop ends the count (go-redis cannot remove a hook: it stays, idle) and
// returns the round trips and script calls counted.
func (t *Trips) Stop() (trips, scripts int64) {
	t.off.Store(true)
	return t.n.Load(), t.scripts.Load()
}

func (t *Trips) DialHook(next redis.DialHook) redis.DialHook { return next }

func (t *Trips) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		if !t.off.Load() {
			t.n.Add(1)
			if a := cmd.Args(); t.sha != "" && len(a) > 1 && (cmd.Name() == "evalsha" || cmd.Name() == "eval") && a[1] == t.sha {
				t.scripts.Add(1)
			}
		}
		return next(ctx, cmd)
	}
}

func (t *Trips) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		if !t.off.Load() {
			t.n.Add(1)
		}
		return next(ctx, cmds)
	}
}
