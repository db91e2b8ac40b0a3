package recommend

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/graph"
)

// ErrLockLost means another process took the recompute lock while this run
// was alive (its renewal came too late); the run stops.
var ErrLockLost = errors.New("recompute lock lost")

func (c *Cache) scopeKey(name string, scope graph.Scope) string {
	return c.prefix + name + ":" + strconv.FormatInt(scope.From, 10) + "-" + strconv.FormatInt(scope.To, 10)
}

// hold takes the job's lock for scope, or returns ErrLocked. While held, the
// lock is renewed every ttl/3, so it expires ttl after the process dies but
// never under a live run; if it is lost anyway, the returned context is
// cancelled with ErrLockLost.
func (c *Cache) hold(ctx context.Context, scope graph.Scope, ttl time.Duration) (context.Context, func(), error) {
	key := c.scopeKey("recompute-lock", scope)
	token := strconv.FormatInt(time.Now().UnixNano(), 36)
	ok, err := c.rdb.SetNX(ctx, key, token, ttl).Result()
	if err != nil {
		return nil, nil, fmt.Errorf("take recompute lock: %w", err)
	}
	if !ok {
		return nil, nil, ErrLocked
	}
	held, cancel := context.WithCancelCause(ctx)
	done := make(chan struct{})
	go func() {
		t := time.NewTicker(ttl / 3)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				n, err := renewScript.Run(context.Background(), c.rdb, []string{key}, token, ttl.Milliseconds()).Int()
				if err == nil && n == 0 {
					cancel(ErrLockLost)
					return
				}
				// A failed renewal is retried at the next tick; the
				// lock lives ttl, three ticks.
			}
		}
	}()
	return held, func() {
		close(done)
		cancel(nil)
		// Release only our own lock, even if it expired and someone else took it.
		_ = releaseScript.Run(context.Background(), c.rdb, []string{key}, token).Err()
	}, nil
}

var (
	releaseScript = redis.NewScript(`if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("DEL", KEYS[1]) end return 0`)
	renewScript   = redis.NewScript(`if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("PEXPIRE", KEYS[1], ARGV[2]) end return 0`)
)

// checkpoint is how far a run got: its stamp, whether the neighbours are
// written, and the last shopper whose list is stored (lists go in ID order).
type checkpoint struct {
	At          int64 `json:"at"` // Unix seconds
	SimilarDone bool  `json:"similarDone"`
	ListsAfter  int64 `json:"listsAfter"`
}

func (c *Cache) checkpoint(ctx context.Context, scope graph.Scope) (checkpoint, bool, error) {
	b, err := c.rdb.Get(ctx, c.scopeKey("recompute-run", scope)).Bytes()
	if errors.Is(err, redis.Nil) {
		return checkpoint{}, false, nil
	}
	if err != nil {
		return checkpoint{}, false, fmt.Errorf("read recompute checkpoint: %w", err)
	}
	var cp checkpoint
	if json.Unmarshal(b, &cp) != nil || cp.At == 0 {
		return checkpoint{}, false, nil // unreadable: start over
	}
	return cp, true, nil
}

func (c *Cache) saveCheckpoint(ctx context.Context, scope graph.Scope, cp checkpoint, ttl time.Duration) error {
	b, _ := json.Marshal(cp)
	if err := c.rdb.Set(ctx, c.scopeKey("recompute-run", scope), b, ttl).Err(); err != nil {
		return fmt.Errorf("save recompute checkpoint: %w", err)
	}
	return nil
}

func (c *Cache) clearCheckpoint(ctx context.Context, scope graph.Scope) error {
	if err := c.rdb.Del(ctx, c.scopeKey("recompute-run", scope)).Err(); err != nil {
		return fmt.Errorf("clear recompute checkpoint: %w", err)
	}
	return nil
}

// PutMany stores many shoppers' ranked lists in one pipeline, each for ttl.
func (c *Cache) PutMany(ctx context.Context, lists map[int64][]Ranked, at time.Time, ttl time.Duration) error {
	enc := make(map[int64][]byte, len(lists))
	for userID, items := range lists {
		if items == nil {
			items = []Ranked{}
		}
		b, err := encodeList(at, items)
		if err != nil {
			return fmt.Errorf("encode recommendations: %w", err)
		}
		enc[userID] = b
	}
	return c.putEncoded(ctx, enc, ttl)
}

// pipelineBytes caps what one pipeline of putEncoded carries: a batch of
// 1,000 lists is about 12 MB, which one write did not get through within
// the client's 3 s write timeout on a loaded machine.
const pipelineBytes = 1 << 20

// putEncoded stores lists already encoded by encodeList, each for ttl, in
// pipelines of at most pipelineBytes (and at least one list).
func (c *Cache) putEncoded(ctx context.Context, lists map[int64][]byte, ttl time.Duration) error {
	ids := make([]int64, 0, len(lists))
	for id := range lists {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for len(ids) > 0 {
		pipe := c.rdb.Pipeline()
		size, n := 0, 0
		for ; n < len(ids) && (n == 0 || size+len(lists[ids[n]]) <= pipelineBytes); n++ {
			b := lists[ids[n]]
			pipe.Set(ctx, c.key(ids[n]), b, ttl)
			size += len(b)
		}
		if _, err := pipe.Exec(ctx); err != nil {
			return fmt.Errorf("store %d recommendation lists: %w", n, err)
		}
		ids = ids[n:]
	}
	return nil
}

// retryWaits are the pauses between attempts of a write that found a
// service unavailable: about half a minute in all, several times the
// breaker's open period, so that a brief stall does not end a run.
var retryWaits = []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 16 * time.Second}

// retryUnavailable runs fn again while it fails with EUNAVAILABLE, after
// each of retryWaits; any other error, or ctx ending, stops it. The job's
// writes are idempotent (SETs of whole values), so a repeat is harmless.
func retryUnavailable(ctx context.Context, progress io.Writer, what string, fn func() error) error {
	for attempt := 0; ; attempt++ {
		err := fn()
		if err == nil || stylegraph.ErrorCode(err) != stylegraph.EUNAVAILABLE || attempt == len(retryWaits) {
			return err
		}
		fmt.Fprintf(progress, "%s: %v; retrying in %s\n", what, err, retryWaits[attempt])
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(retryWaits[attempt]):
		}
	}
}

// learnedBlend is the blend the offline tuning chose, stored under
// <prefix>blend for the online service (see docs/operations.md).
type learnedBlend struct {
	Weights       map[string]float64 `json:"weights,omitempty"`
	HalfLifeHours float64            `json:"halfLifeHours,omitempty"`
	TunedOn       string             `json:"tunedOn,omitempty"`
	At            time.Time          `json:"at"`
}

func (c *Cache) putLearned(ctx context.Context, lb learnedBlend) error {
	b, err := json.Marshal(lb)
	if err != nil {
		return fmt.Errorf("encode learned blend: %w", err)
	}
	if err := c.rdb.Set(ctx, c.prefix+"blend", b, 0).Err(); err != nil {
		return fmt.Errorf("store learned blend: %w", err)
	}
	return nil
}

// meter prints progress with rate and ETA, at most every two seconds.
type meter struct {
	w           io.Writer
	what        string
	total       int
	start, last time.Time
	now         func() time.Time
}

func newMeter(w io.Writer, what string, total int, now func() time.Time) *meter {
	t := now()
	return &meter{w: w, what: what, total: total, start: t, now: now}
}

func (m *meter) update(done int) {
	t := m.now()
	if done < m.total && t.Sub(m.last) < 2*time.Second {
		return
	}
	m.last = t
	el := t.Sub(m.start)
	rate := float64(done) / max(el.Seconds(), 1e-3)
	eta := "—"
	if rate > 0 && m.total >= done {
		eta = (time.Duration(float64(m.total-done)/rate) * time.Second).Round(time.Second).String()
	}
	fmt.Fprintf(m.w, "%s %d/%d (%.0f/s, %s elapsed, ETA %s)\n", m.what, done, m.total, rate, el.Round(time.Second), eta)
}
