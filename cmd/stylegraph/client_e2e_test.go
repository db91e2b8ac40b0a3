package main

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/api/client"
	"github.com/stylegraph/stylegraph/auth"
	"github.com/stylegraph/stylegraph/internal/e2e"
	"github.com/stylegraph/stylegraph/internal/testenv"
)

// apiClients builds generated clients for the running server: one per user
// token (shoppers) and one with the service key.
type apiClients struct {
	t       *testing.T
	base    string
	minter  *auth.Authenticator
	service *client.ClientWithResponses
}

func newAPIClients(t *testing.T, base string, d *deps) apiClients {
	t.Helper()
	key := e2e.ServiceKey(t, d.Cfg)
	svc, err := client.NewClientWithResponses(base, client.WithRequestEditorFn(func(_ context.Context, r *http.Request) error {
		r.Header.Set("X-API-Key", key)
		return nil
	}))
	if err != nil {
		t.Fatal(err)
	}
	return apiClients{t: t, base: base, minter: auth.New(d.Cfg.JWTSecret, nil), service: svc}
}

// notifications returns the shopper's first page of notifications.
func (a apiClients) notifications(uid int64) client.NotificationPage {
	a.t.Helper()
	r, err := a.as(uid, stylegraph.RoleShopper).ListNotificationsWithResponse(context.Background(), &client.ListNotificationsParams{})
	if err != nil {
		a.t.Fatal(err)
	}
	status(a.t, "GET /v1/me/notifications", r.StatusCode(), 200, r.Body)
	return *r.JSON200
}

// awaitNotifications reads the shopper's notifications until done holds of
// the page or a minute has passed (the notification consumer runs in the
// worker), and returns the last page read.
func (a apiClients) awaitNotifications(uid int64, done func(client.NotificationPage) bool) client.NotificationPage {
	a.t.Helper()
	var p client.NotificationPage
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(300 * time.Millisecond) {
		if p = a.notifications(uid); done(p) {
			break
		}
	}
	return p
}

// as returns a client acting as the user with the role.
func (a apiClients) as(uid int64, role stylegraph.Role) *client.ClientWithResponses {
	a.t.Helper()
	tok, err := a.minter.Mint(uid, role, 10*time.Minute)
	if err != nil {
		a.t.Fatal(err)
	}
	c, err := client.NewClientWithResponses(a.base, client.WithRequestEditorFn(func(_ context.Context, r *http.Request) error {
		r.Header.Set("Authorization", "Bearer "+tok)
		return nil
	}))
	if err != nil {
		a.t.Fatal(err)
	}
	return c
}

func ptr[T any](v T) *T { return &v }

// status fails the test unless the response has the wanted status.
func status(t *testing.T, what string, got, want int, body []byte) {
	t.Helper()
	if got != want {
		t.Fatalf("%s = %d, want %d: %s", what, got, want, body)
	}
}

// TestFeedItemsThroughGeneratedClient reads a feed holding both kinds of
// item through the client generated from api/openapi.yaml: a followed
// user's post (kind post) and a recommended product (kind recommended),
// each decoded by the discriminator into its own schema.
func TestFeedItemsThroughGeneratedClient(t *testing.T) {
	base, d := startServerWith(t, isolate(t))
	ctx := context.Background()
	ids := testenv.IDBase(t)
	reader, author, fan := ids+1, ids+2, ids+3
	e2e.Users(t, d, ids, []stylegraph.User{{ID: reader, Name: "Reader"}, {ID: author, Name: "Author"}, {ID: fan, Name: "Fan"}})
	startWorker(t, d) // the graph writer records the like that makes the coat trending
	api := newAPIClients(t, base, d)

	brand := fmt.Sprintf("Brand %d", ids)
	put, err := api.service.PutProductWithResponse(ctx, ids+1, client.Product{
		Title: "Wool Coat", Brand: ptr(brand), Price: ptr(120.0), Currency: ptr("USD"), Season: ptr("Winter"),
		CategoryPath: ptr([]string{"Apparel", "Topwear", "Coats"}),
	})
	if err != nil {
		t.Fatal(err)
	}
	status(t, "PUT product", put.StatusCode(), 200, put.Body)
	t.Cleanup(func() { _, _ = api.service.DeleteProductWithResponse(context.Background(), ids+1) })

	// The fan's like makes the coat trending, so the reader is recommended it.
	ev, err := api.as(fan, stylegraph.RoleShopper).PostEventsWithBodyWithResponse(ctx, "application/json",
		strings.NewReader(fmt.Sprintf(`{"type":"like","target":{"kind":"product","id":%d}}`, ids+1)))
	if err != nil {
		t.Fatal(err)
	}
	status(t, "POST like event", ev.StatusCode(), 202, ev.Body)

	rc := api.as(reader, stylegraph.RoleShopper)
	fol, err := rc.FollowWithResponse(ctx, "users", author)
	if err != nil {
		t.Fatal(err)
	}
	status(t, "follow", fol.StatusCode(), 204, fol.Body)
	created, err := api.as(author, stylegraph.RoleShopper).CreatePostWithResponse(ctx, nil, client.PostDraft{Title: ptr("Coat weather")})
	if err != nil {
		t.Fatal(err)
	}
	status(t, "POST /v1/posts", created.StatusCode(), 201, created.Body)
	if created.JSON201.Kind != client.FeedKindPost || created.JSON201.Reason != client.FeedReasonOwn {
		t.Errorf("created item kind %q reason %q, want post own", created.JSON201.Kind, created.JSON201.Reason)
	}

	// Fan-out and the graph writer are asynchronous: poll until both kinds show.
	var posts []client.Feed
	var recs []client.RecommendedItem
	deadline := time.Now().Add(60 * time.Second)
	for {
		posts, recs = nil, nil
		page, err := rc.GetFeedWithResponse(ctx, &client.GetFeedParams{Limit: ptr(int32(10))})
		if err != nil {
			t.Fatal(err)
		}
		status(t, "GET /v1/feed", page.StatusCode(), 200, page.Body)
		for _, it := range page.JSON200.Items {
			v, err := it.ValueByDiscriminator()
			if err != nil {
				t.Fatalf("feed item: %v", err)
			}
			switch v := v.(type) {
			case client.Feed:
				posts = append(posts, v)
			case client.RecommendedItem:
				recs = append(recs, v)
			}
		}
		if len(posts) > 0 && len(recs) > 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(300 * time.Millisecond)
	}
	if len(posts) != 1 || posts[0].Post.Id != created.JSON201.Post.Id || posts[0].Reason != client.FeedReasonFollowing {
		t.Fatalf("post items %+v, want the author's post with reason following", posts)
	}
	if posts[0].Like == nil || posts[0].Comment == nil {
		t.Errorf("post item arrays must be present: like %v comment %v", posts[0].Like, posts[0].Comment)
	}
	if len(recs) != 1 {
		t.Fatalf("recommended items %+v, want 1", recs)
	}
	r := recs[0]
	if r.Kind != client.RecommendedItemKindRecommended || r.Reason != client.RecommendedItemReasonRecommended ||
		len(r.Product.Reasons) == 0 || r.Product.Reasons[0].Kind != client.RecommendationReasonsKindRecommended {
		t.Errorf("recommended item %+v", r)
	}

	// The season facet is a filter too (the index refreshes within a second).
	search := func(season string) []int64 {
		res, err := rc.SearchProductsWithResponse(ctx, &client.SearchProductsParams{Brand: ptr([]string{brand}), Season: ptr([]string{season})})
		if err != nil {
			t.Fatal(err)
		}
		status(t, "GET /v1/search season="+season, res.StatusCode(), 200, res.Body)
		var got []int64
		for _, h := range res.JSON200.Hits {
			got = append(got, *h.Product.Id)
		}
		return got
	}
	var winter []int64
	for deadline := time.Now().Add(10 * time.Second); len(winter) == 0 && time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		winter = search("Winter")
	}
	if diff := cmp.Diff([]int64{ids + 1}, winter); diff != "" {
		t.Errorf("season=Winter hits (-want +got):\n%s", diff)
	}
	if got := search("Summer"); len(got) != 0 {
		t.Errorf("season=Summer hits %v, want none", got)
	}
}

// TestProfileThroughGeneratedClient reads a user's profile (counts, follow
// state both ways) and their profile feed, page by page, as another user.
func TestProfileThroughGeneratedClient(t *testing.T) {
	base, d := startServerWith(t, isolate(t))
	ctx := context.Background()
	ids := testenv.IDBase(t)
	viewer, author := ids+1, ids+2
	e2e.Users(t, d, ids, []stylegraph.User{{ID: viewer, Name: "Viewer"}, {ID: author, Name: "Author", Home: "Seoul"}})
	api := newAPIClients(t, base, d)
	vc, ac := api.as(viewer, stylegraph.RoleShopper), api.as(author, stylegraph.RoleShopper)

	fol, err := vc.FollowWithResponse(ctx, "users", author)
	if err != nil {
		t.Fatal(err)
	}
	status(t, "follow", fol.StatusCode(), 204, fol.Body)
	var posted []int64
	for i := range 3 {
		r, err := ac.CreatePostWithResponse(ctx, nil, client.PostDraft{Title: ptr(fmt.Sprintf("look %d", i))})
		if err != nil {
			t.Fatal(err)
		}
		status(t, "POST /v1/posts", r.StatusCode(), 201, r.Body)
		posted = append([]int64{r.JSON201.Post.Id}, posted...) // newest first
	}

	prof, err := vc.GetUserProfileWithResponse(ctx, author)
	if err != nil {
		t.Fatal(err)
	}
	status(t, "GET /v1/users/{id}", prof.StatusCode(), 200, prof.Body)
	want := client.Profile{
		User:          client.User{ID: author, Name: "Author", Home: "Seoul"},
		FollowerCount: 1, PostCount: 3, FollowedByMe: true,
	}
	if diff := cmp.Diff(want, *prof.JSON200); diff != "" {
		t.Errorf("author's profile as the viewer (-want +got):\n%s", diff)
	}
	own, err := ac.GetUserProfileWithResponse(ctx, viewer)
	if err != nil {
		t.Fatal(err)
	}
	status(t, "GET /v1/users/{id}", own.StatusCode(), 200, own.Body)
	if p := own.JSON200; p.FollowingCount != 1 || !p.FollowsMe || p.FollowedByMe {
		t.Errorf("viewer's profile as the author: %+v, want following 1, followsMe, not followedByMe", p)
	}

	// Two pages of two: every post once, newest first, then a null cursor.
	var got []int64
	var cursor *string
	for range 2 {
		page, err := vc.ListUserPostsWithResponse(ctx, author, &client.ListUserPostsParams{Limit: ptr(int32(2)), Cursor: cursor})
		if err != nil {
			t.Fatal(err)
		}
		status(t, "GET /v1/users/{id}/posts", page.StatusCode(), 200, page.Body)
		for _, it := range page.JSON200.Items {
			f, err := it.AsFeed()
			if err != nil {
				t.Fatal(err)
			}
			if f.Kind != client.FeedKindPost || f.User.ID != author {
				t.Errorf("profile item kind %q by %d", f.Kind, f.User.ID)
			}
			got = append(got, f.Post.Id)
		}
		cursor = page.JSON200.NextCursor
	}
	if diff := cmp.Diff(posted, got); diff != "" {
		t.Errorf("profile feed (-want +got):\n%s", diff)
	}
	if cursor != nil {
		t.Errorf("last page cursor %q, want null", *cursor)
	}

	// Bad input names the field; an unknown user is a 404.
	bad, err := vc.ListUserPostsWithResponse(ctx, author, &client.ListUserPostsParams{Limit: ptr(int32(0))})
	if err != nil {
		t.Fatal(err)
	}
	if bad.StatusCode() != 400 || bad.JSON400.Error.Field == nil || *bad.JSON400.Error.Field != "limit" {
		t.Errorf("limit=0: %d %s, want 400 naming limit", bad.StatusCode(), bad.Body)
	}
	neg, err := vc.GetUserProfileWithResponse(ctx, -1)
	if err != nil {
		t.Fatal(err)
	}
	if neg.StatusCode() != 400 || neg.JSON400.Error.Field == nil || *neg.JSON400.Error.Field != "id" {
		t.Errorf("id=-1: %d %s, want 400 naming id", neg.StatusCode(), neg.Body)
	}
	missing, err := vc.GetUserProfileWithResponse(ctx, ids+9)
	if err != nil {
		t.Fatal(err)
	}
	status(t, "GET unknown user", missing.StatusCode(), 404, missing.Body)
}

// TestNotificationsThroughGeneratedClient: two likes, a comment and a follow
// reach the author as three notifications (the likes aggregated), unread
// until marked read; a new like makes its notification unread again.
func TestNotificationsThroughGeneratedClient(t *testing.T) {
	base, d := startServerWith(t, isolate(t))
	ctx := context.Background()
	ids := testenv.IDBase(t)
	author, ana, jun, kim := ids+1, ids+2, ids+3, ids+4
	e2e.Users(t, d, ids, []stylegraph.User{{ID: author, Name: "Author"}, {ID: ana, Name: "Ana"}, {ID: jun, Name: "Jun"}, {ID: kim, Name: "Kim"}})
	startWorker(t, d)
	api := newAPIClients(t, base, d)
	ac := api.as(author, stylegraph.RoleShopper)

	created, err := ac.CreatePostWithResponse(ctx, nil, client.PostDraft{Title: ptr("Coat weather")})
	if err != nil {
		t.Fatal(err)
	}
	status(t, "POST /v1/posts", created.StatusCode(), 201, created.Body)
	post := created.JSON201.Post.Id
	for _, uid := range []int64{ana, jun} {
		r, err := api.as(uid, stylegraph.RoleShopper).LikePostWithResponse(ctx, post)
		if err != nil {
			t.Fatal(err)
		}
		status(t, "like", r.StatusCode(), 200, r.Body)
	}
	cm, err := api.as(kim, stylegraph.RoleShopper).AddCommentWithResponse(ctx, post, nil, client.AddCommentJSONRequestBody{Text: "love it"})
	if err != nil {
		t.Fatal(err)
	}
	status(t, "comment", cm.StatusCode(), 201, cm.Body)
	fol, err := api.as(ana, stylegraph.RoleShopper).FollowWithResponse(ctx, "users", author)
	if err != nil {
		t.Fatal(err)
	}
	status(t, "follow", fol.StatusCode(), 204, fol.Body)
	// The author's own like is not news to them.
	own, err := ac.LikePostWithResponse(ctx, post)
	if err != nil {
		t.Fatal(err)
	}
	status(t, "own like", own.StatusCode(), 200, own.Body)

	type note struct {
		Type, Text string
		Count      int64
		Read       bool
	}
	read := func() ([]note, int64) {
		t.Helper()
		r, err := ac.ListNotificationsWithResponse(ctx, &client.ListNotificationsParams{})
		if err != nil {
			t.Fatal(err)
		}
		status(t, "GET /v1/me/notifications", r.StatusCode(), 200, r.Body)
		var out []note
		for _, n := range r.JSON200.Items {
			out = append(out, note{string(n.Type), n.Text, n.ActorCount, n.Read})
		}
		return out, r.JSON200.Unread
	}
	// The notification consumer runs in the worker: wait for it.
	var got []note
	var unread int64
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(300 * time.Millisecond) {
		if got, unread = read(); len(got) == 3 && got[2].Count == 2 {
			break
		}
	}
	want := []note{
		{"follow", "Ana started following you", 1, false},
		{"comment", "Kim commented on your post", 1, false},
		{"like", "Jun and Ana liked your post", 2, false},
	}
	if diff := cmp.Diff(want, got); diff != "" || unread != 3 {
		t.Fatalf("notifications (-want +got):\n%s\nunread %d, want 3", diff, unread)
	}

	mr, err := ac.MarkNotificationsReadWithResponse(ctx)
	if err != nil {
		t.Fatal(err)
	}
	status(t, "mark read", mr.StatusCode(), 204, mr.Body)
	if got, unread = read(); unread != 0 || !got[0].Read || !got[2].Read {
		t.Errorf("after marking read: %+v unread %d", got, unread)
	}

	time.Sleep(5 * time.Millisecond) // a later millisecond than the mark
	r, err := api.as(kim, stylegraph.RoleShopper).LikePostWithResponse(ctx, post)
	if err != nil {
		t.Fatal(err)
	}
	status(t, "like", r.StatusCode(), 200, r.Body)
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(300 * time.Millisecond) {
		if got, unread = read(); unread == 1 {
			break
		}
	}
	if unread != 1 || got[0] != (note{"like", "Kim and 2 others liked your post", 3, false}) {
		t.Errorf("after a new like: %+v unread %d, want the like on top, unread", got, unread)
	}

	// Bad input names the parameter.
	bad, err := ac.ListNotificationsWithResponse(ctx, &client.ListNotificationsParams{Cursor: ptr("nope")})
	if err != nil {
		t.Fatal(err)
	}
	if bad.StatusCode() != 400 || bad.JSON400.Error.Field == nil || *bad.JSON400.Error.Field != "cursor" {
		t.Errorf("cursor=nope: %d %s, want 400 naming cursor", bad.StatusCode(), bad.Body)
	}
}

// TestWhoToFollowThroughGeneratedClient: a friend of a friend and someone who
// liked the same post are suggested, best first; someone already followed is
// not, even though a friend follows them too.
func TestWhoToFollowThroughGeneratedClient(t *testing.T) {
	base, d := startServerWith(t, isolate(t))
	ctx := context.Background()
	ids := testenv.IDBase(t)
	me, friend, followed, fof, twin, author := ids+1, ids+2, ids+3, ids+4, ids+5, ids+6
	var users []stylegraph.User
	for i, n := range []string{"Me", "Friend", "Followed", "Friend of friend", "Twin", "Author"} {
		users = append(users, stylegraph.User{ID: ids + 1 + int64(i), Name: n})
	}
	if err := d.Graph.Catalog.UpsertUsers(ctx, users); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = d.Graph.Seed.PurgeUsers(context.Background(), ids, ids+10) })
	api := newAPIClients(t, base, d)
	mc, fc := api.as(me, stylegraph.RoleShopper), api.as(friend, stylegraph.RoleShopper)
	for _, f := range []struct {
		c      *client.ClientWithResponses
		target int64
	}{{mc, friend}, {mc, followed}, {fc, fof}, {fc, followed}} {
		r, err := f.c.FollowWithResponse(ctx, "users", f.target)
		if err != nil {
			t.Fatal(err)
		}
		status(t, "follow", r.StatusCode(), 204, r.Body)
	}
	p, err := api.as(author, stylegraph.RoleShopper).CreatePostWithResponse(ctx, nil, client.PostDraft{Title: ptr("look")})
	if err != nil {
		t.Fatal(err)
	}
	status(t, "POST /v1/posts", p.StatusCode(), 201, p.Body)
	for _, c := range []*client.ClientWithResponses{mc, api.as(twin, stylegraph.RoleShopper)} {
		r, err := c.LikePostWithResponse(ctx, p.JSON201.Post.Id)
		if err != nil {
			t.Fatal(err)
		}
		status(t, "like", r.StatusCode(), 200, r.Body)
	}

	r, err := mc.SuggestUsersToFollowWithResponse(ctx, &client.SuggestUsersToFollowParams{})
	if err != nil {
		t.Fatal(err)
	}
	status(t, "GET /v1/me/suggestions/users", r.StatusCode(), 200, r.Body)
	type sug struct {
		ID     int64
		Reason string
		Score  float64
	}
	var got []sug
	for _, s := range r.JSON200.Items {
		got = append(got, sug{s.User.ID, string(s.Reason), s.Score})
	}
	want := []sug{{fof, "friends", 2}, {twin, "taste", 1}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("suggestions (-want +got):\n%s", diff)
	}

	bad, err := mc.SuggestUsersToFollowWithResponse(ctx, &client.SuggestUsersToFollowParams{Limit: ptr(int32(101))})
	if err != nil {
		t.Fatal(err)
	}
	if bad.StatusCode() != 400 || bad.JSON400.Error.Field == nil || *bad.JSON400.Error.Field != "limit" {
		t.Errorf("limit=101: %d %s, want 400 naming limit", bad.StatusCode(), bad.Body)
	}
}
