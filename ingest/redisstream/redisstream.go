// Package redisstream is the activity log (ingest.Log) on Redis Streams: one
// stream, one consumer group per consumer, deduplicated appends in one Lua
// script. It depends on the root and ingest, never on another adapter.
package redisstream

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/ingest"
)

// Options configure a Log. Zero values get the defaults noted.
type Options struct {
	// Stream is the activity stream key (default "stylegraph:events"). Keys
	// derived from it (dead letters, dedup markers) share its prefix, so a
	// test or a tenant isolates itself by choosing a stream name.
	Stream string
	// DeadLetterStream receives messages that kept failing (default
	// "{"+Stream+"}:dead", in the stream's Redis Cluster slot so that moving
	// an entry between them is one transaction).
	DeadLetterStream string
	// DedupWindow is how long an event ID is remembered (default 48h).
	DedupWindow time.Duration
	// ClaimIdle is how long a message may stay pending with a consumer before
	// another consumer of the group reclaims it (default 1m).
	ClaimIdle time.Duration
	// Retention trims entries older than this from the stream on append
	// (default 7 days; negative keeps everything).
	Retention time.Duration
	// WaitReplicas, when positive, makes appends wait until that many replicas
	// acknowledged the write (Redis WAIT), for deployments with replicas.
	WaitReplicas int
	// WaitTimeout bounds that wait (default 1s).
	WaitTimeout time.Duration
	// PruneIdle removes consumer names that hold nothing and have been idle
	// this long (default 24h); every worker start adds a name.
	PruneIdle time.Duration
}

// Log is the activity stream on Redis Streams: one stream, one consumer
// group per consumer. Durability comes from Redis's append-only file: a reply
// is sent only after the write reached the AOF (fsynced within a second with
// appendfsync everysec), and WaitReplicas adds replica acknowledgement.
type Log struct {
	rdb    redis.UniversalClient
	o      Options
	mu     sync.Mutex
	have   map[string]bool      // groups known to exist
	pruned map[string]time.Time // when each group's idle consumers were last pruned

	gmu      sync.Mutex
	queue    []*commit // AppendUnique calls waiting for a script
	inflight int       // scripts running
}

// New returns a log on rdb with options o.
func New(rdb redis.UniversalClient, o Options) *Log {
	if o.Stream == "" {
		o.Stream = "stylegraph:events"
	}
	if o.DeadLetterStream == "" {
		o.DeadLetterStream = sameSlot(o.Stream) + ":dead"
	}
	if o.DedupWindow <= 0 {
		o.DedupWindow = 48 * time.Hour
	}
	if o.ClaimIdle <= 0 {
		o.ClaimIdle = time.Minute
	}
	if o.Retention == 0 {
		o.Retention = 7 * 24 * time.Hour
	}
	if o.WaitTimeout <= 0 {
		o.WaitTimeout = time.Second
	}
	if o.PruneIdle <= 0 {
		o.PruneIdle = 24 * time.Hour
	}
	return &Log{rdb: rdb, o: o, have: map[string]bool{}, pruned: map[string]time.Time{}}
}

// Stream is the stream key.
func (l *Log) Stream() string { return l.o.Stream }

// DeadLetterStream is the dead-letter stream key.
func (l *Log) DeadLetterStream() string { return l.o.DeadLetterStream }

// AppendUniqueArgs are the keys and leading arguments the append script
// takes for stream at now; each event's ID and JSON follow as argument
// pairs. The dedup markers live in one hash per window-wide time bucket
// (the script reads the current and the previous one), in the stream's
// cluster slot: the script touches the stream and the markers together.
// minID is the oldest stream ID to keep ("" keeps everything).
func AppendUniqueArgs(stream string, window time.Duration, minID string, now time.Time) (keys []string, args []any) {
	w := max(window.Milliseconds(), 1)
	b := now.UnixMilli() / w
	prefix := sameSlot(stream) + ":seen:"
	return []string{stream, prefix + strconv.FormatInt(b, 10), prefix + strconv.FormatInt(b-1, 10)},
		[]any{2 * w, minID}
}

// sameSlot returns a prefix for keys that must share key's Redis Cluster
// slot: key itself when it has a hash tag ("{…}"), else key as the tag
// ("{stylegraph:events}" hashes like "stylegraph:events"), so the stream
// keeps its name.
func sameSlot(key string) string {
	if i := strings.IndexByte(key, '{'); i >= 0 {
		if j := strings.IndexByte(key[i+1:], '}'); j > 0 {
			return key
		}
	}
	return "{" + key + "}"
}

// minID is the oldest stream ID to keep, or "" to keep everything.
func (l *Log) minID() string {
	if l.o.Retention < 0 {
		return ""
	}
	return strconv.FormatInt(time.Now().Add(-l.o.Retention).UnixMilli(), 10)
}

// appendUnique appends each event whose ID is not marked seen and marks it,
// in one atomic script. The append comes before the mark, so a failure
// half-way can at worst append without marking (a later retry appends a
// duplicate the idempotent consumers absorb), never mark without appending.
//
//go:embed append_unique.lua
var appendUniqueSrc string

var appendUnique = redis.NewScript(appendUniqueSrc)

// AppendUniqueScript is the Lua source AppendUnique runs, for the ingest
// benchmark's same-work baseline.
func AppendUniqueScript() string { return appendUniqueSrc }

// AppendUnique durably appends the events whose IDs were not appended within
// the dedup window and reports, per event, ingest.Accepted or
// ingest.Duplicate. Marking an ID seen and appending its event happen
// atomically.
//
// Concurrent calls are committed together (group commit): while
// commitsInFlight scripts are running, arriving calls queue, and the next
// script appends all of them, so a loaded server makes one round trip (and
// one replica WAIT) for many requests. Each call returns once the script
// that carried its events answered; when it fails, every call in the group
// gets the error and none is told its events were accepted. The script sees
// the group's events in arrival order, so an ID repeated across requests of
// one group is accepted once, like one repeated across groups.
func (l *Log) AppendUnique(ctx context.Context, events []stylegraph.Event) ([]ingest.Status, error) {
	if len(events) == 0 {
		return nil, nil
	}
	// Each caller encodes its own events, so encoding runs in parallel and
	// the committing goroutine only concatenates.
	c := &commit{ids: make([]string, len(events)), payloads: make([][]byte, len(events)), done: make(chan struct{})}
	buf := make([]byte, 0, len(events)*384)
	ends := make([]int, len(events))
	for i := range events {
		var err error
		if buf, err = appendEvent(buf, &events[i]); err != nil {
			return nil, err
		}
		c.ids[i], ends[i] = events[i].ID, len(buf)
	}
	from := 0
	for i, end := range ends {
		c.payloads[i] = buf[from:end:end]
		from = end
	}
	l.gmu.Lock()
	l.queue = append(l.queue, c)
	lead := l.inflight < commitsInFlight
	if lead {
		l.inflight++
	}
	l.gmu.Unlock()
	if lead {
		// The committer outlives this request if it must: others may be
		// waiting on the group it sends.
		go l.commitQueued(context.WithoutCancel(ctx))
	}
	select {
	case <-c.done:
		return c.statuses, c.err
	case <-ctx.Done():
		// The events may still be appended; the caller was told nothing, and
		// a retry with the same IDs reports them as duplicates.
		return nil, ingest.Unavailable("append events", ctx.Err())
	}
}

// commitsInFlight is how many append scripts run at once; calls arriving
// meanwhile wait and go together in the next. Two keep Redis busy while
// the next group is sent.
const commitsInFlight = 2

// maxGroupEvents bounds one script's events (a single larger call still goes
// alone): the script blocks Redis while it runs.
const maxGroupEvents = 2000

// commit is one AppendUnique call waiting for its group's script.
type commit struct {
	ids      []string
	payloads [][]byte
	statuses []ingest.Status
	err      error
	done     chan struct{}
}

// commitQueued sends queued calls in groups until the queue is empty.
func (l *Log) commitQueued(ctx context.Context) {
	for {
		l.gmu.Lock()
		n, events := 0, 0
		for n < len(l.queue) && (n == 0 || events+len(l.queue[n].ids) <= maxGroupEvents) {
			events += len(l.queue[n].ids)
			n++
		}
		group := slices.Clone(l.queue[:n])
		rest := copy(l.queue, l.queue[n:])
		clear(l.queue[rest:]) // answered calls' events are not kept alive by the queue
		l.queue = l.queue[:rest]
		if n == 0 {
			l.inflight--
		}
		l.gmu.Unlock()
		if n == 0 {
			return
		}
		l.commitGroup(ctx, group, events)
	}
}

// commitGroup runs the append script once for the group's events and
// answers each call.
func (l *Log) commitGroup(ctx context.Context, group []*commit, events int) {
	statuses, err := l.appendScript(ctx, group, events)
	if err == nil {
		err = l.wait(ctx)
	}
	at := 0
	for _, c := range group {
		if err != nil {
			c.err = err
		} else {
			c.statuses = statuses[at : at+len(c.ids) : at+len(c.ids)]
		}
		at += len(c.ids)
		close(c.done)
	}
}

func (l *Log) appendScript(ctx context.Context, group []*commit, events int) ([]ingest.Status, error) {
	keys, lead := AppendUniqueArgs(l.o.Stream, l.o.DedupWindow, l.minID(), time.Now())
	args := make([]any, 0, 2*events+len(lead))
	args = append(args, lead...)
	for _, c := range group {
		for i, id := range c.ids {
			args = append(args, id, c.payloads[i])
		}
	}
	res, err := appendUnique.Run(ctx, l.rdb, keys, args...).Slice()
	if err != nil {
		return nil, ingest.Unavailable("append events", err)
	}
	if len(res) != events {
		return nil, fmt.Errorf("append events: script answered %d results for %d events", len(res), events)
	}
	out := make([]ingest.Status, events)
	for i, r := range res {
		out[i] = ingest.Duplicate
		if s, ok := r.(string); ok && s != "" {
			out[i] = ingest.Accepted
		}
	}
	return out, nil
}

// Append durably appends events in order, without de-duplication (replay
// and tools use it; the API goes through AppendUnique).
func (l *Log) Append(ctx context.Context, events []stylegraph.Event) error {
	if len(events) == 0 {
		return nil
	}
	minID := l.minID()
	_, err := l.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		for _, e := range events {
			b, err := json.Marshal(e)
			if err != nil {
				return fmt.Errorf("encode event: %w", err)
			}
			p.XAdd(ctx, &redis.XAddArgs{Stream: l.o.Stream, Values: []any{"e", b}})
		}
		if minID != "" {
			p.XTrimMinIDApprox(ctx, l.o.Stream, minID, 0)
		}
		return nil
	})
	if err != nil {
		return ingest.Unavailable("append events", err)
	}
	return l.wait(ctx)
}

func (l *Log) wait(ctx context.Context) error {
	if l.o.WaitReplicas <= 0 {
		return nil
	}
	n, err := l.rdb.Do(ctx, "WAIT", l.o.WaitReplicas, l.o.WaitTimeout.Milliseconds()).Int64()
	if err != nil {
		return ingest.Unavailable("wait for replicas", err)
	}
	if n < int64(l.o.WaitReplicas) {
		return &stylegraph.Error{Code: stylegraph.EUNAVAILABLE, Message: fmt.Sprintf("activity stream: %d of %d replicas acknowledged", n, l.o.WaitReplicas)}
	}
	return nil
}

// ensureGroup creates the consumer group (and the stream) on first use. A
// new group starts at the beginning of the stream, so a consumer added later
// still sees every retained event.
func (l *Log) ensureGroup(ctx context.Context, group string) error {
	l.mu.Lock()
	ok := l.have[group]
	l.mu.Unlock()
	if ok {
		return nil
	}
	err := l.rdb.XGroupCreateMkStream(ctx, l.o.Stream, group, "0").Err()
	if err != nil && !strings.HasPrefix(err.Error(), "BUSYGROUP") {
		return ingest.Unavailable("create consumer group", err)
	}
	l.mu.Lock()
	l.have[group] = true
	l.mu.Unlock()
	return nil
}

func (l *Log) forgetGroup(group string) {
	l.mu.Lock()
	delete(l.have, group)
	l.mu.Unlock()
}

// Read reclaims messages other consumers of the group left pending longer
// than ClaimIdle, and when there are none reads new ones, blocking up to
// block.
func (l *Log) Read(ctx context.Context, group, consumer string, max int, block time.Duration) ([]ingest.Message, error) {
	if err := l.ensureGroup(ctx, group); err != nil {
		return nil, err
	}
	l.pruneConsumers(ctx, group)
	msgs, err := l.reclaim(ctx, group, consumer, max)
	if err != nil || len(msgs) > 0 {
		return msgs, err
	}
	if block <= 0 {
		block = -1 // go-redis: no BLOCK argument
	}
	streams, err := l.rdb.XReadGroup(ctx, &redis.XReadGroupArgs{
		Group: group, Consumer: consumer, Streams: []string{l.o.Stream, ">"}, Count: int64(max), Block: block,
	}).Result()
	switch {
	case errors.Is(err, redis.Nil):
		return nil, nil
	case err != nil && strings.HasPrefix(err.Error(), "NOGROUP"):
		l.forgetGroup(group) // the stream was deleted; recreate on the next read
		return nil, ingest.Unavailable("read events", err)
	case err != nil:
		return nil, ingest.Unavailable("read events", err)
	}
	var xs []redis.XMessage
	for _, s := range streams {
		xs = append(xs, s.Messages...)
	}
	return l.decode(ctx, group, xs, nil)
}

// reclaim takes over messages pending too long with other consumers.
func (l *Log) reclaim(ctx context.Context, group, consumer string, max int) ([]ingest.Message, error) {
	xs, _, deleted, err := l.rdb.XAutoClaimWithDeleted(ctx, &redis.XAutoClaimArgs{
		Stream: l.o.Stream, Group: group, Consumer: consumer, MinIdle: l.o.ClaimIdle, Start: "0-0", Count: int64(max),
	}).Result()
	if err != nil && !errors.Is(err, redis.Nil) {
		if strings.HasPrefix(err.Error(), "NOGROUP") {
			l.forgetGroup(group)
		}
		return nil, ingest.Unavailable("reclaim events", err)
	}
	if len(deleted) > 0 {
		// Trimmed away while pending: nothing left to deliver.
		if err := l.rdb.XAck(ctx, l.o.Stream, group, deleted...).Err(); err != nil {
			return nil, ingest.Unavailable("ack trimmed events", err)
		}
	}
	if len(xs) == 0 {
		return nil, nil
	}
	// XAUTOCLAIM does not report delivery counts; XPENDING over the claimed
	// range does (the claim already counted this delivery).
	pend, err := l.rdb.XPendingExt(ctx, &redis.XPendingExtArgs{
		Stream: l.o.Stream, Group: group, Start: xs[0].ID, End: xs[len(xs)-1].ID, Count: int64(len(xs)), Consumer: consumer,
	}).Result()
	if err != nil {
		return nil, ingest.Unavailable("read delivery counts", err)
	}
	counts := make(map[string]int, len(pend))
	for _, p := range pend {
		counts[p.ID] = int(p.RetryCount)
	}
	return l.decode(ctx, group, xs, counts)
}

// decode turns stream entries into messages. An entry that does not decode
// (written by something else) can never succeed, so it goes straight to the
// dead letters instead of to the handler.
func (l *Log) decode(ctx context.Context, group string, xs []redis.XMessage, deliveries map[string]int) ([]ingest.Message, error) {
	out := make([]ingest.Message, 0, len(xs))
	for _, x := range xs {
		m := ingest.Message{Handle: x.ID, Deliveries: 1}
		if deliveries != nil {
			// Reclaimed means delivered at least once before.
			m.Deliveries = max(deliveries[x.ID], 2)
		}
		raw, _ := x.Values["e"].(string)
		if err := json.Unmarshal([]byte(raw), &m.Event); err != nil {
			m.Raw = []byte(raw)
			if err := l.DeadLetter(ctx, group, m, fmt.Errorf("undecodable stream entry: %w", err)); err != nil {
				return nil, err
			}
			continue
		}
		out = append(out, m)
	}
	return out, nil
}

// Ack marks messages done for the group.
func (l *Log) Ack(ctx context.Context, group string, msgs []ingest.Message) error {
	if len(msgs) == 0 {
		return nil
	}
	ids := make([]string, len(msgs))
	for i, m := range msgs {
		ids[i] = m.Handle
	}
	if err := l.rdb.XAck(ctx, l.o.Stream, group, ids...).Err(); err != nil {
		return ingest.Unavailable("ack events", err)
	}
	return nil
}

// DeadLetter copies the message with the group and reason to the dead-letter
// stream and acknowledges it, atomically.
func (l *Log) DeadLetter(ctx context.Context, group string, msg ingest.Message, reason error) error {
	raw, err := ingest.DeadLetterText(msg)
	if err != nil {
		return err
	}
	why := "unknown"
	if reason != nil {
		why = reason.Error()
	}
	_, err = l.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.XAdd(ctx, &redis.XAddArgs{Stream: l.o.DeadLetterStream, Values: []any{
			"e", raw, "group", group, "error", why, "entry", msg.Handle,
			"deliveries", msg.Deliveries, "at", time.Now().UTC().Format(time.RFC3339Nano),
		}})
		p.XAck(ctx, l.o.Stream, group, msg.Handle)
		return nil
	})
	if err != nil {
		return ingest.Unavailable("dead-letter event", err)
	}
	return nil
}

// DeadLetter is one entry of the dead-letter stream.
type DeadLetter struct {
	ID         string `json:"id"`
	Group      string `json:"group"`
	Error      string `json:"error"`
	Entry      string `json:"entry"`
	Deliveries int    `json:"deliveries"`
	Event      string `json:"event"`
}

// DeadLetters lists up to max dead-lettered entries, oldest first.
func (l *Log) DeadLetters(ctx context.Context, max int) ([]DeadLetter, error) {
	xs, err := l.rdb.XRangeN(ctx, l.o.DeadLetterStream, "-", "+", int64(max)).Result()
	if err != nil {
		return nil, ingest.Unavailable("read dead letters", err)
	}
	out := make([]DeadLetter, len(xs))
	for i, x := range xs {
		d := DeadLetter{ID: x.ID}
		d.Group, _ = x.Values["group"].(string)
		d.Error, _ = x.Values["error"].(string)
		d.Entry, _ = x.Values["entry"].(string)
		d.Event, _ = x.Values["e"].(string)
		n, _ := x.Values["deliveries"].(string)
		d.Deliveries, _ = strconv.Atoi(n)
		out[i] = d
	}
	return out, nil
}

// Requeue puts dead-lettered entries back on the stream as new entries (for
// every group to see again) and removes them from the dead letters, one
// atomic step per entry. It returns how many it moved; unknown IDs are
// skipped.
func (l *Log) Requeue(ctx context.Context, ids ...string) (int, error) {
	moved := 0
	for _, id := range ids {
		xs, err := l.rdb.XRangeN(ctx, l.o.DeadLetterStream, id, id, 1).Result()
		if err != nil {
			return moved, ingest.Unavailable("read dead letter", err)
		}
		if len(xs) == 0 {
			continue
		}
		raw, _ := xs[0].Values["e"].(string)
		_, err = l.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
			p.XAdd(ctx, &redis.XAddArgs{Stream: l.o.Stream, Values: []any{"e", raw}})
			p.XDel(ctx, l.o.DeadLetterStream, id)
			return nil
		})
		if err != nil {
			return moved, ingest.Unavailable("requeue dead letter", err)
		}
		moved++
	}
	return moved, nil
}

// pruneConsumers removes consumers of the group that hold nothing and have
// been idle longer than PruneIdle, at most every 10 minutes: every worker
// restart adds a consumer name, and without pruning they pile up in XINFO
// CONSUMERS.
func (l *Log) pruneConsumers(ctx context.Context, group string) {
	l.mu.Lock()
	due := time.Since(l.pruned[group]) > 10*time.Minute
	if due {
		l.pruned[group] = time.Now()
	}
	l.mu.Unlock()
	if !due {
		return
	}
	cs, err := l.rdb.XInfoConsumers(ctx, l.o.Stream, group).Result()
	if err != nil {
		return // best effort; the next round tries again
	}
	for _, c := range cs {
		if c.Pending == 0 && c.Idle > l.o.PruneIdle {
			_ = l.rdb.XGroupDelConsumer(ctx, l.o.Stream, group, c.Name).Err()
		}
	}
}

// Lag is how many messages the group has not acknowledged: those not yet
// delivered plus those delivered and pending. It is computed from the
// stream itself: nothing is undelivered when the group's last delivered ID
// is the stream's last generated one, and otherwise the entries after it are
// counted (up to lagCountCap; past it Redis' own counter, which a restart
// can leave stale, is the estimate). A group that does not exist yet will
// start at the beginning, so its lag is the stream's length.
func (l *Log) Lag(ctx context.Context, group string) (int64, error) {
	groups, err := l.rdb.XInfoGroups(ctx, l.o.Stream).Result()
	if err != nil {
		if strings.Contains(err.Error(), "no such key") {
			return 0, nil
		}
		return 0, ingest.Unavailable("read consumer groups", err)
	}
	for _, g := range groups {
		if g.Name != group {
			continue
		}
		info, err := l.rdb.XInfoStream(ctx, l.o.Stream).Result()
		if err != nil {
			return 0, ingest.Unavailable("read stream", err)
		}
		if g.LastDeliveredID == info.LastGeneratedID {
			return g.Pending, nil
		}
		after, err := l.rdb.XRangeN(ctx, l.o.Stream, "("+g.LastDeliveredID, "+", lagCountCap+1).Result()
		if err != nil {
			return 0, ingest.Unavailable("count undelivered events", err)
		}
		undelivered := int64(len(after))
		if undelivered > lagCountCap {
			undelivered = max(undelivered, g.Lag)
		}
		return undelivered + g.Pending, nil
	}
	n, err := l.rdb.XLen(ctx, l.o.Stream).Result()
	if err != nil {
		return 0, ingest.Unavailable("read stream length", err)
	}
	return n, nil
}

// lagCountCap bounds how many undelivered entries Lag counts one by one.
const lagCountCap = 10_000
