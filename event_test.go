package stylegraph_test

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/stylegraph/stylegraph"
)

// TestEventDataRules checks, per event type, which data fields an event may
// carry, their limits, the first field an invalid event is refused for, and
// what validation normalises in an accepted one.
func TestEventDataRules(t *testing.T) {
	now := time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)
	product := &stylegraph.EventTarget{Kind: stylegraph.TargetProduct, ID: 2}
	post := &stylegraph.EventTarget{Kind: stylegraph.TargetPost, ID: 2}
	targetOf := map[stylegraph.EventType]*stylegraph.EventTarget{
		stylegraph.EventView: product, stylegraph.EventLike: product, stylegraph.EventAddToCart: product,
		stylegraph.EventRemoveFromCart: product, stylegraph.EventPurchase: product, stylegraph.EventComment: post,
		stylegraph.EventPostCreated: post, stylegraph.EventPostEdited: post,
	}
	qid := strings.Repeat("ab", 16)
	n := func(v int) *int { return &v }
	filters := map[string]string{}
	for k := range 21 {
		filters[strings.Repeat("f", k+1)] = "v"
	}
	mentions := make([]int64, stylegraph.MaxMentions+1)
	for k := range mentions {
		mentions[k] = int64(k + 1)
	}
	for _, tc := range []struct {
		name  string
		typ   stylegraph.EventType
		data  stylegraph.EventData
		field string                // refused for this field; "" accepts
		want  *stylegraph.EventData // an accepted event's data after validation
	}{
		{"search trimmed", stylegraph.EventSearch, stylegraph.EventData{Query: "  shoes ", ResultCount: n(3)}, "", &stylegraph.EventData{Query: "shoes", ResultCount: n(3)}},
		{"search by filters only", stylegraph.EventSearch, stylegraph.EventData{Filters: map[string]string{"colour": "red"}}, "", nil},
		{"search with a query ID", stylegraph.EventSearch, stylegraph.EventData{Query: "x", QueryID: qid}, "", nil},
		{"invalid UTF-8 query", stylegraph.EventSearch, stylegraph.EventData{Query: "\xff"}, "data", nil},
		{"invalid UTF-8 text", stylegraph.EventComment, stylegraph.EventData{Text: "a\xffb"}, "data", nil},
		{"empty search", stylegraph.EventSearch, stylegraph.EventData{Query: "   "}, "data.query", nil},
		{"long query", stylegraph.EventSearch, stylegraph.EventData{Query: strings.Repeat("é", stylegraph.MaxQueryRunes+1)}, "data.query", nil},
		{"too many filters", stylegraph.EventSearch, stylegraph.EventData{Filters: filters}, "data.filters", nil},
		{"long filter name", stylegraph.EventSearch, stylegraph.EventData{Filters: map[string]string{strings.Repeat("k", 33): "v"}}, "data.filters", nil},
		{"long filter value", stylegraph.EventSearch, stylegraph.EventData{Filters: map[string]string{"k": strings.Repeat("é", 129)}}, "data.filters", nil},
		{"negative result count", stylegraph.EventSearch, stylegraph.EventData{Query: "x", ResultCount: n(-1)}, "data.resultCount", nil},
		{"search with a position", stylegraph.EventSearch, stylegraph.EventData{Query: "x", QueryID: qid, Position: 1}, "data.position", nil},
		{"search with text", stylegraph.EventSearch, stylegraph.EventData{Query: "x", Text: "hi"}, "data.text", nil},
		{"search with a price", stylegraph.EventSearch, stylegraph.EventData{Query: "x", Price: 1}, "data.price", nil},

		{"comment trimmed", stylegraph.EventComment, stylegraph.EventData{Text: " hi ", CommentID: 9}, "", &stylegraph.EventData{Text: "hi", CommentID: 9}},
		{"blank comment", stylegraph.EventComment, stylegraph.EventData{Text: " \t"}, "data.text", nil},
		{"long comment", stylegraph.EventComment, stylegraph.EventData{Text: strings.Repeat("é", stylegraph.MaxCommentRunes+1)}, "data.text", nil},
		{"negative comment ID", stylegraph.EventComment, stylegraph.EventData{Text: "hi", CommentID: -3}, "data", nil},
		{"comment ID over 2^53", stylegraph.EventComment, stylegraph.EventData{Text: "hi", CommentID: 1 << 53}, "data", nil},
		{"comment with a query", stylegraph.EventComment, stylegraph.EventData{Text: "hi", Query: "x"}, "data.query", nil},

		{"cart quantity defaults to 1", stylegraph.EventAddToCart, stylegraph.EventData{Price: 9.5, Currency: "EUR"}, "", &stylegraph.EventData{Price: 9.5, Currency: "EUR", Quantity: 1}},
		{"purchase", stylegraph.EventPurchase, stylegraph.EventData{Quantity: 1000, Price: 1e7}, "", &stylegraph.EventData{Quantity: 1000, Price: 1e7}},
		{"remove from cart", stylegraph.EventRemoveFromCart, stylegraph.EventData{}, "", &stylegraph.EventData{Quantity: 1}},
		{"negative quantity", stylegraph.EventAddToCart, stylegraph.EventData{Quantity: -1}, "data.quantity", nil},
		{"quantity over 1000", stylegraph.EventPurchase, stylegraph.EventData{Quantity: 1001}, "data.quantity", nil},
		{"negative price", stylegraph.EventPurchase, stylegraph.EventData{Price: -1}, "data.price", nil},
		{"price over 10M", stylegraph.EventPurchase, stylegraph.EventData{Price: 1e7 + 1}, "data.price", nil},
		{"bad currency", stylegraph.EventPurchase, stylegraph.EventData{Currency: "EURO"}, "data.currency", nil},
		{"click through a search", stylegraph.EventAddToCart, stylegraph.EventData{QueryID: qid, Position: 3}, "", &stylegraph.EventData{QueryID: qid, Position: 3, Quantity: 1}},

		{"view clicked in a search", stylegraph.EventView, stylegraph.EventData{QueryID: qid, Position: stylegraph.MaxSearchPosition}, "", nil},
		{"like with a query ID", stylegraph.EventLike, stylegraph.EventData{QueryID: qid, Position: 1}, "data.queryID", nil},
		{"malformed query ID", stylegraph.EventView, stylegraph.EventData{QueryID: "ABC", Position: 1}, "data.queryID", nil},
		{"click without a position", stylegraph.EventView, stylegraph.EventData{QueryID: qid}, "data.position", nil},
		{"click too deep", stylegraph.EventView, stylegraph.EventData{QueryID: qid, Position: stylegraph.MaxSearchPosition + 1}, "data.position", nil},
		{"view with a query", stylegraph.EventView, stylegraph.EventData{Query: "x"}, "data.query", nil},
		{"view with filters", stylegraph.EventView, stylegraph.EventData{Filters: map[string]string{}}, "data.query", nil},
		{"view with a result count", stylegraph.EventView, stylegraph.EventData{ResultCount: n(0)}, "data.query", nil},
		{"view with text", stylegraph.EventView, stylegraph.EventData{Text: "hi"}, "data.text", nil},
		{"view with a comment ID", stylegraph.EventView, stylegraph.EventData{CommentID: 3}, "data.commentId", nil},
		{"view with mentions", stylegraph.EventView, stylegraph.EventData{Mentions: []int64{3}}, "data.mentions", nil},
		{"like with an author", stylegraph.EventLike, stylegraph.EventData{AuthorID: 3}, "data.authorId", nil},
		{"like with a quantity", stylegraph.EventLike, stylegraph.EventData{Quantity: 3}, "data.price", nil},
		{"view with a currency", stylegraph.EventView, stylegraph.EventData{Currency: "EUR"}, "data.price", nil},

		{"post created by its author", stylegraph.EventPostCreated, stylegraph.EventData{AuthorID: 5}, "", nil},
		{"author over 2^53", stylegraph.EventPostCreated, stylegraph.EventData{AuthorID: 1 << 53}, "data", nil},
		{"edit mentions", stylegraph.EventPostEdited, stylegraph.EventData{Mentions: []int64{3, 4}}, "", nil},
		{"too many mentions", stylegraph.EventPostEdited, stylegraph.EventData{Mentions: mentions}, "data.mentions", nil},
		{"mention of ID 0", stylegraph.EventPostEdited, stylegraph.EventData{Mentions: []int64{0}}, "data.mentions", nil},
		{"edit with an author", stylegraph.EventPostEdited, stylegraph.EventData{AuthorID: 5}, "data.authorId", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := stylegraph.Event{Type: tc.typ, UserID: 1, Target: targetOf[tc.typ], OccurredAt: now, Data: tc.data}
			err := e.Normalize(now)
			if tc.field == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				if tc.want != nil {
					if diff := cmp.Diff(*tc.want, e.Data); diff != "" {
						t.Errorf("data after validation (-want +got):\n%s", diff)
					}
				}
				return
			}
			if stylegraph.ErrorCode(err) != stylegraph.EINVALID || stylegraph.ErrorField(err) != tc.field {
				t.Errorf("got %v, want invalid %s", err, tc.field)
			}
		})
	}
}
