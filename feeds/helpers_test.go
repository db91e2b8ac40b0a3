package feeds_test

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/feeds"
	"github.com/stylegraph/stylegraph/graph"
	"github.com/stylegraph/stylegraph/internal/testenv"
)

// recorder is the activity log of a test: it keeps the events mutations
// append so the test can hand them to the feed consumer.
type recorder struct {
	mu     sync.Mutex
	events []stylegraph.Event
}

func (r *recorder) Append(_ context.Context, es []stylegraph.Event) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, es...)
	return nil
}

func (r *recorder) take() []stylegraph.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	es := r.events
	r.events = nil
	return es
}

// env is one test's feed on the real services.
type env struct {
	t      *testing.T
	ctx    context.Context
	g      *graph.Stores
	r      redis.UniversalClient
	svc    *feeds.Service
	log    *recorder
	base   int64
	prefix string
	cfg    feeds.Config
	users  int64
}

func newEnv(t *testing.T, cfg feeds.Config) *env {
	t.Helper()
	e := &env{t: t, ctx: context.Background(), g: testenv.Graph(t), r: testenv.Redis(t), log: &recorder{}, base: testenv.IDBase(t)}
	e.prefix = testenv.Namespace(t)
	cfg.Prefix = e.prefix
	e.cfg = cfg
	e.svc = e.service()
	t.Cleanup(func() {
		dropKeys(e.r, e.prefix)
		if e.users > 0 {
			_ = e.g.Seed.PurgeUsers(context.Background(), e.base, e.base+e.users+1)
		}
	})
	return e
}

// service returns another replica of the feed sharing the test's keys.
func (e *env) service() *feeds.Service {
	e.t.Helper()
	ids, err := feeds.NewIDs(testenv.FeedNode(e.t))
	if err != nil {
		e.t.Fatal(err)
	}
	s := feeds.New(testenv.FeedGraph(e.g), e.r, e.log, ids, e.cfg, nil)
	e.t.Cleanup(func() { _ = s.Close() })
	return s
}

func dropKeys(r redis.UniversalClient, prefix string) { testenv.DropKeys(r, prefix) }

// user returns the ID of the test's i-th user (created by makeUsers).
func (e *env) user(i int) int64 { return e.base + int64(i) }

// makeUsers creates users 1..n.
func (e *env) makeUsers(n int) {
	e.t.Helper()
	us := make([]stylegraph.User, n)
	for i := range us {
		id := e.user(i + 1)
		us[i] = stylegraph.User{ID: id, Name: fmt.Sprintf("User %d", i+1), ImageURL: fmt.Sprintf("https://img.example/u/%d.jpg", i+1), Home: "Seoul"}
	}
	if int64(n) > e.users {
		e.users = int64(n)
	}
	if err := e.g.Catalog.UpsertUsers(e.ctx, us); err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) follow(from, to int64) {
	e.t.Helper()
	if err := e.svc.Follow(e.ctx, from, feeds.KindUsers, to); err != nil {
		e.t.Fatalf("follow %d -> %d: %v", from, to, err)
	}
}

// post creates a post by author through the service.
func (e *env) post(author int64, title string, tags []string, products ...int64) stylegraph.Feed {
	e.t.Helper()
	f, err := e.svc.CreatePost(e.ctx, author, stylegraph.PostDraft{
		Title: title, Text: "text of " + title, Tags: tags, ProductIDs: products,
		Images: []stylegraph.Image{{ImageURL: "https://img.example/p.jpg", Caption: "look"}},
	})
	if err != nil {
		e.t.Fatalf("create post %q: %v", title, err)
	}
	return f
}

// consume hands every recorded event to the feed consumer.
func (e *env) consume() {
	e.t.Helper()
	if err := e.svc.Handle(e.ctx, e.log.take()); err != nil {
		e.t.Fatalf("feed consumer: %v", err)
	}
}

// read returns the whole feed of uid, page by page.
func (e *env) readAll(uid int64, limit int) []stylegraph.Feed {
	e.t.Helper()
	var all []stylegraph.Feed
	cursor := ""
	for range 200 {
		page, err := e.svc.Read(e.ctx, uid, cursor, limit)
		if err != nil {
			e.t.Fatalf("read feed of %d: %v", uid, err)
		}
		all = append(all, page.Items...)
		if page.NextCursor == nil {
			return all
		}
		cursor = *page.NextCursor
	}
	e.t.Fatal("feed did not end after 200 pages")
	return nil
}

// listed returns the feed IDs and reasons in uid's cached list.
func (e *env) listed(uid int64) map[int64]string {
	e.t.Helper()
	vals, err := e.r.LRange(e.ctx, e.svc.TimelineKey(uid), 0, -1).Result()
	if err != nil {
		e.t.Fatal(err)
	}
	out := map[int64]string{}
	for _, v := range vals {
		parts := strings.Split(v, "|")
		id, err := strconv.ParseInt(parts[0], 10, 64)
		if err != nil || len(parts) != 4 {
			e.t.Fatalf("bad entry %q", v)
		}
		out[id] = parts[1]
	}
	return out
}

func ids(fs []stylegraph.Feed) []int64 {
	out := make([]int64, len(fs))
	for i, f := range fs {
		out[i] = f.ID
	}
	return out
}

func waitFor(t *testing.T, what string, d time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
