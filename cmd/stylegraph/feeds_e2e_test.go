package main

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/config"
	"github.com/stylegraph/stylegraph/graph"
	"github.com/stylegraph/stylegraph/internal/e2e"
	"github.com/stylegraph/stylegraph/internal/testenv"
)

// loadFriendships loads the SNAP ego-Facebook friendship graph as users
// base+1+n following each other both ways, and returns each user's friends.
func loadFriendships(t *testing.T, g *graph.Stores, base int64) map[int64][]int64 {
	t.Helper()
	f, err := os.Open(testenv.Dataset(t, "snap-ego-facebook/facebook_combined.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	friends := map[int64][]int64{}
	var edges []graph.Follow
	at := time.Now().Add(-time.Hour)
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var a, b int64
		if _, err := fmt.Sscan(sc.Text(), &a, &b); err != nil {
			t.Fatalf("bad line %q", sc.Text())
		}
		a, b = base+1+a, base+1+b
		friends[a] = append(friends[a], b)
		friends[b] = append(friends[b], a)
		edges = append(edges, graph.Follow{From: a, To: b, At: at}, graph.Follow{From: b, To: a, At: at})
	}
	if len(friends) != 4039 || len(edges) != 176_468 {
		t.Fatalf("dataset has %d users and %d follows, want 4039 and 176468", len(friends), len(edges))
	}
	users := make([]stylegraph.User, 0, len(friends))
	for id := range friends {
		users = append(users, stylegraph.User{ID: id, Name: fmt.Sprintf("fb %d", id-base-1)})
	}
	t.Cleanup(func() {
		if err := g.Seed.PurgeUsers(context.Background(), base+1, base+1+4039); err != nil {
			t.Errorf("purge: %v", err)
		}
	})
	ctx := context.Background()
	start := time.Now()
	if err := g.Catalog.UpsertUsers(ctx, users); err != nil {
		t.Fatal(err)
	}
	if err := g.Seed.FollowUsers(ctx, edges); err != nil {
		t.Fatal(err)
	}
	t.Logf("loaded %d users and %d follows in %v", len(users), len(edges), time.Since(start).Round(time.Millisecond))
	return friends
}

// TestFeedEndToEndOnFacebookGraph runs the whole path on the real friendship
// graph: POST /v1/posts appends post_created to the activity stream, the
// worker's feed consumer fans it out, friends read it with GET /v1/feed and
// get it live on /v1/feed/stream; a celebrity's post is pulled instead.
func TestFeedEndToEndOnFacebookGraph(t *testing.T) {
	base, d := startServerWith(t, func(c *config.Config) {
		isolate(t)(c)
		c.Feed.CelebrityThreshold = 500
	})
	ctx := context.Background()
	ids := testenv.IDBase(t)
	friends := loadFriendships(t, d.Graph, ids)
	user := func(n int64) int64 { return ids + 1 + n }
	bearer := func(uid int64) map[string]string {
		return e2e.Bearer(t, d.Cfg.JWTSecret, uid, stylegraph.RoleShopper)
	}
	author, celeb := user(0), user(107) // 347 and 1,045 friends
	if len(friends[author]) != 347 || len(friends[celeb]) != 1045 {
		t.Fatalf("degrees %d, %d", len(friends[author]), len(friends[celeb]))
	}
	reader := friends[author][0]
	stranger := user(4038)
	for _, f := range friends[author] {
		if f == stranger {
			t.Fatal("pick another stranger")
		}
	}

	// The reader is online before the post exists.
	events := streamEvents(t, base, bearer(reader))

	var p, c stylegraph.Feed
	if code := e2e.Do(t, http.MethodPost, base+"/v1/posts", bearer(author), `{"title":"hello friends","tags":["fb"]}`, &p); code != 201 {
		t.Fatalf("create post = %d", code)
	}
	if code := e2e.Do(t, http.MethodPost, base+"/v1/posts", bearer(celeb), `{"title":"celebrity says hi"}`, &c); code != 201 {
		t.Fatalf("create celebrity post = %d", code)
	}
	startWorker(t, d)

	select {
	case id := <-events:
		if id != fmt.Sprint(p.ID) {
			t.Errorf("live event id %s, want %d", id, p.ID)
		}
	case <-time.After(60 * time.Second):
		t.Fatal("no live event within 60s")
	}
	// Fan-out reached exactly the author and their friends.
	key := func(uid int64) string { return d.Cfg.Feed.KeyPrefix + "tl:" + fmt.Sprint(uid) }
	want := map[int64]bool{author: true}
	for _, f := range friends[author] {
		want[f] = true
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		pipe := d.Redis.Pipeline()
		cmds := map[int64]interface{ Val() []string }{}
		for uid := range friends {
			cmds[uid] = pipe.LRange(ctx, key(uid), 0, -1)
		}
		if _, err := pipe.Exec(ctx); err != nil {
			t.Fatal(err)
		}
		got, celebPushed := map[int64]bool{}, 0
		for uid, cmd := range cmds {
			for _, e := range cmd.Val() {
				if strings.HasPrefix(e, fmt.Sprint(p.ID)+"|") {
					got[uid] = true
				}
				if strings.HasPrefix(e, fmt.Sprint(c.ID)+"|") && uid != celeb {
					celebPushed++
				}
			}
		}
		if celebPushed != 0 {
			t.Fatalf("celebrity post pushed to %d lists", celebPushed)
		}
		if len(got) == len(want) {
			for uid := range want {
				if !got[uid] {
					t.Fatalf("user %d did not get the post", uid)
				}
			}
			break
		}
		if len(got) > len(want) || time.Now().After(deadline) {
			t.Fatalf("post reached %d lists, want exactly %d", len(got), len(want))
		}
		time.Sleep(100 * time.Millisecond)
	}

	// A friend of both reads both; the celebrity's comes from the pull.
	both := int64(0)
	for _, f := range friends[author] {
		for _, g := range friends[celeb] {
			if f == g {
				both = f
			}
		}
	}
	if both == 0 {
		t.Fatal("no common friend")
	}
	var page stylegraph.FeedPage
	if code := get(t, base+"/v1/feed?limit=5", bearer(both), &page); code != 200 {
		t.Fatalf("GET /v1/feed = %d", code)
	}
	if len(page.Items) < 2 || page.Items[0].ID != c.ID || page.Items[1].ID != p.ID ||
		page.Items[0].Reason != stylegraph.ReasonFollowing || page.Items[1].Reason != stylegraph.ReasonFollowing {
		t.Errorf("common friend's feed starts %+v", page.Items)
	}
	if code := get(t, base+"/v1/feed", bearer(stranger), &page); code != 200 {
		t.Fatalf("GET /v1/feed = %d", code)
	}
	for _, it := range page.Items {
		if it.ID == p.ID || it.ID == c.ID {
			t.Errorf("stranger got item %d", it.ID)
		}
	}
}

// streamEvents connects to the live feed and returns the IDs of its events.
func streamEvents(t *testing.T, base string, header map[string]string) <-chan string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/v1/feed/stream", nil)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 {
		t.Fatalf("stream = %d", resp.StatusCode)
	}
	ids := make(chan string, 16)
	opened := make(chan struct{})
	go func() {
		defer resp.Body.Close()
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			line := sc.Text()
			if strings.HasPrefix(line, "retry:") {
				close(opened)
			}
			if id, ok := strings.CutPrefix(line, "id: "); ok {
				ids <- id
			}
		}
	}()
	select {
	case <-opened:
	case <-time.After(10 * time.Second):
		t.Fatal("stream did not open")
	}
	return ids
}

// TestFeedAPIMixesRecommendations checks the wiring: GET /v1/feed goes
// through the recommendation mix (every FEED_RECS_EVERY-th slot is kept for a
// product), so a page of 4 holds at most 2 posts when every 2nd item is a
// recommendation.
func TestFeedAPIMixesRecommendations(t *testing.T) { checkFeedPosts(t, 2, 2) }

// TestFeedAPIWithoutRecommendations: with the mix off, a page is all posts.
func TestFeedAPIWithoutRecommendations(t *testing.T) { checkFeedPosts(t, 0, 4) }

func checkFeedPosts(t *testing.T, every, wantPosts int) {
	t.Helper()
	base, d := startServerWith(t, func(c *config.Config) {
		isolate(t)(c)
		c.Recs.FeedEvery = every
	})
	uid := testenv.IDBase(t) + 1
	t.Cleanup(func() { _ = d.Graph.Seed.PurgeUsers(context.Background(), uid, uid+1) })
	as := e2e.Bearer(t, d.Cfg.JWTSecret, uid, stylegraph.RoleShopper)
	for i := range 5 {
		if code := e2e.Do(t, http.MethodPost, base+"/v1/posts", as, fmt.Sprintf(`{"title":"own %d"}`, i), nil); code != 201 {
			t.Fatalf("create post = %d", code)
		}
	}
	var page stylegraph.FeedPage
	if code := get(t, base+"/v1/feed?limit=4", as, &page); code != 200 {
		t.Fatalf("GET /v1/feed = %d", code)
	}
	posts := 0
	for _, it := range page.Items {
		switch {
		case it.Reason == stylegraph.ReasonRecommended && it.Product != nil:
		case it.Reason == stylegraph.ReasonOwn && it.Post.ID > 0:
			posts++
		case it.Reason == stylegraph.ReasonTrending: // the user follows nobody
		default:
			t.Errorf("unexpected item %+v", it)
		}
	}
	if posts > wantPosts || len(page.Items) > 4 || page.NextCursor == nil {
		t.Errorf("page has %d own posts of %d items (next %v), want at most %d posts", posts, len(page.Items), page.NextCursor, wantPosts)
	}
	if every == 0 && len(page.Items) != 4 {
		t.Errorf("without recommendations the page has %d items, want 4", len(page.Items))
	}
}
