package ingest_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/stylegraph/stylegraph/graph"
	"github.com/stylegraph/stylegraph/ingest"
)

func TestToActivity(t *testing.T) {
	at := time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC)
	ev := func(id string, typ ingest.Type, kind ingest.Kind, target int64, name string, data ingest.Data) ingest.Event {
		e := ingest.Event{ID: id, Type: typ, UserID: 7, OccurredAt: at, Data: data}
		if kind != "" {
			e.Target = &ingest.Target{Kind: kind, ID: target, Name: name}
		}
		return e
	}
	got := ingest.ToActivity([]ingest.Event{
		ev("a", ingest.Follow, ingest.KindUser, 8, "", ingest.Data{}),
		ev("b", ingest.Follow, ingest.KindTag, 0, "denim", ingest.Data{}),
		ev("c", ingest.Unlike, ingest.KindPost, 9, "", ingest.Data{}),
		ev("d", ingest.View, ingest.KindBrand, 10, "", ingest.Data{}),
		ev("e", ingest.Purchase, ingest.KindProduct, 11, "", ingest.Data{Price: 20, Quantity: 2}),
		ev("f", ingest.RemoveFromCart, ingest.KindProduct, 11, "", ingest.Data{Quantity: 1}),
		ev("g", ingest.Search, "", 0, "", ingest.Data{Query: "red"}),
		ev("h", ingest.CommentEvent, ingest.KindPost, 9, "", ingest.Data{Text: "nice"}),
		ev("i", ingest.PostCreated, ingest.KindPost, 9, "", ingest.Data{}),
		ev("j", ingest.Hide, ingest.KindProduct, 12, "", ingest.Data{}),
	})
	want := graph.Activity{
		Follows: []graph.Toggle{
			{EventID: "a", UserID: 7, Kind: "user", ID: 8, At: at},
			{EventID: "b", UserID: 7, Kind: "tag", Name: "denim", At: at},
		},
		Unlikes:     []graph.Toggle{{EventID: "c", UserID: 7, Kind: "post", ID: 9, At: at}},
		Hides:       []graph.Toggle{{EventID: "j", UserID: 7, Kind: "product", ID: 12, At: at}},
		Purchases:   []graph.Counted{{EventID: "e", UserID: 7, Kind: "product", ID: 11, Quantity: 2, Amount: 40, At: at}},
		CartRemoves: []graph.Counted{{EventID: "f", UserID: 7, Kind: "product", ID: 11, Quantity: 1, At: at}},
		// Follows of users, unlikes, searches, comments and posts add no interest.
		Interests: []graph.Interest{
			{EventID: "b", UserID: 7, Kind: "tag", Name: "denim", Weight: 5, At: at},
			{EventID: "d", UserID: 7, Kind: "brand", ID: 10, Weight: 1, At: at},
			{EventID: "e", UserID: 7, Kind: "product", ID: 11, Weight: 6, At: at},
		},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
