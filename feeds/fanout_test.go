package feeds_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/redis/go-redis/v9"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/feeds"
	"github.com/stylegraph/stylegraph/graph"
)

// Users: 1 author; 2, 3 follow 1; 4 follows the brand of the featured
// product; 5 has a strong interest in the post's tag, 6 a weak one; 7 follows
// someone else; 8 follows 1 and the brand (gets it once, as following).
func TestFanoutReachesExactlyTheRightUsers(t *testing.T) {
	e := newEnv(t, feeds.Config{InterestMin: 5})
	e.makeUsers(9)
	u := e.user
	brand := "Fanout Brand " + t.Name()
	product := stylegraph.Product{ID: u(500), Title: "Boots", Brand: brand, Price: 120}
	if err := e.g.Catalog.UpsertProducts(e.ctx, []stylegraph.Product{product}); err != nil {
		t.Fatal(err)
	}
	tag := "fanout-tag-" + time.Now().Format("150405.000000")
	for _, f := range []int64{2, 3, 8} {
		e.follow(u(int(f)), u(1))
	}
	e.follow(u(7), u(9))
	for _, f := range []int{4, 8} {
		if err := e.svc.Follow(e.ctx, u(f), feeds.KindBrands, stylegraph.BrandID(brand)); err != nil {
			t.Fatal(err)
		}
	}
	now := time.Now()
	if err := e.g.Seed.SetTagInterests(e.ctx, []graph.TagInterest{
		{UserID: u(5), Tag: tag, Weight: 12, At: now},
		{UserID: u(6), Tag: tag, Weight: 2, At: now},
	}); err != nil {
		t.Fatal(err)
	}
	e.log.take() // the follow events are not under test here

	f := e.post(u(1), "New boots", []string{tag}, product.ID)
	evs := e.log.take()
	if len(evs) != 1 {
		t.Fatalf("events = %+v", evs)
	}
	// Redelivery must not change the outcome.
	for range 2 {
		if err := e.svc.Handle(e.ctx, evs); err != nil {
			t.Fatal(err)
		}
	}

	want := map[int64]string{
		u(1): stylegraph.ReasonOwn,
		u(2): stylegraph.ReasonFollowing, u(3): stylegraph.ReasonFollowing, u(8): stylegraph.ReasonFollowing,
		u(4): stylegraph.ReasonBrand,
		u(5): stylegraph.ReasonInterest,
	}
	got := map[int64]string{}
	for i := 1; i <= 9; i++ {
		if reason, ok := e.listed(u(i))[f.ID]; ok {
			got[u(i)] = reason
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("recipients and reasons (-want +got):\n%s", diff)
	}
	// Users who follow nobody (1, 5) also get trending items, which other
	// tests may be creating right now: look the post up rather than expect it first.
	for uid, reason := range want {
		page, err := e.svc.Read(e.ctx, uid, "", 100)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, it := range page.Items {
			if it.ID == f.ID {
				found = true
				if it.Reason != reason {
					t.Errorf("feed of %d has the post with reason %q, want %q", uid, it.Reason, reason)
				}
			}
		}
		if !found {
			t.Errorf("feed of %d = %v lacks item %d", uid, ids(page.Items), f.ID)
		}
	}
	page, err := e.svc.Read(e.ctx, u(7), "", 20)
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range page.Items {
		if it.ID == f.ID {
			t.Errorf("user 7 follows neither the author nor the brand but got the post")
		}
	}
}

func TestFanoutCapsTheList(t *testing.T) {
	e := newEnv(t, feeds.Config{Cap: 10})
	e.makeUsers(2)
	e.follow(e.user(2), e.user(1))
	for i := range 14 {
		e.post(e.user(1), "post "+string(rune('a'+i)), nil)
	}
	e.consume()
	n, err := e.r.LLen(e.ctx, e.svc.TimelineKey(e.user(2))).Result()
	if err != nil {
		t.Fatal(err)
	}
	// The fan-out trims a list back to the cap once it passes the cap by
	// the slack (10/8 rounds to 1): 14 pushes end between 10 and 11.
	if n < 10 || n > 11 {
		t.Fatalf("list length %d, want the cap 10 plus at most a slack of 1", n)
	}
}

func TestCelebrityIsPulledNotPushed(t *testing.T) {
	e := newEnv(t, feeds.Config{CelebrityThreshold: 3})
	e.makeUsers(6)
	u := e.user
	for _, f := range []int{2, 3, 4} {
		e.follow(u(f), u(1)) // user 1 reaches the threshold: a celebrity
	}
	e.follow(u(2), u(5)) // an ordinary author too
	e.log.take()
	celeb := e.post(u(1), "celebrity post", nil)
	plain := e.post(u(5), "plain post", nil)
	evs := e.log.take()
	st, err := e.svc.Fanout(e.ctx, evs[0].Target.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !st.Celebrity || st.Recipients != 1 {
		t.Errorf("celebrity fan-out = %+v, want celebrity with only the author's own list written", st)
	}
	if _, err := e.svc.Fanout(e.ctx, evs[1].Target.ID); err != nil {
		t.Fatal(err)
	}
	for _, f := range []int{2, 3, 4} {
		if _, ok := e.listed(u(f))[celeb.ID]; ok {
			t.Errorf("celebrity post pushed to follower %d", f)
		}
	}
	got := e.readAll(u(2), 20)
	if diff := cmp.Diff([]int64{plain.ID, celeb.ID}, ids(got)); diff != "" {
		t.Errorf("follower's feed merges the celebrity's post (-want +got):\n%s", diff)
	}
	if got[1].Reason != stylegraph.ReasonFollowing {
		t.Errorf("celebrity item reason %q", got[1].Reason)
	}
	for _, it := range e.readAll(u(6), 50) {
		if it.Reason != stylegraph.ReasonTrending {
			t.Errorf("user 6 follows nobody but got item %d with reason %q", it.ID, it.Reason)
		}
	}
}

// TestFanoutPublishesToOnlineRecipients: a follower with an open live stream
// gets the post pushed on it, an offline follower does not; the same holds
// when more users are online than a fan-out reads whole (then each batch
// asks Redis about its recipients).
func TestFanoutPublishesToOnlineRecipients(t *testing.T) {
	e := newEnv(t, feeds.Config{Heartbeat: time.Hour})
	e.makeUsers(3)
	author, online, offline := e.user(1), e.user(2), e.user(3)
	e.follow(online, author)
	e.follow(offline, author)
	e.log.take()

	got := make(chan int64, 10)
	ctx, cancel := context.WithCancel(context.Background())
	opened, done := make(chan struct{}), make(chan error, 1)
	go func() {
		done <- e.svc.Stream(ctx, online, "", func() error { close(opened); return nil },
			func(id int64, _ []byte) error { got <- id; return nil }, func() error { return nil })
	}()
	t.Cleanup(func() { cancel(); <-done })
	select {
	case <-opened:
	case err := <-done:
		t.Fatalf("stream: %v", err)
	case <-time.After(20 * time.Second):
		t.Fatal("stream not open after 20s")
	}

	check := func(what string) {
		t.Helper()
		f := e.post(author, what, nil)
		e.log.take()
		st, err := e.svc.Fanout(e.ctx, f.Post.ID)
		if err != nil {
			t.Fatal(err)
		}
		if st.Recipients != 3 || st.Online != 1 {
			t.Errorf("%s: %d recipients, %d online; want 3 and 1", what, st.Recipients, st.Online)
		}
		select {
		case id := <-got:
			if id != f.ID {
				t.Errorf("%s: live item %d, want %d", what, id, f.ID)
			}
		case <-time.After(10 * time.Second):
			t.Errorf("%s: nothing on the live stream after 10s", what)
		}
	}
	check("few online")

	// More online users than a fan-out reads whole (leases an hour out).
	lease := float64(time.Now().Add(time.Hour).UnixMilli())
	var zs []redis.Z
	for i := range 1500 {
		zs = append(zs, redis.Z{Score: lease, Member: strconv.Itoa(9_000_000 + i)})
	}
	if err := e.r.ZAdd(e.ctx, e.prefix+"online", zs...).Err(); err != nil {
		t.Fatal(err)
	}
	check("many online")
}
