package insights_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/stylegraph/stylegraph/ingest"
	"github.com/stylegraph/stylegraph/insights"
	"github.com/stylegraph/stylegraph/internal/testenv"
)

func search(id, q string, results int, at time.Time) ingest.Event {
	return ingest.Event{ID: id, Type: ingest.Search, UserID: 1, OccurredAt: at, Data: ingest.Data{Query: q, ResultCount: &results}}
}

func TestSearchStatsCountsOnceAndRanks(t *testing.T) {
	s := insights.NewSearchStats(testenv.Redis(t), testenv.Namespace(t))
	ctx := context.Background()
	now := time.Now().UTC()
	yesterday := now.Add(-24 * time.Hour)
	batch := []ingest.Event{
		search("00000000-0000-4000-8000-000000000001", "Black Sneakers", 12, now),
		search("00000000-0000-4000-8000-000000000002", "black  sneakers", 9, yesterday),
		search("00000000-0000-4000-8000-000000000003", "linen kurta", 0, now),
		search("00000000-0000-4000-8000-000000000004", "linen kurta", 0, now),
		search("00000000-0000-4000-8000-000000000005", "tee", 40, now),
		{ID: "00000000-0000-4000-8000-000000000006", Type: ingest.View, UserID: 1, OccurredAt: now},
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
