package graph_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/internal/testenv"
)

// An API follow and a follow event go through one statement, so they share
// one tombstone rule whatever order they arrive in.
func TestFollowsShareOneTombstoneRule(t *testing.T) {
	g := testenv.Graph(t)
	ctx := context.Background()
	base := testenv.IDBase(t)
	a, b := base+1, base+2
	if err := g.Catalog.UpsertUsers(ctx, []stylegraph.User{{ID: a, Name: "A"}, {ID: b, Name: "B"}}); err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	following := func() []int64 {
		t.Helper()
		us, err := g.Follows.Following(ctx, a, 0, 10)
		if err != nil {
			t.Fatal(err)
		}
		ids := []int64{}
		for _, u := range us {
			ids = append(ids, u.ID)
		}
		return ids
	}
	steps := []struct {
		name string
		run  func() error
		want []int64
	}{
		{"api follow", func() error { return g.Follows.FollowUser(ctx, a, b, t0) }, []int64{b}},
		{"its event replayed", func() error {
			return g.Activity.ApplyActivity(ctx, stylegraph.Activity{Follows: []stylegraph.Toggle{{EventID: "e1", UserID: a, Kind: "user", ID: b, At: t0}}})
		}, []int64{b}},
		{"api unfollow", func() error { return g.Follows.UnfollowUser(ctx, a, b, t0.Add(time.Minute)) }, []int64{}},
		{"older follow event arriving late", func() error {
			return g.Activity.ApplyActivity(ctx, stylegraph.Activity{Follows: []stylegraph.Toggle{{EventID: "e0", UserID: a, Kind: "user", ID: b, At: t0.Add(30 * time.Second)}}})
		}, []int64{}},
		{"older api follow", func() error { return g.Follows.FollowUser(ctx, a, b, t0.Add(time.Second)) }, []int64{}},
		{"newer api follow", func() error { return g.Follows.FollowUser(ctx, a, b, t0.Add(2*time.Minute)) }, []int64{b}},
		{"older unfollow event arriving late", func() error {
			return g.Activity.ApplyActivity(ctx, stylegraph.Activity{Unfollows: []stylegraph.Toggle{{EventID: "e2", UserID: a, Kind: "user", ID: b, At: t0.Add(90 * time.Second)}}})
		}, []int64{b}},
	}
	for _, st := range steps {
		if err := st.run(); err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		if diff := cmp.Diff(st.want, following()); diff != "" {
			t.Fatalf("after %s, following (-want +got):\n%s", st.name, diff)
		}
	}

	// An API follow of an unknown user is not found and creates nobody.
	ghost := base + 3
	err := g.Follows.FollowUser(ctx, a, ghost, t0)
	if stylegraph.ErrorCode(err) != stylegraph.ENOTFOUND {
		t.Fatalf("follow of unknown user: got %v, want not found", err)
	}
	if err := g.Follows.UnfollowUser(ctx, a, ghost, t0); err != nil {
		t.Fatal(err)
	}
	if _, err := g.Follows.Followers(ctx, ghost, 0, 10); stylegraph.ErrorCode(err) != stylegraph.ENOTFOUND {
		t.Fatalf("unknown user after API follow and unfollow: got %v, want not found", err)
	}
	if err := g.Follows.FollowBrand(ctx, a, base+4, t0); stylegraph.ErrorCode(err) != stylegraph.ENOTFOUND {
		t.Fatalf("follow of unknown brand: got %v, want not found", err)
	}
}
