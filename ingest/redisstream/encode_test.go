package redisstream

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/stylegraph/stylegraph"
)

// TestAppendEventMatchesMarshal holds the stream encoder to json.Marshal on
// hand-picked edge cases and on random events touching every field.
func TestAppendEventMatchesMarshal(t *testing.T) {
	at := time.Date(2026, 12, 4, 4, 20, 1, 123456789, time.UTC)
	count := 0
	cases := []stylegraph.Event{
		{},
		{ID: "a", Type: stylegraph.EventView, UserID: -7, OccurredAt: at},
		{ID: "<&>\"\\\b\f\n\r\t\x00\x1f\u2028\u2029\xff é 😀", Target: &stylegraph.EventTarget{Kind: stylegraph.TargetTag, Name: "a<b"}},
		{Data: stylegraph.EventData{Filters: map[string]string{}}},     // omitzero keeps a non-nil empty map: "data":{}
		{Data: stylegraph.EventData{Mentions: []int64{}}},              // same for an empty slice
		{Data: stylegraph.EventData{Price: math.Copysign(0, -1)}},      // -0 is zero for omitzero and omitempty
		{Data: stylegraph.EventData{ResultCount: &count, Price: 1e21}}, // exponent form
		{Data: stylegraph.EventData{Price: 1e-7}},
		{Data: stylegraph.EventData{Price: 123456.789, Quantity: -1}},
		{Data: stylegraph.EventData{Filters: map[string]string{"z": "1", "a": "2", "m<": ">"}}},
		{OccurredAt: at.In(time.FixedZone("x", 5*3600+30*60)), ReceivedAt: at.In(time.FixedZone("y", -3600-17))},
		{OccurredAt: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}, // refused by both
	}
	r := rand.New(rand.NewPCG(7, 8))
	for range 2000 {
		cases = append(cases, randomEvent(r))
	}
	for i, e := range cases {
		want, wantErr := json.Marshal(e)
		got, err := appendEvent([]byte("prefix"), &e)
		if (err != nil) != (wantErr != nil) {
			t.Fatalf("case %d: error %v, json.Marshal's %v", i, err, wantErr)
		}
		if err != nil {
			continue
		}
		if diff := cmp.Diff(string(want), string(got[len("prefix"):])); diff != "" {
			t.Fatalf("case %d (-json.Marshal +appendEvent):\n%s", i, diff)
		}
	}
}

// TestAppendEventKnowsEveryField fails when the event model gains a field
// the encoder does not write: update appendEvent and randomEvent.
func TestAppendEventKnowsEveryField(t *testing.T) {
	want := map[string]int{"Event": 8, "EventTarget": 3, "EventContext": 3, "EventData": 12}
	for _, v := range []any{stylegraph.Event{}, stylegraph.EventTarget{}, stylegraph.EventContext{}, stylegraph.EventData{}} {
		typ := reflect.TypeOf(v)
		if got := typ.NumField(); got != want[typ.Name()] {
			t.Errorf("%s has %d fields, appendEvent writes %d: teach it the new ones", typ.Name(), got, want[typ.Name()])
		}
	}
}

func randomEvent(r *rand.Rand) stylegraph.Event {
	str := func() string {
		if r.IntN(3) == 0 {
			return ""
		}
		alphabet := []string{"a", "Z", "9", " ", "<", ">", "&", `"`, `\`, "\n", "\x01", "é", "한", "😀", "\u2028", "\xff", "\xe2\x82"}
		s := ""
		for range r.IntN(8) {
			s += alphabet[r.IntN(len(alphabet))]
		}
		return s
	}
	num := func() int64 {
		if r.IntN(3) == 0 {
			return 0
		}
		return r.Int64N(1<<53) - 1<<52
	}
	when := func() time.Time {
		if r.IntN(4) == 0 {
			return time.Time{}
		}
		zones := []*time.Location{time.UTC, time.FixedZone("k", 9*3600), time.FixedZone("n", -(3*3600 + 30*60))}
		return time.Unix(r.Int64N(4e9), r.Int64N(1e9)*int64(r.IntN(2))).In(zones[r.IntN(len(zones))])
	}
	e := stylegraph.Event{ID: str(), Type: stylegraph.EventType(str()), UserID: num(), OccurredAt: when(), ReceivedAt: when()}
	if r.IntN(2) == 0 {
		e.Target = &stylegraph.EventTarget{Kind: stylegraph.TargetKind(str()), ID: num(), Name: str()}
	}
	if r.IntN(2) == 0 {
		e.Context = stylegraph.EventContext{Session: str(), Device: str(), App: str()}
	}
	if r.IntN(2) == 0 {
		d := &e.Data
		d.Query, d.Currency, d.Text, d.QueryID = str(), str(), str(), str()
		d.CommentID, d.AuthorID = num(), num()
		d.Quantity, d.Position = int(num()%1000), int(num()%1000)
		if r.IntN(2) == 0 {
			d.Price = []float64{0, 29.9, 0.1, 1e-9, 3e22, -5, 1 / 3.0}[r.IntN(7)]
		}
		if r.IntN(3) == 0 {
			n := int(num() % 100)
			d.ResultCount = &n
		}
		if r.IntN(3) == 0 {
			d.Filters = map[string]string{}
			for range r.IntN(4) {
				d.Filters[str()] = str()
			}
		}
		if r.IntN(3) == 0 {
			for range r.IntN(4) {
				d.Mentions = append(d.Mentions, num())
			}
		}
	}
	return e
}
