package main

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/api/client"
	"github.com/stylegraph/stylegraph/internal/e2e"
	"github.com/stylegraph/stylegraph/internal/testenv"
)

// TestHashtagsAndMentionsThroughGeneratedClient: hashtags in a post's text
// and captions become its tags and its hashtag page lists it; a mention in
// the post and one in a comment notify the mentioned user (aggregated); a
// tag is followed and unfollowed over REST; an edit moves the post from
// the old hashtag's page to the new one's.
func TestHashtagsAndMentionsThroughGeneratedClient(t *testing.T) {
	base, d := startServerWith(t, isolate(t))
	ctx := context.Background()
	ids := testenv.IDBase(t)
	author, jun, kim := ids+1, ids+2, ids+3
	e2e.Users(t, d, ids, []stylegraph.User{{ID: author, Name: "Mina"}, {ID: jun, Name: "Jun"}, {ID: kim, Name: "Kim"}})
	startWorker(t, d) // notifications
	cl := newAPIClients(t, base, d)
	ac, jc, kc := cl.as(author, stylegraph.RoleShopper), cl.as(jun, stylegraph.RoleShopper), cl.as(kim, stylegraph.RoleShopper)
	linen, look, wool := fmt.Sprintf("linen%d", ids), fmt.Sprintf("look%d", ids), fmt.Sprintf("wool%d", ids)

	created, err := ac.CreatePostWithResponse(ctx, nil, client.PostDraft{
		Text: ptr(fmt.Sprintf("linen all day #%s with @%d, mail me a@b.c", strings.ToUpper(linen), jun)),
		Images: &[]struct {
			Caption  *string `json:"caption,omitempty"`
			ImageURL string  `json:"imageURL"`
		}{{ImageURL: "https://cdn.example.org/p/look.jpg", Caption: ptr("#" + look)}},
		Tags: ptr([]string{"summer"}),
	})
	if err != nil {
		t.Fatal(err)
	}
	status(t, "POST /v1/posts", created.StatusCode(), 201, created.Body)
	post := created.JSON201.Post
	if diff := cmp.Diff([]string{linen, look, "summer"}, post.Tags); diff != "" {
		t.Errorf("tags (-want +got):\n%s", diff)
	}
	if post.Mentions == nil || len(*post.Mentions) != 1 || (*post.Mentions)[0].ID != jun || (*post.Mentions)[0].Name != "Jun" {
		t.Errorf("mentions = %+v, want Jun", post.Mentions)
	}

	tagPosts := func(name string) []int64 {
		t.Helper()
		r, err := kc.ListTagPostsWithResponse(ctx, name, &client.ListTagPostsParams{})
		if err != nil {
			t.Fatal(err)
		}
		status(t, "GET /v1/tags/"+name+"/posts", r.StatusCode(), 200, r.Body)
		var out []int64
		for _, it := range r.JSON200.Items {
			f, err := it.AsFeed()
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, f.Post.Id)
		}
		return out
	}
	for _, name := range []string{linen, "#" + strings.ToUpper(linen), look} {
		if got := tagPosts(name); !cmp.Equal([]int64{post.Id}, got) {
			t.Errorf("tag %q lists %v, want the post", name, got)
		}
	}

	// Kim mentions Jun in a comment: one mention notification, two actors.
	cm, err := kc.AddCommentWithResponse(ctx, post.Id, nil, client.AddCommentJSONRequestBody{Text: fmt.Sprintf("ask @%d about #%s", jun, linen)})
	if err != nil {
		t.Fatal(err)
	}
	status(t, "comment", cm.StatusCode(), 201, cm.Body)
	var got []string
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(300 * time.Millisecond) {
		r, err := jc.ListNotificationsWithResponse(ctx, &client.ListNotificationsParams{})
		if err != nil {
			t.Fatal(err)
		}
		status(t, "notifications", r.StatusCode(), 200, r.Body)
		got = got[:0]
		for _, n := range r.JSON200.Items {
			got = append(got, fmt.Sprintf("%s %s %d %d", n.Type, n.Text, n.ActorCount, n.Target.Id))
		}
		if len(got) == 1 && strings.Contains(got[0], " 2 ") {
			break
		}
	}
	if want := []string{fmt.Sprintf("mention Kim and Mina mentioned you 2 %d", post.Id)}; !cmp.Equal(want, got) {
		t.Errorf("Jun's notifications = %q, want %q", got, want)
	}

	// Following a tag over REST.
	followed := func() []string {
		t.Helper()
		r, err := kc.ListFollowedTagsWithResponse(ctx, &client.ListFollowedTagsParams{})
		if err != nil {
			t.Fatal(err)
		}
		status(t, "GET /v1/me/tags", r.StatusCode(), 200, r.Body)
		return r.JSON200.Items
	}
	fr, err := kc.FollowTagWithResponse(ctx, "#"+strings.ToUpper(linen))
	if err != nil {
		t.Fatal(err)
	}
	status(t, "follow tag", fr.StatusCode(), 204, fr.Body)
	if got := followed(); !slices.Contains(got, linen) {
		t.Errorf("followed tags %q, want %q among them", got, linen)
	}
	ur, err := kc.UnfollowTagWithResponse(ctx, linen)
	if err != nil {
		t.Fatal(err)
	}
	status(t, "unfollow tag", ur.StatusCode(), 204, ur.Body)
	if got := followed(); slices.Contains(got, linen) {
		t.Errorf("followed tags after unfollowing %q", got)
	}

	// An edit of the text swaps its hashtag and drops the mention; the
	// caption's hashtag and the sent tag stay.
	ed, err := ac.EditPostWithResponse(ctx, post.Id, client.PostEdit{Text: ptr("wool now #" + wool)})
	if err != nil {
		t.Fatal(err)
	}
	status(t, "edit", ed.StatusCode(), 200, ed.Body)
	if diff := cmp.Diff([]string{look, "summer", wool}, ed.JSON200.Post.Tags); diff != "" || ed.JSON200.Post.Mentions != nil {
		t.Errorf("after the edit: tags (-want +got):\n%s\nmentions %+v", diff, ed.JSON200.Post.Mentions)
	}
	if got := tagPosts(linen); len(got) != 0 {
		t.Errorf("old hashtag still lists %v", got)
	}
	if got := tagPosts(wool); !cmp.Equal([]int64{post.Id}, got) {
		t.Errorf("new hashtag lists %v", got)
	}

	// Bad input names the parameter.
	hdr := e2e.Bearer(t, d.Cfg.JWTSecret, kim, stylegraph.RoleShopper)
	for _, tc := range []struct{ method, path, field string }{
		{"PUT", "/v1/me/tags/" + strings.Repeat("x", 65), "name"},
		{"PUT", "/v1/me/tags/%20", "name"},
		{"GET", "/v1/tags/" + linen + "/posts?cursor=nope", "cursor"},
		{"GET", "/v1/tags/" + linen + "/posts?limit=0", "limit"},
		{"GET", "/v1/me/tags?cursor=nope", "cursor"},
	} {
		code, body := callWith(t, tc.method, base+tc.path, hdr)
		if code != 400 || !strings.Contains(body, `"field":"`+tc.field+`"`) {
			t.Errorf("%s %s = %d %s, want 400 naming %s", tc.method, tc.path, code, body, tc.field)
		}
	}
}
