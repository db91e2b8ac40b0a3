package feeds

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/stylegraph/stylegraph"
)

// hub multiplexes one Redis pub/sub connection per process over every live
// stream the process serves. Fan-out publishes to a channel per user, so an
// item reaches the user's streams on whichever replica holds them.
type hub struct {
	r      redis.UniversalClient
	prefix string
	log    *slog.Logger

	mu   sync.Mutex
	ps   *redis.PubSub
	subs map[int64]map[*subscriber]struct{}
}

// subscriber is one live stream's inbox. It is closed when the stream falls
// too far behind; the client reconnects with Last-Event-ID and catches up.
type subscriber struct {
	ch     chan liveMessage
	closed bool
}

// inboxSize bounds how far a slow stream may fall behind.
const inboxSize = 256

func newHub(r redis.UniversalClient, prefix string, log *slog.Logger) *hub {
	return &hub{r: r, prefix: prefix, log: log, subs: map[int64]map[*subscriber]struct{}{}}
}

func (h *hub) channel(uid int64) string { return h.prefix + itoa(uid) }

func (h *hub) subscribe(ctx context.Context, uid int64) (*subscriber, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.ps == nil {
		h.ps = h.r.Subscribe(context.Background())
		go h.loop(h.ps.Channel(redis.WithChannelSize(1024)))
	}
	sub := &subscriber{ch: make(chan liveMessage, inboxSize)}
	if len(h.subs[uid]) == 0 {
		if err := h.ps.Subscribe(ctx, h.channel(uid)); err != nil {
			return nil, fmt.Errorf("subscribe live feed: %w", err)
		}
		h.subs[uid] = map[*subscriber]struct{}{}
	}
	h.subs[uid][sub] = struct{}{}
	return sub, nil
}

func (h *hub) unsubscribe(uid int64, sub *subscriber) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if _, ok := h.subs[uid][sub]; !ok {
		return
	}
	delete(h.subs[uid], sub)
	if !sub.closed {
		sub.closed = true
		close(sub.ch)
	}
	if len(h.subs[uid]) == 0 {
		delete(h.subs, uid)
		if h.ps == nil {
			return // the hub was closed first
		}
		if err := h.ps.Unsubscribe(context.Background(), h.channel(uid)); err != nil {
			h.log.Warn("unsubscribe live feed", "err", err.Error())
		}
	}
}

func (h *hub) loop(ch <-chan *redis.Message) {
	for m := range ch {
		uid, err := strconv.ParseInt(strings.TrimPrefix(m.Channel, h.prefix), 10, 64)
		if err != nil {
			continue
		}
		var msg liveMessage
		if err := json.Unmarshal([]byte(m.Payload), &msg); err != nil {
			h.log.Warn("undecodable live feed message", "err", err.Error())
			continue
		}
		h.mu.Lock()
		for sub := range h.subs[uid] {
			if sub.closed {
				continue
			}
			select {
			case sub.ch <- msg:
			default: // too far behind: end the stream, the client resumes
				sub.closed = true
				close(sub.ch)
			}
		}
		h.mu.Unlock()
	}
}

func (h *hub) close() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.ps == nil {
		return nil
	}
	err := h.ps.Close()
	h.ps = nil
	return err
}

// Stream serves uid's live feed: after open succeeds it sends the items
// newer than lastEventID (a feed ID; "" for none) oldest first, then every
// item fanned out to uid while connected, with a ping every heartbeat. It
// returns when ctx ends or the stream falls too far behind (the client then
// reconnects with Last-Event-ID). Errors before open are the caller's to
// report; open is not called then.
func (s *LiveService) Stream(ctx context.Context, uid int64, lastEventID string, open func() error, send func(id int64, data []byte) error, ping func() error) error {
	last, err := parseLastEventID(lastEventID)
	if err != nil {
		return err
	}
	if err := s.touch(ctx, uid); err != nil {
		return err
	}
	lease, err := s.caps.acquire(ctx, uid)
	if err != nil {
		return err
	}
	defer s.caps.release(uid, lease)
	sub, err := s.hub.subscribe(ctx, uid)
	if err != nil {
		return err
	}
	defer s.hub.unsubscribe(uid, sub)
	var backlog []stylegraph.Feed
	if last > 0 {
		if backlog, err = s.since(ctx, uid, last); err != nil {
			return err
		}
	}
	if err := open(); err != nil {
		return err
	}
	out := &emitter{send: send, sent: map[int64]bool{}}
	for _, f := range backlog {
		if err := out.emit(f); err != nil {
			return err
		}
	}
	return s.relay(ctx, uid, sub, out, ping)
}

// parseLastEventID reads a stream's Last-Event-ID: a feed ID, 0 for none.
func parseLastEventID(id string) (int64, error) {
	if id == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil || n < 0 || n > maxID {
		return 0, stylegraph.Invalid("Last-Event-ID", "must be the id of an event this stream sent")
	}
	return n, nil
}

// emitter sends a stream's items, each once: the backlog and the live
// items may overlap.
type emitter struct {
	send func(id int64, data []byte) error
	sent map[int64]bool
}

func (e *emitter) emit(f stylegraph.Feed) error {
	if e.sent[f.ID] {
		return nil
	}
	e.sent[f.ID] = true
	b, err := json.Marshal(f)
	if err != nil {
		return fmt.Errorf("encode feed item %d: %w", f.ID, err)
	}
	return e.send(f.ID, b)
}

// relay sends what the subscription receives, with a ping (and a renewal of
// uid's presence) every heartbeat, until ctx ends or the inbox is closed.
func (s *LiveService) relay(ctx context.Context, uid int64, sub *subscriber, out *emitter, ping func() error) error {
	tick := time.NewTicker(s.cfg.Heartbeat)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case msg, ok := <-sub.ch:
			if !ok {
				return nil
			}
			if err := out.emit(msg.Feed); err != nil {
				return err
			}
		case <-tick.C:
			if err := ping(); err != nil {
				return err
			}
			if err := s.touch(ctx, uid); err != nil {
				return err
			}
		}
	}
}

// touch marks uid online for three heartbeats, so fan-out publishes to them.
func (s *LiveService) touch(ctx context.Context, uid int64) error {
	now := s.now()
	pipe := s.r.Pipeline()
	pipe.ZAdd(ctx, s.onlineKey(), redis.Z{Score: float64(now.Add(3 * s.cfg.Heartbeat).UnixMilli()), Member: itoa(uid)})
	pipe.ZRemRangeByScore(ctx, s.onlineKey(), "-inf", strconv.FormatInt(now.UnixMilli(), 10))
	if _, err := pipe.Exec(ctx); err != nil {
		return fmt.Errorf("mark user %d online: %w", uid, err)
	}
	return nil
}

// since returns uid's feed items newer than the feed ID last, oldest first,
// at most MaxLimit of the newest.
func (s *LiveService) since(ctx context.Context, uid, last int64) ([]stylegraph.Feed, error) {
	c, err := s.timeline.candidates(ctx, uid)
	if err != nil {
		return nil, err
	}
	refs := c.sorted(func(id int64) bool { return id > last })
	refs = slices.DeleteFunc(refs, func(r stylegraph.FeedRef) bool { return r.Reason == stylegraph.ReasonTrending })
	items, _, err := s.timeline.hydrate(ctx, uid, refs, MaxLimit)
	if err != nil {
		return nil, err
	}
	out := make([]stylegraph.Feed, len(items))
	for i, it := range items {
		if out[len(items)-1-i], err = it.decode(); err != nil {
			return nil, err
		}
	}
	return out, nil
}
