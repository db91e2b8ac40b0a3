package api

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/stylegraph/stylegraph"
)

// Timeline is what reading the feed needs (feeds.TimelineService and
// feeds.LiveService, or the feed with recommendations mixed in).
type Timeline interface {
	// ReadJSON answers GET /v1/feed already encoded: {"items": [Feed], "nextCursor"}.
	ReadJSON(ctx context.Context, uid int64, cursor string, limit int) ([]byte, error)
	Stream(ctx context.Context, uid int64, lastEventID string, open func() error, send func(id int64, data []byte) error, ping func() error) error
}

// Feeds is the whole social feed (feeds.Service), as Options takes it; each
// handler keeps only the small interface it uses.
type Feeds interface {
	Posts
	Likes
	Comments
	Follows
	Profiles
	Timeline
}

// register adds the feed read and its live stream. Like every social
// endpoint, they act as the caller, so only principals that are users may
// call them.
func (h feedHandlers) register(r router) {
	g := r.v1.Group("", asUser)
	g.GET("/feed", h.feed)
	r.spendWith("/v1/feed", onFeedRead)
	g.GET("/feed/stream", h.stream)
}

// asUser admits principals that act as a user: shoppers, merchandisers and
// admins with a user ID. Service keys have no user to act as.
func asUser(c *gin.Context) {
	p := principal(c)
	if p.UserID <= 0 || !p.Is(stylegraph.RoleShopper, stylegraph.RoleMerchandiser, stylegraph.RoleAdmin) {
		writeError(c, stylegraph.Errorf(stylegraph.EFORBIDDEN, "this endpoint acts as a user; call it with a user's token"))
		return
	}
	c.Next()
}

type feedHandlers struct {
	f     Timeline
	drain <-chan struct{} // closed at shutdown: streams end with a reconnect hint
}

func (h feedHandlers) feed(c *gin.Context) {
	limit, err := queryLimit(c, 0, 0)
	if err != nil {
		writeError(c, err)
		return
	}
	body, err := h.f.ReadJSON(c.Request.Context(), principal(c).UserID, c.Query("cursor"), limit)
	if err != nil {
		writeError(c, err)
		return
	}
	// With its length known the page goes out in one piece, not chunked.
	c.Header("Content-Length", strconv.Itoa(len(body)))
	c.Data(http.StatusOK, "application/json; charset=utf-8", body)
}

// sse writes Server-Sent Events to a response, flushing after each.
type sse struct {
	w  gin.ResponseWriter
	rc *http.ResponseController
}

// open sends the headers and the client's reconnect delay.
func (e sse) open() error {
	// The server's write timeout would cut a long-lived stream.
	if err := e.rc.SetWriteDeadline(time.Time{}); err != nil {
		return fmt.Errorf("clear write deadline: %w", err)
	}
	hd := e.w.Header()
	hd.Set("Content-Type", "text/event-stream")
	hd.Set("Cache-Control", "no-cache")
	hd.Set("X-Accel-Buffering", "no")
	e.w.WriteHeader(http.StatusOK)
	return e.write("retry: 2000\n\n")
}

// send writes one feed item, its feed ID as the event ID.
func (e sse) send(id int64, data []byte) error {
	return e.write(fmt.Sprintf("id: %d\nevent: feed\ndata: %s\n\n", id, data))
}

// ping writes a comment line as heartbeat.
func (e sse) ping() error { return e.write(": ping\n\n") }

func (e sse) write(s string) error {
	if _, err := io.WriteString(e.w, s); err != nil {
		return err
	}
	return e.rc.Flush()
}

// stream serves Server-Sent Events: one "feed" event per item with its feed
// ID as the event ID, and a comment line as heartbeat.
func (h feedHandlers) stream(c *gin.Context) {
	ev := sse{w: c.Writer, rc: http.NewResponseController(c.Writer)}
	last := c.GetHeader("Last-Event-ID")
	if last == "" {
		last = c.Query("lastEventId") // EventSource cannot set headers on the first connect
	}
	ctx, cancel := context.WithCancel(c.Request.Context())
	defer cancel()
	var drained atomic.Bool
	go func() {
		select {
		case <-h.drain:
			drained.Store(true)
			cancel()
		case <-ctx.Done():
		}
	}()
	opened := false
	err := h.f.Stream(ctx, principal(c).UserID, last, func() error { opened = true; return ev.open() }, ev.send, ev.ping)
	cancel()
	switch {
	case err != nil && !opened:
		if stylegraph.ErrorCode(err) == stylegraph.ERATELIMITED {
			c.Header("Retry-After", "5") // a stream cap: a slot frees when a stream closes
		}
		writeError(c, err)
	case opened && drained.Load():
		// This replica is going away: tell the client to reconnect soon (to
		// another replica), spread over a second so they do not all come at once.
		_ = ev.write(fmt.Sprintf("retry: %d\nevent: shutdown\ndata: {\"reconnect\":true}\n\n", 250+rand.IntN(750)))
	}
}
