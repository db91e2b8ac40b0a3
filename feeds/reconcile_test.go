package feeds_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/feeds"
	"github.com/stylegraph/stylegraph/reconcile"
)

// Writes that reached the graph while the cached feed objects missed them
// (a like and a comment whose object update failed, a delete whose tombstone
// was never written) are found by the reconciler, repaired, and gone on the
// next run; objects in step are left alone.
func TestReconcileFeedObjects(t *testing.T) {
	e := newEnv(t, feeds.Config{})
	e.makeUsers(2)
	author, fan := e.user(1), e.user(2)
	liked := e.post(author, "liked behind the cache's back", nil)
	deleted := e.post(author, "deleted behind the cache's back", nil)
	e.post(author, "in step", nil)
	e.follow(fan, author)
	e.consume()

	// The graph alone takes the writes, as when Redis failed right after.
	if _, err := e.g.Posts.LikePost(e.ctx, fan, liked.Post.ID, time.Now()); err != nil {
		t.Fatal(err)
	}
	if _, err := e.g.Posts.AddComment(e.ctx, stylegraph.NewComment{ID: e.base + 900, PostID: liked.Post.ID, UserID: fan, Text: "missed", CreatedAt: time.Now().UTC()}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.g.Posts.DeletePost(e.ctx, deleted.Post.ID); err != nil {
		t.Fatal(err)
	}
	titles := func() []string {
		var out []string
		for _, f := range e.readAll(fan, 20) {
			out = append(out, f.Post.Title)
		}
		return out
	}
	if got := titles(); len(got) != 3 {
		t.Fatalf("before reconciling the fan sees %q; the test needs the deleted post still shown", got)
	}

	dry, err := reconcile.FeedObjects(e.ctx, e.svc, reconcile.Options{DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	want := feeds.ObjectDrift{Checked: 3, Stale: 1, Deleted: 1}
	if diff := cmp.Diff(want, dry.ObjectDrift, cmpIgnoreExamples); diff != "" {
		t.Errorf("dry run (-want +got):\n%s", diff)
	}
	fixed, err := reconcile.FeedObjects(e.ctx, e.svc, reconcile.Options{Batch: 1})
	if err != nil {
		t.Fatal(err)
	}
	want.Repaired = 2
	if diff := cmp.Diff(want, fixed.ObjectDrift, cmpIgnoreExamples); diff != "" {
		t.Errorf("repair (-want +got):\n%s", diff)
	}
	t.Log(fixed)
	after, err := reconcile.FeedObjects(e.ctx, e.svc, reconcile.Options{DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	if after.Drift() != 0 || after.Checked != 2 {
		t.Errorf("after the repair: %v; want 2 objects in step (the third is a tombstone)", after)
	}
	if diff := cmp.Diff([]string{"in step", "liked behind the cache's back"}, titles()); diff != "" {
		t.Errorf("the fan's feed after reconciling (-want +got):\n%s", diff)
	}
	got, err := e.svc.Post(e.ctx, fan, liked.Post.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.LikeCount != 1 || got.CommentCount != 1 {
		t.Errorf("repaired object counts %d likes, %d comments; want 1 and 1", got.LikeCount, got.CommentCount)
	}
}

var cmpIgnoreExamples = cmp.FilterPath(func(p cmp.Path) bool { return p.Last().String() == ".Examples" }, cmp.Ignore())
