package insights_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/insights"
	"github.com/stylegraph/stylegraph/internal/testenv"
)

func search(id, q string, results int, at time.Time) stylegraph.Event {
	return stylegraph.Event{ID: id, Type: stylegraph.EventSearch, UserID: 1, OccurredAt: at, Data: stylegraph.EventData{Query: q, ResultCount: &results}}
}

func TestSearchStatsCountsOnceAndRanks(t *testing.T) {
	s := insights.NewSearchStats(testenv.Redis(t), testenv.Namespace(t))
	ctx := context.Background()
	now := time.Now().UTC()
	yesterday := now.Add(-24 * time.Hour)
	batch := []stylegraph.Event{
		search("00000000-0000-4000-8000-000000000001", "Black Sneakers", 12, now),
		search("00000000-0000-4000-8000-000000000002", "black  sneakers", 9, yesterday),
		search("00000000-0000-4000-8000-000000000003", "linen kurta", 0, now),
		search("00000000-0000-4000-8000-000000000004", "linen kurta", 0, now),
		search("00000000-0000-4000-8000-000000000005", "tee", 40, now),
		{ID: "00000000-0000-4000-8000-000000000006", Type: stylegraph.EventView, UserID: 1, OccurredAt: now},
	}
	// The same batch twice: a redelivery must not count again.
	for i := 0; i < 2; i++ {
		if err := s.Handle(ctx, batch); err != nil {
			t.Fatal(err)
		}
	}
	top, zero, err := s.Top(ctx, yesterday, now, 10)
	if err != nil {
		t.Fatal(err)
	}
	wantTop := []insights.QueryCount{{"linen kurta", 2}, {"black sneakers", 2}, {"tee", 1}}
	if diff := cmp.Diff(wantTop, top, cmpopts.SortSlices(func(a, b insights.QueryCount) bool {
		return a.Count > b.Count || a.Count == b.Count && a.Query < b.Query
	})); diff != "" {
		t.Errorf("top (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]insights.QueryCount{{"linen kurta", 2}}, zero); diff != "" {
		t.Errorf("zero-result (-want +got):\n%s", diff)
	}
	top, _, err = s.Top(ctx, now, now, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(top) != 3 || top[2].Count != 1 {
		t.Errorf("today only: %+v", top)
	}
}

// TestSearchAnalyticsAfterSearch: clicks and add to carts sent with a
// search's queryID count for that search's query, once per event and once
// per search for the rates; unknown queryIDs count nowhere.
func TestSearchAnalyticsAfterSearch(t *testing.T) {
	s := insights.NewSearchStats(testenv.Redis(t), testenv.Namespace(t))
	ctx := context.Background()
	now := time.Now().UTC()
	qid := func(i int) string { return fmt.Sprintf("%032x", i) }
	withID := func(e stylegraph.Event, q string) stylegraph.Event { e.Data.QueryID = q; return e }
	after := func(id string, typ stylegraph.EventType, q string, pos int) stylegraph.Event {
		return stylegraph.Event{ID: id, Type: typ, UserID: 1, OccurredAt: now, Target: &stylegraph.EventTarget{Kind: stylegraph.TargetProduct, ID: 7},
			Data: stylegraph.EventData{QueryID: q, Position: pos}}
	}
	batch := []stylegraph.Event{
		withID(search("00000000-0000-4000-8000-000000000001", "Black Sneakers", 12, now), qid(1)),
		withID(search("00000000-0000-4000-8000-000000000002", "black sneakers", 9, now), qid(2)),
		withID(search("00000000-0000-4000-8000-000000000003", "linen kurta", 0, now), qid(3)),
		// Search 1: two clicks (positions 1 and 3) and an add to cart.
		after("00000000-0000-4000-8000-000000000011", stylegraph.EventView, qid(1), 1),
		after("00000000-0000-4000-8000-000000000012", stylegraph.EventView, qid(1), 3),
		after("00000000-0000-4000-8000-000000000013", stylegraph.EventAddToCart, qid(1), 3),
		// Search 2: one click at position 2.
		after("00000000-0000-4000-8000-000000000014", stylegraph.EventView, qid(2), 2),
		// A queryID no search handed out.
		after("00000000-0000-4000-8000-000000000015", stylegraph.EventView, qid(99), 1),
	}
	for i := 0; i < 2; i++ { // a redelivery counts nothing again
		if err := s.Handle(ctx, batch); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.Analytics(ctx, now, now, 10, false)
	if err != nil {
		t.Fatal(err)
	}
	want := []insights.QueryAnalytics{
		{Query: "black sneakers", Searches: 2, Clicks: 3, ClickedSearches: 2, ClickThroughRate: 1, Carts: 1, CartedSearches: 1, ConversionRate: 0.5, AverageClickPosition: 2},
		{Query: "linen kurta", Searches: 1, ZeroResults: 1},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("analytics (-want +got):\n%s", diff)
	}
	zero, err := s.Analytics(ctx, now, now, 10, true)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want[1:], zero); diff != "" {
		t.Errorf("zero-result analytics (-want +got):\n%s", diff)
	}
	days, err := s.Daily(ctx, now, now)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]insights.DayCount{{Day: now.Format("2006-01-02"), Searches: 3, ZeroResults: 1}}, days); diff != "" {
		t.Errorf("daily (-want +got):\n%s", diff)
	}
}
