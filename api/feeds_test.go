package api

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/auth"
	"github.com/stylegraph/stylegraph/feeds"
	"github.com/stylegraph/stylegraph/ingest"
	"github.com/stylegraph/stylegraph/internal/testenv"
)

// inline applies appended events to a feed consumer at once.
type inline struct{ h ingest.Handler }

func (a *inline) Append(ctx context.Context, es []stylegraph.Event) error { return a.h.Handle(ctx, es) }

// feedReplicas starts n API replicas sharing one feed (graph, Redis keys).
func feedReplicas(t *testing.T, n int) (urls []string, base int64) {
	t.Helper()
	g, r := testenv.Graph(t), testenv.Redis(t)
	base = testenv.IDBase(t)
	prefix := testenv.Namespace(t)
	t.Cleanup(func() {
		ctx := context.Background()
		iter := r.Scan(ctx, 0, prefix+"*", 1000).Iterator()
		for iter.Next(ctx) {
			r.Del(ctx, iter.Val())
		}
		_ = g.Seed.PurgeUsers(ctx, base, base+10)
	})
	users := []stylegraph.User{}
	for i := 1; i <= 5; i++ {
		users = append(users, stylegraph.User{ID: base + int64(i), Name: fmt.Sprintf("User %d", i)})
	}
	if err := g.Catalog.UpsertUsers(context.Background(), users); err != nil {
		t.Fatal(err)
	}
	for range n {
		ids, _ := feeds.NewIDs(testenv.FeedNode(t))
		act := &inline{}
		svc := feeds.New(testenv.FeedGraph(g), r, act, ids, feeds.Config{Prefix: prefix, Heartbeat: 100 * time.Millisecond}, nil)
		act.h = svc
		t.Cleanup(func() { _ = svc.Close() })
		s := New(Options{Auth: auth.New(secret, map[string]string{"svc-key-0123456": "orders"}), Feeds: svc})
		ts := httptest.NewServer(s.Handler())
		t.Cleanup(ts.Close)
		urls = append(urls, ts.URL)
	}
	return urls, base
}

func call(t *testing.T, method, url, tok, body string, out any) int {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	if tok != "" {
		if strings.HasPrefix(tok, "key:") {
			req.Header.Set("X-API-Key", strings.TrimPrefix(tok, "key:"))
		} else {
			req.Header.Set("Authorization", tok)
		}
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("%s %s: %d %s", method, url, resp.StatusCode, b)
		}
	}
	return resp.StatusCode
}

type sseEvent struct {
	ID, Event, Data string
}

// openStream connects to the live feed and returns its events and pings.
func openStream(t *testing.T, url, tok, lastEventID string) (<-chan sseEvent, <-chan struct{}) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url+"/v1/feed/stream", nil)
	req.Header.Set("Authorization", tok)
	if lastEventID != "" {
		req.Header.Set("Last-Event-ID", lastEventID)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/event-stream" {
		cancel()
		t.Fatalf("stream: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	events := make(chan sseEvent, 100)
	pings := make(chan struct{}, 100)
	ready := make(chan struct{})
	go func() {
		defer resp.Body.Close()
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		var ev sseEvent
		for sc.Scan() {
			line := sc.Text()
			switch {
			case strings.HasPrefix(line, "retry:"):
				close(ready)
			case line == ": ping":
				select {
				case pings <- struct{}{}:
				default:
				}
			case strings.HasPrefix(line, "id: "):
				ev.ID = strings.TrimPrefix(line, "id: ")
			case strings.HasPrefix(line, "event: "):
				ev.Event = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "data: "):
				ev.Data = strings.TrimPrefix(line, "data: ")
			case line == "" && ev.ID != "":
				events <- ev
				ev = sseEvent{}
			}
		}
	}()
	t.Cleanup(cancel)
	select {
	case <-ready:
	case <-time.After(5 * time.Second):
		t.Fatal("stream did not open")
	}
	return events, pings
}

func nextEvent(t *testing.T, ch <-chan sseEvent) (sseEvent, stylegraph.Feed) {
	t.Helper()
	select {
	case ev := <-ch:
		var f stylegraph.Feed
		if err := json.Unmarshal([]byte(ev.Data), &f); err != nil {
			t.Fatalf("event data is not a Feed: %q", ev.Data)
		}
		return ev, f
	case <-time.After(5 * time.Second):
		t.Fatal("no live event within 5s")
	}
	return sseEvent{}, stylegraph.Feed{}
}

func TestLiveFeedAcrossReplicasWithHeartbeatAndResume(t *testing.T) {
	urls, base := feedReplicas(t, 2)
	u := func(i int) int64 { return base + int64(i) }
	tok := func(i int) string { return token(t, u(i), stylegraph.RoleShopper) }
	if code := call(t, "PUT", fmt.Sprintf("%s/v1/me/following/users/%d", urls[0], u(1)), tok(2), "", nil); code != 204 {
		t.Fatalf("follow = %d", code)
	}
	events, pings := openStream(t, urls[0], tok(2), "")
	strangers, _ := openStream(t, urls[0], tok(3), "")

	// Posted on the other replica; delivered through Redis pub/sub.
	var p1 stylegraph.Feed
	if code := call(t, "POST", urls[1]+"/v1/posts", tok(1), `{"title":"live one","tags":["live"]}`, &p1); code != 201 {
		t.Fatalf("create post = %d", code)
	}
	ev, got := nextEvent(t, events)
	if ev.Event != "feed" || ev.ID != fmt.Sprint(p1.ID) || got.ID != p1.ID || got.Reason != stylegraph.ReasonFollowing || got.Post.Title != "live one" {
		t.Fatalf("live event %+v / %+v", ev, got)
	}
	select {
	case <-pings:
	case <-time.After(2 * time.Second):
		t.Fatal("no heartbeat within 2s at a 100ms interval")
	}
	select {
	case ev := <-strangers:
		t.Fatalf("a user who follows nobody got someone's live item %+v", ev)
	default:
	}

	// Two more posts while disconnected; resuming from the first gets both, in order.
	var p2, p3 stylegraph.Feed
	call(t, "POST", urls[1]+"/v1/posts", tok(1), `{"title":"two"}`, &p2)
	call(t, "POST", urls[1]+"/v1/posts", tok(1), `{"title":"three"}`, &p3)
	resumed, _ := openStream(t, urls[1], tok(2), fmt.Sprint(p1.ID))
	_, r2 := nextEvent(t, resumed)
	_, r3 := nextEvent(t, resumed)
	if diff := cmp.Diff([]int64{p2.ID, p3.ID}, []int64{r2.ID, r3.ID}); diff != "" {
		t.Errorf("resumed events (-want +got):\n%s", diff)
	}
}

func TestFeedEndpointsAuthorization(t *testing.T) {
	urls, base := feedReplicas(t, 1)
	url := urls[0]
	u := func(i int) int64 { return base + int64(i) }
	tok := func(i int) string { return token(t, u(i), stylegraph.RoleShopper) }
	call(t, "PUT", fmt.Sprintf("%s/v1/me/following/users/%d", url, u(5)), tok(1), "", nil) // no trending in 1's feed
	var p stylegraph.Feed
	if code := call(t, "POST", url+"/v1/posts", tok(1), `{"title":"mine","text":"private until fanned out"}`, &p); code != 201 {
		t.Fatalf("create = %d", code)
	}
	call(t, "PUT", fmt.Sprintf("%s/v1/me/following/users/%d", url, u(4)), tok(3), "", nil)

	// Nobody reads another user's feed: the feed is always the caller's.
	for _, path := range []string{"/v1/feed", fmt.Sprintf("/v1/feed?user=%d", u(1)), fmt.Sprintf("/v1/feed?userId=%d", u(1))} {
		var page stylegraph.FeedPage
		if code := call(t, "GET", url+path, tok(3), "", &page); code != 200 {
			t.Fatalf("GET %s = %d", path, code)
		}
		for _, it := range page.Items {
			if it.ID == p.ID {
				t.Errorf("GET %s as user 3 returned user 1's post", path)
			}
		}
	}
	var own stylegraph.FeedPage
	call(t, "GET", url+"/v1/feed", tok(1), "", &own)
	if len(own.Items) != 1 || own.Items[0].ID != p.ID {
		t.Errorf("author's feed = %+v", own.Items)
	}

	for _, tc := range []struct {
		name, method, path, tok, body string
		status                        int
		code, field                   string
	}{
		{"no credentials", "GET", "/v1/feed", "", "", 401, "unauthorized", ""},
		{"service key has no user", "GET", "/v1/feed", "key:svc-key-0123456", "", 403, "forbidden", ""},
		{"service key cannot post", "POST", "/v1/posts", "key:svc-key-0123456", `{"title":"x"}`, 403, "forbidden", ""},
		{"stream without credentials", "GET", "/v1/feed/stream", "", "", 401, "unauthorized", ""},
		{"delete someone else's post", "DELETE", fmt.Sprintf("/v1/posts/%d", p.Post.ID), tok(2), "", 403, "forbidden", ""},
		{"unknown field", "POST", "/v1/posts", tok(1), `{"title":"x","author":5}`, 400, "invalid", "author"},
		{"wrong type", "POST", "/v1/posts", tok(1), `{"title":5}`, 400, "invalid", "title"},
		{"trailing data", "POST", "/v1/posts", tok(1), `{"title":"x"} {}`, 400, "invalid", ""},
		{"bad limit", "GET", "/v1/feed?limit=0", tok(1), "", 400, "invalid", "limit"},
		{"limit too large", "GET", "/v1/feed?limit=1000", tok(1), "", 400, "invalid", "limit"},
		{"bad cursor", "GET", "/v1/feed?cursor=abc", tok(1), "", 400, "invalid", "cursor"},
		{"bad post id", "GET", "/v1/posts/abc", tok(1), "", 400, "invalid", "id"},
		{"missing post", "GET", "/v1/posts/9007199254740990", tok(1), "", 404, "not_found", ""},
		{"bad follow kind", "PUT", "/v1/me/following/tags/5", tok(1), "", 400, "invalid", "kind"},
		{"follow self", "PUT", fmt.Sprintf("/v1/me/following/users/%d", u(1)), tok(1), "", 400, "invalid", "id"},
		{"follow unknown user", "PUT", "/v1/me/following/users/9007199254740990", tok(1), "", 404, "not_found", ""},
		{"empty comment", "POST", fmt.Sprintf("/v1/posts/%d/comments", p.Post.ID), tok(2), `{"text":"  "}`, 400, "invalid", "text"},
		{"bad following kind", "GET", fmt.Sprintf("/v1/users/%d/following?kind=tags", u(1)), tok(1), "", 400, "invalid", "kind"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var e ErrorBody
			status := call(t, tc.method, url+tc.path, tc.tok, tc.body, &e)
			if status != tc.status || e.Error.Code != tc.code || e.Error.Field != tc.field {
				t.Fatalf("got %d %+v, want %d %s field %q", status, e.Error, tc.status, tc.code, tc.field)
			}
		})
	}

	req, _ := http.NewRequest("GET", url+"/v1/feed/stream", nil)
	req.Header.Set("Authorization", tok(1))
	req.Header.Set("Last-Event-ID", "not-a-number")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var e ErrorBody
	_ = json.NewDecoder(resp.Body).Decode(&e)
	resp.Body.Close()
	if resp.StatusCode != 400 || e.Error.Field != "Last-Event-ID" {
		t.Errorf("bad Last-Event-ID = %d %+v", resp.StatusCode, e)
	}
}

func TestFollowersAndFollowingPages(t *testing.T) {
	urls, base := feedReplicas(t, 1)
	url := urls[0]
	u := func(i int) int64 { return base + int64(i) }
	for i := 2; i <= 5; i++ {
		if code := call(t, "PUT", fmt.Sprintf("%s/v1/me/following/users/%d", url, u(1)), token(t, u(i), stylegraph.RoleShopper), "", nil); code != 204 {
			t.Fatalf("follow = %d", code)
		}
	}
	tok := token(t, u(1), stylegraph.RoleShopper)
	var got []int64
	cursor := ""
	for range 5 {
		var page stylegraph.UserPage
		if code := call(t, "GET", fmt.Sprintf("%s/v1/users/%d/followers?limit=3&cursor=%s", url, u(1), cursor), tok, "", &page); code != 200 {
			t.Fatalf("followers = %d", code)
		}
		for _, x := range page.Items {
			got = append(got, x.ID)
		}
		if page.NextCursor == nil {
			break
		}
		cursor = *page.NextCursor
	}
	if diff := cmp.Diff([]int64{u(2), u(3), u(4), u(5)}, got); diff != "" {
		t.Errorf("followers (-want +got):\n%s", diff)
	}
	var following stylegraph.UserPage
	call(t, "GET", fmt.Sprintf("%s/v1/users/%d/following", url, u(3)), tok, "", &following)
	if len(following.Items) != 1 || following.Items[0].ID != u(1) || following.Items[0].Name != "User 1" {
		t.Errorf("following = %+v", following)
	}
	if code := call(t, "DELETE", fmt.Sprintf("%s/v1/me/following/users/%d", url, u(1)), token(t, u(3), stylegraph.RoleShopper), "", nil); code != 204 {
		t.Fatalf("unfollow = %d", code)
	}
	call(t, "GET", fmt.Sprintf("%s/v1/users/%d/following", url, u(3)), tok, "", &following)
	if len(following.Items) != 0 || following.NextCursor != nil {
		t.Errorf("following after unfollow = %+v", following)
	}
}
