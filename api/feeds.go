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

// Feeds is what the feed endpoints need (feeds.Service).
type Feeds interface {
	CreatePost(ctx context.Context, author int64, d stylegraph.PostDraft) (stylegraph.Feed, error)
	Post(ctx context.Context, viewer, postID int64) (stylegraph.Feed, error)
	DeletePost(ctx context.Context, p stylegraph.Principal, postID int64) error
	EditPost(ctx context.Context, p stylegraph.Principal, postID int64, e stylegraph.PostEdit) (stylegraph.Feed, error)
	Like(ctx context.Context, uid, postID int64) (stylegraph.Feed, error)
	Unlike(ctx context.Context, uid, postID int64) (stylegraph.Feed, error)
	AddComment(ctx context.Context, uid, postID int64, text string) (stylegraph.Comment, error)
	Comments(ctx context.Context, postID int64, cursor string, limit int) (stylegraph.CommentPage, error)
	DeleteComment(ctx context.Context, p stylegraph.Principal, postID, commentID int64) error
	Follow(ctx context.Context, uid int64, kind string, id int64) error
	Unfollow(ctx context.Context, uid int64, kind string, id int64) error
	Followers(ctx context.Context, uid int64, cursor string, limit int) (stylegraph.UserPage, error)
	Following(ctx context.Context, uid int64, cursor string, limit int) (stylegraph.UserPage, error)
	FollowingBrands(ctx context.Context, uid int64, cursor string, limit int) (stylegraph.BrandPage, error)
	// ReadJSON answers GET /v1/feed already encoded: {"items": [Feed], "nextCursor"}.
	ReadJSON(ctx context.Context, uid int64, cursor string, limit int) ([]byte, error)
	Profile(ctx context.Context, viewer, id int64) (stylegraph.Profile, error)
	UserPosts(ctx context.Context, viewer, author int64, cursor string, limit int) (stylegraph.FeedPage, error)
	WhoToFollow(ctx context.Context, uid int64, limit int) ([]stylegraph.FollowSuggestion, error)
	Stream(ctx context.Context, uid int64, lastEventID string, open func() error, send func(id int64, data []byte) error, ping func() error) error
}

// register adds the feed endpoints. Every one acts as the caller, so
// only principals that are users may call them.
func (h feedHandlers) register(r router) {
	g := r.v1.Group("", asUser)
	g.POST("/posts", detach, r.idempotent, h.createPost)
	g.GET("/posts/:id", h.post)
	g.DELETE("/posts/:id", h.deletePost)
	g.PATCH("/posts/:id", h.editPost)
	g.PUT("/posts/:id/like", h.like)
	g.DELETE("/posts/:id/like", h.unlike)
	g.POST("/posts/:id/comments", detach, r.idempotent, h.addComment)
	g.GET("/posts/:id/comments", h.comments)
	g.DELETE("/posts/:id/comments/:commentId", h.deleteComment)
	g.PUT("/me/following/:kind/:id", h.follow)
	g.DELETE("/me/following/:kind/:id", h.unfollow)
	g.GET("/users/:id/followers", h.followers)
	g.GET("/users/:id/following", h.following)
	g.GET("/users/:id", h.profile)
	g.GET("/users/:id/posts", h.userPosts)
	g.GET("/me/suggestions/users", h.whoToFollow)
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
	f     Feeds
	drain <-chan struct{} // closed at shutdown: streams end with a reconnect hint
}

func (h feedHandlers) createPost(c *gin.Context) {
	var d stylegraph.PostDraft
	if err := decodeStrict(c.Request.Body, &d); err != nil {
		writeError(c, err)
		return
	}
	f, err := h.f.CreatePost(c.Request.Context(), principal(c).UserID, d)
	if err != nil {
		writeError(c, err)
		return
	}
	c.JSON(http.StatusCreated, f)
}

func (h feedHandlers) post(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		writeError(c, err)
		return
	}
	f, err := h.f.Post(c.Request.Context(), principal(c).UserID, id)
	if err != nil {
		writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, f)
}

func (h feedHandlers) deletePost(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		writeError(c, err)
		return
	}
	if err := h.f.DeletePost(c.Request.Context(), principal(c), id); err != nil {
		writeError(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

func (h feedHandlers) editPost(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		writeError(c, err)
		return
	}
	var e stylegraph.PostEdit
	if err := decodeStrict(c.Request.Body, &e); err != nil {
		writeError(c, err)
		return
	}
	f, err := h.f.EditPost(c.Request.Context(), principal(c), id, e)
	if err != nil {
		writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, f)
}

func (h feedHandlers) like(c *gin.Context)   { h.likeOp(c, h.f.Like) }
func (h feedHandlers) unlike(c *gin.Context) { h.likeOp(c, h.f.Unlike) }

func (h feedHandlers) likeOp(c *gin.Context, op func(context.Context, int64, int64) (stylegraph.Feed, error)) {
	id, err := pathID(c, "id")
	if err != nil {
		writeError(c, err)
		return
	}
	f, err := op(c.Request.Context(), principal(c).UserID, id)
	if err != nil {
		writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, f)
}

func (h feedHandlers) addComment(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		writeError(c, err)
		return
	}
	var body struct {
		Text string `json:"text"`
	}
	if err := decodeStrict(c.Request.Body, &body); err != nil {
		writeError(c, err)
		return
	}
	cm, err := h.f.AddComment(c.Request.Context(), principal(c).UserID, id, body.Text)
	if err != nil {
		writeError(c, err)
		return
	}
	c.JSON(http.StatusCreated, cm)
}

func (h feedHandlers) deleteComment(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		writeError(c, err)
		return
	}
	cid, err := pathID(c, "commentId")
	if err != nil {
		writeError(c, err)
		return
	}
	if err := h.f.DeleteComment(c.Request.Context(), principal(c), id, cid); err != nil {
		writeError(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

func (h feedHandlers) comments(c *gin.Context) {
	h.page(c, func(ctx context.Context, id int64, cursor string, limit int) (any, error) {
		return h.f.Comments(ctx, id, cursor, limit)
	})
}

// page answers a cursor-paged list about the resource in the path: the ID,
// then the limit, are validated before fetch runs.
func (h feedHandlers) page(c *gin.Context, fetch func(ctx context.Context, id int64, cursor string, limit int) (any, error)) {
	id, err := pathID(c, "id")
	if err != nil {
		writeError(c, err)
		return
	}
	limit, err := queryLimit(c, 0, 0)
	if err != nil {
		writeError(c, err)
		return
	}
	page, err := fetch(c.Request.Context(), id, c.Query("cursor"), limit)
	if err != nil {
		writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, page)
}

func (h feedHandlers) follow(c *gin.Context)   { h.followOp(c, h.f.Follow) }
func (h feedHandlers) unfollow(c *gin.Context) { h.followOp(c, h.f.Unfollow) }

func (h feedHandlers) followOp(c *gin.Context, op func(context.Context, int64, string, int64) error) {
	id, err := pathID(c, "id")
	if err != nil {
		writeError(c, err)
		return
	}
	if err := op(c.Request.Context(), principal(c).UserID, c.Param("kind"), id); err != nil {
		writeError(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

func (h feedHandlers) followers(c *gin.Context) {
	h.page(c, func(ctx context.Context, id int64, cursor string, limit int) (any, error) {
		return h.f.Followers(ctx, id, cursor, limit)
	})
}

func (h feedHandlers) following(c *gin.Context) {
	kind := c.DefaultQuery("kind", "users")
	h.page(c, func(ctx context.Context, id int64, cursor string, limit int) (any, error) {
		switch kind {
		case "users":
			return h.f.Following(ctx, id, cursor, limit)
		case "brands":
			return h.f.FollowingBrands(ctx, id, cursor, limit)
		}
		return nil, stylegraph.Invalid("kind", "must be users or brands")
	})
}

func (h feedHandlers) profile(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		writeError(c, err)
		return
	}
	p, err := h.f.Profile(c.Request.Context(), principal(c).UserID, id)
	if err != nil {
		writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, p)
}

func (h feedHandlers) whoToFollow(c *gin.Context) {
	limit, err := queryLimit(c, 0, 0)
	if err != nil {
		writeError(c, err)
		return
	}
	out, err := h.f.WhoToFollow(c.Request.Context(), principal(c).UserID, limit)
	if err != nil {
		writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"items": out})
}

func (h feedHandlers) userPosts(c *gin.Context) {
	viewer := principal(c).UserID
	h.page(c, func(ctx context.Context, id int64, cursor string, limit int) (any, error) {
		return h.f.UserPosts(ctx, viewer, id, cursor, limit)
	})
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
