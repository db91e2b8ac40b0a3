package main

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/api/client"
	"github.com/stylegraph/stylegraph/internal/e2e"
	"github.com/stylegraph/stylegraph/internal/testenv"
)

// TestEditMentionsNotifyThroughGeneratedClient: a post mentions Ana; an edit
// that adds Jun notifies Jun, and not Ana again (her notification, read
// before the edit, stays read); Kim, never mentioned, hears nothing.
func TestEditMentionsNotifyThroughGeneratedClient(t *testing.T) {
	base, d := startServerWith(t, isolate(t))
	ctx := context.Background()
	ids := testenv.IDBase(t)
	author, ana, jun, kim := ids+1, ids+2, ids+3, ids+4
	e2e.Users(t, d, ids, []stylegraph.User{{ID: author, Name: "Author"}, {ID: ana, Name: "Ana"}, {ID: jun, Name: "Jun"}, {ID: kim, Name: "Kim"}})
	startWorker(t, d)
	api := newAPIClients(t, base, d)
	ac := api.as(author, stylegraph.RoleShopper)

	created, err := ac.CreatePostWithResponse(ctx, nil, client.PostDraft{Title: ptr("Coat weather"), Text: ptr(fmt.Sprintf("with @%d", ana))})
	if err != nil {
		t.Fatal(err)
	}
	status(t, "POST /v1/posts", created.StatusCode(), 201, created.Body)
	post := created.JSON201.Post.Id

	if p := api.awaitNotifications(ana, anyNotification); len(p.Items) != 1 || p.Items[0].Type != "mention" || p.Items[0].Text != "Author mentioned you" {
		t.Fatalf("Ana's notifications after the post: %+v", p)
	}
	mr, err := api.as(ana, stylegraph.RoleShopper).MarkNotificationsReadWithResponse(ctx)
	if err != nil {
		t.Fatal(err)
	}
	status(t, "mark read", mr.StatusCode(), 204, mr.Body)
	time.Sleep(5 * time.Millisecond) // a later millisecond than the mark

	ed, err := ac.EditPostWithResponse(ctx, post, client.PostEdit{Text: ptr(fmt.Sprintf("with @%d and @%d", ana, jun))})
	if err != nil {
		t.Fatal(err)
	}
	status(t, "PATCH /v1/posts/{id}", ed.StatusCode(), 200, ed.Body)

	p := api.awaitNotifications(jun, anyNotification)
	if len(p.Items) != 1 || p.Items[0].Type != "mention" || p.Items[0].Target.Id != post || p.Items[0].Text != "Author mentioned you" || p.Unread != 1 {
		t.Fatalf("Jun's notifications after the edit: %+v", p)
	}
	// The edit's one event told Jun; had it told Ana, her notification
	// would be unread again by now.
	if p := api.notifications(ana); len(p.Items) != 1 || p.Unread != 0 {
		t.Errorf("Ana's notifications after the edit: %+v, want her one mention, still read", p)
	}
	if p := api.notifications(kim); len(p.Items) != 0 {
		t.Errorf("Kim's notifications: %+v, want none", p)
	}
}

func anyNotification(p client.NotificationPage) bool { return len(p.Items) > 0 }
