package main

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/internal/e2e"
	"github.com/stylegraph/stylegraph/internal/testenv"
)

// TestEraseRemovesTheUserEverywhere follows a post through fan-out, then
// erases its author and checks the graph, the feeds and the export.
func TestEraseRemovesTheUserEverywhere(t *testing.T) {
	base, d := startServerWith(t, isolate(t))
	ctx := context.Background()
	ids := testenv.IDBase(t)
	author, follower := ids+1, ids+2
	if err := d.Graph.Catalog.UpsertUsers(ctx, []stylegraph.User{{ID: author, Name: "Author"}, {ID: follower, Name: "Follower"}}); err != nil {
		t.Fatal(err)
	}
	as := func(uid int64) map[string]string {
		return e2e.Bearer(t, d.Cfg.JWTSecret, uid, stylegraph.RoleShopper)
	}
	send := func(method, path string, hdr map[string]string) int {
		req, _ := http.NewRequest(method, base+path, nil)
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := send(http.MethodPut, fmt.Sprintf("/v1/me/following/users/%d", author), as(follower)); code/100 != 2 {
		t.Fatalf("follow = %d", code)
	}
	// The author follows back: the follower's notifications name the author.
	if code := send(http.MethodPut, fmt.Sprintf("/v1/me/following/users/%d", follower), as(author)); code/100 != 2 {
		t.Fatalf("follow back = %d", code)
	}
	var p stylegraph.Feed
	if code := e2e.Do(t, http.MethodPost, base+"/v1/posts", as(author), `{"title":"soon gone"}`, &p); code != 201 {
		t.Fatalf("create post = %d", code)
	}
	startWorker(t, d)

	inFeed := func() bool {
		var page stylegraph.FeedPage
		if code := get(t, base+"/v1/feed?limit=50", as(follower), &page); code != 200 {
			t.Fatalf("feed = %d", code)
		}
		for _, it := range page.Items {
			if it.ID == p.ID {
				return true
			}
		}
		return false
	}
	namesAuthor := func() bool {
		var page stylegraph.NotificationPage
		if code := get(t, base+"/v1/me/notifications", as(follower), &page); code != 200 {
			t.Fatalf("notifications = %d", code)
		}
		for _, n := range page.Items {
			for _, a := range n.Actors {
				if a.ID == author || strings.Contains(n.Text, "Author") {
					return true
				}
			}
		}
		return false
	}
	// Wait for the fan-out itself, not only the feed: a read can rebuild the
	// follower's feed from the graph before the worker got to the post, and a
	// fan-out still running during erasure would write the author's list again.
	activity, err := d.ActivityLog(ctx)
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		lag, err := activity.Lag(ctx, d.Cfg.Feed.Group)
		if err == nil && lag == 0 && inFeed() && namesAuthor() {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the post never reached the follower's feed (feed consumer lag %d, %v)", lag, err)
		}
		time.Sleep(100 * time.Millisecond)
	}

	// Personalised search caches the author's taste profile (the profile is
	// fetched here directly: a search under load may skip it when the graph
	// is slow); a precomputed recommendation list may be held too.
	if _, err := d.SearchProfiles().TasteProfile(ctx, author); err != nil {
		t.Fatal(err)
	}
	profileKey := d.Cfg.Search.KeyPrefix + "profile:" + fmt.Sprint(author)
	recsKey := d.Cfg.Recs.CachePrefix + "user:" + fmt.Sprint(author)
	if err := d.Redis.Set(ctx, recsKey, "[]", time.Hour).Err(); err != nil {
		t.Fatal(err)
	}
	if n, _ := d.Redis.Exists(ctx, profileKey).Result(); n != 1 {
		t.Fatalf("no cached search profile at %s", profileKey)
	}

	if code := send(http.MethodDelete, "/v1/me", as(author)); code != http.StatusNoContent {
		t.Fatalf("DELETE /v1/me = %d", code)
	}
	if n, _ := d.Redis.Exists(ctx, profileKey, recsKey).Result(); n != 0 {
		t.Errorf("%d cached search profile / recommendation keys survived erasure", n)
	}
	if inFeed() {
		t.Error("the erased author's post is still in the follower's feed")
	}
	if namesAuthor() {
		t.Error("the follower's notifications still name the erased author")
	}
	if code := send(http.MethodGet, "/v1/me/export", as(author)); code != http.StatusNotFound {
		t.Errorf("export after erasure = %d, want 404", code)
	}
	if code := send(http.MethodGet, fmt.Sprintf("/v1/posts/%d", p.Post.ID), as(follower)); code != http.StatusNotFound {
		t.Errorf("the erased author's post answers %d, want 404", code)
	}
	if n, err := d.Redis.Exists(ctx, d.Cfg.Feed.KeyPrefix+"tl:"+fmt.Sprint(author)).Result(); err != nil || n != 0 {
		t.Errorf("the author's timeline survived: %d %v", n, err)
	}
	// Erasure is idempotent: a retry after a partial failure finishes the job.
	if code := send(http.MethodDelete, "/v1/me", as(author)); code != http.StatusNoContent {
		t.Errorf("second DELETE /v1/me = %d", code)
	}
}
