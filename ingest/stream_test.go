package ingest_test

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/ingest"
)

// A dead letter keeps the event as JSON, or, for a message that did not
// decode, exactly the text that was read (an empty one too).
func TestDeadLetterText(t *testing.T) {
	for _, tc := range []struct {
		name string
		msg  ingest.Message
		want string
	}{
		{"event", ingest.Message{Event: stylegraph.Event{ID: "e1", Type: stylegraph.EventLike, UserID: 7}}, ""},
		{"undecodable", ingest.Message{Raw: []byte("not json")}, "not json"},
		{"empty undecodable", ingest.Message{Raw: []byte("")}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ingest.DeadLetterText(tc.msg)
			if err != nil {
				t.Fatal(err)
			}
			if tc.msg.Raw == nil {
				var back stylegraph.Event
				if err := json.Unmarshal([]byte(got), &back); err != nil {
					t.Fatalf("not the event as JSON: %q: %v", got, err)
				}
				if diff := cmp.Diff(tc.msg.Event, back); diff != "" {
					t.Errorf("event (-want +got):\n%s", diff)
				}
				return
			}
			if got != tc.want {
				t.Errorf("DeadLetterText = %q, want %q", got, tc.want)
			}
		})
	}
}
