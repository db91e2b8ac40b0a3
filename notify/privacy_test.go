package notify_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/internal/testenv"
	"github.com/stylegraph/stylegraph/notify"
)

// TestEraseUser runs on the real Redis (and the cluster with REDIS_ADDRS):
// after Ana is erased, no notification of anyone names her or counts her,
// a notification only she made is gone, and her own notifications are gone.
func TestEraseUser(t *testing.T) {
	s := notify.New(testenv.Redis(t), testenv.Namespace(t))
	ctx := context.Background()
	// IDs near 2^53 check the actor is matched exactly, not through a float.
	const bob, carl, dan = 1, 2, 3
	ana := stylegraph.User{ID: 1<<52 - 7, Name: "Ana Erased"}
	jun := stylegraph.User{ID: 1<<52 - 70, Name: "Jun"}
	post := stylegraph.NotificationTarget{Kind: "post", ID: 9}
	now := time.Now()
	adds := []notify.Activity{
		{Recipient: bob, Type: stylegraph.NotifyLike, Target: post, Actor: jun},
		{Recipient: bob, Type: stylegraph.NotifyLike, Target: post, Actor: ana},
		{Recipient: carl, Type: stylegraph.NotifyMention, Target: stylegraph.NotificationTarget{Kind: "post", ID: 10}, Actor: ana},
		{Recipient: dan, Type: stylegraph.NotifyFollow, Target: stylegraph.NotificationTarget{Kind: "user", ID: dan}, Actor: ana},
		{Recipient: dan, Type: stylegraph.NotifyFollow, Target: stylegraph.NotificationTarget{Kind: "user", ID: dan}, Actor: jun},
		{Recipient: ana.ID, Type: stylegraph.NotifyFollow, Target: stylegraph.NotificationTarget{Kind: "user", ID: ana.ID}, Actor: jun},
	}
	for i, a := range adds {
		a.At = now.Add(time.Duration(i) * time.Millisecond)
		if err := s.Add(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	if got, err := s.ExportUser(ctx, ana.ID); err != nil || len(got.([]stylegraph.Notification)) != 1 {
		t.Fatalf("export before erasure = %+v, %v", got, err)
	}
	if err := s.EraseUser(ctx, ana.ID, nil); err != nil {
		t.Fatal(err)
	}

	type note struct {
		Type   string
		Actors []stylegraph.User
		Count  int64
		Text   string
	}
	want := map[int64][]note{
		bob:    {{stylegraph.NotifyLike, []stylegraph.User{jun}, 1, "Jun liked your post"}},
		carl:   {},
		dan:    {{stylegraph.NotifyFollow, []stylegraph.User{jun}, 1, "Jun started following you"}},
		ana.ID: {},
	}
	for uid, w := range want {
		page, err := s.List(ctx, uid, "", 10)
		if err != nil {
			t.Fatal(err)
		}
		got := []note{}
		for _, n := range page.Items {
			got = append(got, note{n.Type, n.Actors, n.ActorCount, n.Text})
			for _, a := range n.Actors {
				if a.ID == ana.ID || strings.Contains(n.Text, "Ana") {
					t.Errorf("user %d still sees the erased user: %+v", uid, n)
				}
			}
		}
		if diff := cmp.Diff(w, got, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("notifications of user %d after erasure (-want +got):\n%s", uid, diff)
		}
	}
	// Erasing twice (a retry) is harmless.
	if err := s.EraseUser(ctx, ana.ID, nil); err != nil {
		t.Fatal(err)
	}
}
