package feeds_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/feeds"
)

// Users: 1 author; 2 follows 1 and the tag (gets the post once, as
// following); 3, 4 and 5 follow the tag, 5 most recently; 6 follows another
// tag. With TagFollowerLimit 2 the fan-out reaches the two most recent tag
// followers (5 and 4), never 3 or 6.
func TestFanoutReachesTagFollowersBounded(t *testing.T) {
	e := newEnv(t, feeds.Config{TagFollowerLimit: 2})
	e.makeUsers(6)
	u := e.user
	stamp := time.Now().Format("150405.000000")
	tag, other := "tagfan-"+stamp, "tagother-"+stamp
	e.follow(u(2), u(1))
	for _, f := range []int{2, 3, 4, 5} {
		if err := e.svc.FollowTag(e.ctx, u(f), tag); err != nil {
			t.Fatal(err)
		}
		time.Sleep(5 * time.Millisecond) // distinct follow times: the cap keeps the newest
	}
	if err := e.svc.FollowTag(e.ctx, u(6), other); err != nil {
		t.Fatal(err)
	}
	e.log.take() // the follow events are not under test here

	f := e.post(u(1), "Tagged look", []string{tag})
	evs := e.log.take()
	for range 2 { // redelivery must not change the outcome
		if err := e.svc.Handle(e.ctx, evs); err != nil {
			t.Fatal(err)
		}
	}
	want := map[int64]string{
		u(1): stylegraph.ReasonOwn,
		u(2): stylegraph.ReasonFollowing,
		u(4): stylegraph.ReasonTag,
		u(5): stylegraph.ReasonTag,
	}
	got := map[int64]string{}
	for i := 1; i <= 6; i++ {
		if reason, ok := e.listed(u(i))[f.ID]; ok {
			got[u(i)] = reason
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("recipients and reasons (-want +got):\n%s", diff)
	}
	page, err := e.svc.Read(e.ctx, u(5), "", 100)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, it := range page.Items {
		if it.ID == f.ID {
			found = it.Reason == stylegraph.ReasonTag
		}
	}
	if !found {
		t.Errorf("feed of tag follower %d = %v lacks item %d with reason tag", u(5), ids(page.Items), f.ID)
	}
}
