package feeds_test

import (
	"testing"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/feeds"
	"github.com/stylegraph/stylegraph/idempotency"
)

// A request retried with the same Idempotency-Key after its first attempt
// wrote the post but failed later (Redis down for the feed lists: the API
// answered 503 and kept nothing) writes the same post again, not a second
// one; without a key every call is a new post.
func TestRetriedPostWithAKeyIsOnePost(t *testing.T) {
	e := newEnv(t, feeds.Config{})
	e.makeUsers(1)
	author := e.user(1)
	keyed := idempotency.NewContext(e.ctx, "1:key-1:fingerprint")
	draft := stylegraph.PostDraft{Title: "once"}
	first, err := e.svc.CreatePost(keyed, author, draft)
	if err != nil {
		t.Fatal(err)
	}
	again, err := e.svc.CreatePost(keyed, author, draft)
	if err != nil {
		t.Fatal(err)
	}
	if again.Post.ID != first.Post.ID || again.ID != first.ID {
		t.Errorf("retry made post %d (feed %d), first was %d (feed %d)", again.Post.ID, again.ID, first.Post.ID, first.ID)
	}
	if _, err := e.svc.CreatePost(e.ctx, author, draft); err != nil {
		t.Fatal(err)
	}
	ids, err := e.g.Timelines.AuthorFeedIDs(e.ctx, author, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(ids) != 2 {
		t.Errorf("author has %d posts in the graph, want 2 (one keyed, retried; one without a key)", len(ids))
	}
}

// A comment retried with the same Idempotency-Key is one comment; the same
// text without a key is a second one.
func TestRetriedCommentWithAKeyIsOneComment(t *testing.T) {
	e := newEnv(t, feeds.Config{})
	e.makeUsers(1)
	author := e.user(1)
	post := e.post(author, "commented once", nil)
	keyed := idempotency.NewContext(e.ctx, "1:comment-key-1:fingerprint")
	first, err := e.svc.AddComment(keyed, author, post.Post.ID, "nice")
	if err != nil {
		t.Fatal(err)
	}
	again, err := e.svc.AddComment(keyed, author, post.Post.ID, "nice")
	if err != nil {
		t.Fatal(err)
	}
	if again.ID != first.ID {
		t.Errorf("retry made comment %d, first was %d", again.ID, first.ID)
	}
	if _, err := e.svc.AddComment(e.ctx, author, post.Post.ID, "nice"); err != nil {
		t.Fatal(err)
	}
	page, err := e.svc.Comments(e.ctx, post.Post.ID, "", 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Items) != 2 {
		t.Errorf("post has %d comments, want 2 (one keyed, retried; one without a key)", len(page.Items))
	}
	got, err := e.svc.Post(e.ctx, author, post.Post.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.CommentCount != 2 {
		t.Errorf("feed object counts %d comments, want 2", got.CommentCount)
	}
}
