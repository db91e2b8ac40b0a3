package main

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/api"
	"github.com/stylegraph/stylegraph/api/client"
	"github.com/stylegraph/stylegraph/internal/e2e"
	"github.com/stylegraph/stylegraph/internal/testenv"
)

// TestEditPostAndDeleteCommentThroughGeneratedClient: the author edits a
// post's text and tags and every reader sees the change; a commenter deletes
// their own comment but not someone else's; an admin deletes anyone's; bad
// input names the field.
func TestEditPostAndDeleteCommentThroughGeneratedClient(t *testing.T) {
	base, d := startServerWith(t, isolate(t))
	ctx := context.Background()
	ids := testenv.IDBase(t)
	author, kim, jun := ids+1, ids+2, ids+3
	e2e.Users(t, d, ids, []stylegraph.User{{ID: author, Name: "Author"}, {ID: kim, Name: "Kim"}, {ID: jun, Name: "Jun"}})
	cl := newAPIClients(t, base, d)
	ac, kc, jc := cl.as(author, stylegraph.RoleShopper), cl.as(kim, stylegraph.RoleShopper), cl.as(jun, stylegraph.RoleShopper)

	created, err := ac.CreatePostWithResponse(ctx, nil, client.PostDraft{Title: ptr("Coat weather"), Tags: ptr([]string{"winter"})})
	if err != nil {
		t.Fatal(err)
	}
	status(t, "POST /v1/posts", created.StatusCode(), 201, created.Body)
	post := created.JSON201.Post.Id

	// Edits: only the author's pass; the result follows the draft rules.
	other, err := jc.EditPostWithResponse(ctx, post, client.PostEdit{Text: ptr("mine now")})
	if err != nil {
		t.Fatal(err)
	}
	status(t, "edit someone else's post", other.StatusCode(), 403, other.Body)
	blank, err := ac.EditPostWithResponse(ctx, post, client.PostEdit{Title: ptr(" ")})
	if err != nil {
		t.Fatal(err)
	}
	if blank.StatusCode() != 400 || blank.JSON400.Error.Field == nil || *blank.JSON400.Error.Field != "text" {
		t.Errorf("blanking the only title = %d %s, want 400 naming text", blank.StatusCode(), blank.Body)
	}
	ed, err := ac.EditPostWithResponse(ctx, post, client.PostEdit{Text: ptr("wool all week"), Tags: ptr([]string{"Wool", "winter"})})
	if err != nil {
		t.Fatal(err)
	}
	status(t, "edit own post", ed.StatusCode(), 200, ed.Body)
	type view struct {
		Title, Text string
		Tags        []string
	}
	want := view{"Coat weather", "wool all week", []string{"winter", "wool"}}
	if diff := cmp.Diff(want, view{ed.JSON200.Post.Title, ed.JSON200.Post.Text, ed.JSON200.Post.Tags}); diff != "" {
		t.Errorf("edited post (-want +got):\n%s", diff)
	}
	got, err := jc.GetPostWithResponse(ctx, post)
	if err != nil {
		t.Fatal(err)
	}
	status(t, "GET post", got.StatusCode(), 200, got.Body)
	if diff := cmp.Diff(want, view{got.JSON200.Post.Title, got.JSON200.Post.Text, got.JSON200.Post.Tags}); diff != "" {
		t.Errorf("post as another reader sees it (-want +got):\n%s", diff)
	}

	// Comments: the author of one deletes it; others may not; admins may.
	comment := func(c *client.ClientWithResponses, text string) int64 {
		t.Helper()
		r, err := c.AddCommentWithResponse(ctx, post, nil, client.AddCommentJSONRequestBody{Text: text})
		if err != nil {
			t.Fatal(err)
		}
		status(t, "comment", r.StatusCode(), 201, r.Body)
		return r.JSON201.ID
	}
	kims, juns := comment(kc, "love it"), comment(jc, "where from?")
	for _, tc := range []struct {
		name     string
		c        *client.ClientWithResponses
		post, c2 int64
		want     int
	}{
		{"someone else's comment", jc, post, kims, 403},
		{"the post's author, not the comment's", ac, post, kims, 403},
		{"own comment on the wrong post", kc, post + 1, kims, 404},
		{"own comment", kc, post, kims, 204},
		{"own comment again", kc, post, kims, 404},
		{"an admin, anyone's comment", cl.as(ids+9, stylegraph.RoleAdmin), post, juns, 204},
	} {
		r, err := tc.c.DeleteCommentWithResponse(ctx, tc.post, tc.c2)
		if err != nil {
			t.Fatal(err)
		}
		if r.StatusCode() != tc.want {
			t.Errorf("%s: delete = %d, want %d: %s", tc.name, r.StatusCode(), tc.want, r.Body)
		}
	}
	after, err := ac.GetPostWithResponse(ctx, post)
	if err != nil {
		t.Fatal(err)
	}
	status(t, "GET post", after.StatusCode(), 200, after.Body)
	if after.JSON200.CommentCount != 0 || len(after.JSON200.Comment) != 0 {
		t.Errorf("after deleting both comments: count %d, comments %+v", after.JSON200.CommentCount, after.JSON200.Comment)
	}

	// Bad input is a 400 naming the field, through plain HTTP (the client's
	// types would not let it through).
	hdr := e2e.Bearer(t, d.Cfg.JWTSecret, author, stylegraph.RoleShopper)
	for _, tc := range []struct{ method, path, body, field string }{
		{"DELETE", fmt.Sprintf("/v1/posts/%d/comments/abc", post), "", "commentId"},
		{"DELETE", fmt.Sprintf("/v1/posts/%d/comments/0", post), "", "commentId"},
		{"PATCH", fmt.Sprintf("/v1/posts/%d", post), `{}`, "text"},
		{"PATCH", fmt.Sprintf("/v1/posts/%d", post), `{"images":[]}`, "images"},
		{"PATCH", fmt.Sprintf("/v1/posts/%d", post), `{"title":5}`, "title"},
		{"PATCH", fmt.Sprintf("/v1/posts/%d", post), `{"tags":[""]}`, "tags[0]"},
		{"PATCH", "/v1/posts/abc", `{"text":"x"}`, "id"},
	} {
		var e api.ErrorBody
		code := e2e.Do(t, tc.method, base+tc.path, hdr, tc.body, &e)
		if code != http.StatusBadRequest || e.Error.Field != tc.field {
			t.Errorf("%s %s %s = %d %+v, want 400 naming %s", tc.method, tc.path, tc.body, code, e.Error, tc.field)
		}
	}
}
