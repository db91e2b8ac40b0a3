package graph_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/graph"
)

func TestToActivity(t *testing.T) {
	at := time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC)
	ev := func(id string, typ stylegraph.EventType, kind stylegraph.TargetKind, target int64, name string, data stylegraph.EventData) stylegraph.Event {
		e := stylegraph.Event{ID: id, Type: typ, UserID: 7, OccurredAt: at, Data: data}
		if kind != "" {
			e.Target = &stylegraph.EventTarget{Kind: kind, ID: target, Name: name}
		}
		return e
	}
	got := graph.ToActivity([]stylegraph.Event{
		ev("a", stylegraph.EventFollow, stylegraph.TargetUser, 8, "", stylegraph.EventData{}),
		ev("b", stylegraph.EventFollow, stylegraph.TargetTag, 0, "denim", stylegraph.EventData{}),
		ev("c", stylegraph.EventUnlike, stylegraph.TargetPost, 9, "", stylegraph.EventData{}),
		ev("d", stylegraph.EventView, stylegraph.TargetBrand, 10, "", stylegraph.EventData{}),
		ev("e", stylegraph.EventPurchase, stylegraph.TargetProduct, 11, "", stylegraph.EventData{Price: 20, Quantity: 2}),
		ev("f", stylegraph.EventRemoveFromCart, stylegraph.TargetProduct, 11, "", stylegraph.EventData{Quantity: 1}),
		ev("g", stylegraph.EventSearch, "", 0, "", stylegraph.EventData{Query: "red"}),
		ev("h", stylegraph.EventComment, stylegraph.TargetPost, 9, "", stylegraph.EventData{Text: "nice"}),
		ev("i", stylegraph.EventPostCreated, stylegraph.TargetPost, 9, "", stylegraph.EventData{}),
		ev("j", stylegraph.EventHide, stylegraph.TargetProduct, 12, "", stylegraph.EventData{}),
	})
	want := stylegraph.Activity{
		Follows: []stylegraph.Toggle{
			{EventID: "a", UserID: 7, Kind: "user", ID: 8, At: at},
			{EventID: "b", UserID: 7, Kind: "tag", Name: "denim", At: at},
		},
		Unlikes:     []stylegraph.Toggle{{EventID: "c", UserID: 7, Kind: "post", ID: 9, At: at}},
		Hides:       []stylegraph.Toggle{{EventID: "j", UserID: 7, Kind: "product", ID: 12, At: at}},
		Purchases:   []stylegraph.Counted{{EventID: "e", UserID: 7, Kind: "product", ID: 11, Quantity: 2, Amount: 40, At: at}},
		CartRemoves: []stylegraph.Counted{{EventID: "f", UserID: 7, Kind: "product", ID: 11, Quantity: 1, At: at}},
		// Follows of users, unlikes, searches, comments and posts add no interest.
		Interests: []stylegraph.Interest{
			{EventID: "b", UserID: 7, Kind: "tag", Name: "denim", Weight: 5, At: at},
			{EventID: "d", UserID: 7, Kind: "brand", ID: 10, Weight: 1, At: at},
			{EventID: "e", UserID: 7, Kind: "product", ID: 11, Weight: 6, At: at},
		},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
