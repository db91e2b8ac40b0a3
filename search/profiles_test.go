package search_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/internal/testenv"
	"github.com/stylegraph/stylegraph/search"
)

// countingProfiles answers from a map and counts the lookups.
type countingProfiles struct {
	calls int
	err   error
}

func (c *countingProfiles) TasteProfile(ctx context.Context, userID int64) (stylegraph.TasteProfile, error) {
	c.calls++
	if c.err != nil {
		return stylegraph.TasteProfile{}, c.err
	}
	return stylegraph.TasteProfile{Brands: map[string]float64{"Nova": float64(userID)}, LikedByFollowed: map[int64]int{9: 2}}, nil
}

func TestCachedProfilesAskTheGraphOncePerTTL(t *testing.T) {
	rdb := testenv.Redis(t)
	src := &countingProfiles{}
	cache := search.NewCachedProfiles(src, rdb, testenv.Namespace(t)+"profile:", 300*time.Millisecond)
	ctx := context.Background()
	want := stylegraph.TasteProfile{Brands: map[string]float64{"Nova": 5}, LikedByFollowed: map[int64]int{9: 2}}
	for i := 0; i < 3; i++ {
		got, err := cache.TasteProfile(ctx, 5)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("call %d (-want +got):\n%s", i, diff)
		}
	}
	if src.calls != 1 {
		t.Errorf("graph asked %d times for three searches, want 1", src.calls)
	}
	time.Sleep(400 * time.Millisecond)
	if _, err := cache.TasteProfile(ctx, 5); err != nil || src.calls != 2 {
		t.Errorf("after the TTL: calls %d err %v, want a fresh lookup", src.calls, err)
	}
	src.err = errors.New("graph down")
	if _, err := cache.TasteProfile(ctx, 6); err == nil {
		t.Error("an uncached profile with the graph down returned no error")
	}
}

// TestSearchDegradesWhenTheProfileFails keeps answering, unpersonalised,
// and says so.
func TestSearchDegradesWhenTheProfileFails(t *testing.T) {
	e := search.NewEngine(shop(t, smallShop()), &countingProfiles{err: errors.New("graph down")}, quiet())
	res, err := e.Search(context.Background(), stylegraph.SearchRequest{Query: "tee", UserID: 5, Personalize: true})
	if err != nil {
		t.Fatal(err)
	}
	want := &stylegraph.Personalization{Enabled: true, Degraded: true, Applied: []stylegraph.Boost{}}
	if diff := cmp.Diff(want, res.Personalization); diff != "" || len(res.Hits) != 2 {
		t.Errorf("personalization (-want +got):\n%s\nhits %v", diff, ids(res))
	}
}
