package notify_test

import (
	"context"
	"testing"
	"time"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/internal/testenv"
	"github.com/stylegraph/stylegraph/notify"
)

// TestStoreAggregatesAndMarksRead runs the store on the real Redis (and,
// with REDIS_ADDRS, on a cluster, where a user's keys must share a slot):
// two likes of one post aggregate, and marking read clears the unread count.
func TestStoreAggregatesAndMarksRead(t *testing.T) {
	s := notify.New(testenv.Redis(t), testenv.Namespace(t))
	ctx := context.Background()
	now := time.Now()
	for i, actor := range []stylegraph.User{{ID: 2, Name: "Ana"}, {ID: 3, Name: "Jun"}} {
		a := notify.Activity{Recipient: 1, Type: stylegraph.NotifyLike, Target: stylegraph.NotificationTarget{Kind: "post", ID: 9},
			Actor: actor, At: now.Add(time.Duration(i) * time.Millisecond)}
		if err := s.Add(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	page, err := s.List(ctx, 1, "", 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Items) != 1 || page.Items[0].Text != "Jun and Ana liked your post" || page.Unread != 1 {
		t.Fatalf("page = %+v", page)
	}
	if err := s.MarkRead(ctx, 1, now.Add(time.Second)); err != nil {
		t.Fatal(err)
	}
	if page, err = s.List(ctx, 1, "", 10); err != nil || page.Unread != 0 {
		t.Fatalf("after marking read: %+v %v", page, err)
	}
}
