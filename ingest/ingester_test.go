package ingest_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/graph"
	"github.com/stylegraph/stylegraph/ingest"
	"github.com/stylegraph/stylegraph/ingest/ingesttest"
	"github.com/stylegraph/stylegraph/ingest/redisstream"
	"github.com/stylegraph/stylegraph/internal/testenv"
)

type outcome struct {
	Status ingest.Status
	Code   string
	Field  string
}

func outcomes(rs []ingest.Result) []outcome {
	out := make([]outcome, len(rs))
	for i, r := range rs {
		out[i].Status = r.Status
		if r.Error != nil {
			out[i].Code, out[i].Field = r.Error.Code, r.Error.Field
		}
	}
	return out
}

func TestIngestRejectsHostileInputPerEvent(t *testing.T) {
	l, _ := ingesttest.RedisLog(t, redisstream.Options{})
	in := ingest.NewIngester(l)
	shopper := stylegraph.Principal{UserID: 7, Role: stylegraph.RoleShopper, Via: "jwt"}
	product := `"target": {"kind": "product", "id": 5}`
	for _, tc := range []struct {
		name string
		raw  string
		want outcome
	}{
		{"valid", `{"type": "view", ` + product + `}`, outcome{ingest.Accepted, "", ""}},
		{"someone else", `{"type": "view", "userId": 8, ` + product + `}`, outcome{ingest.Rejected, "forbidden", "userId"}},
		{"huge session", `{"type": "view", ` + product + `, "context": {"session": "` + strings.Repeat("s", 200) + `"}}`, outcome{ingest.Rejected, "invalid", "context.session"}},
		{"over the event size", `{"type": "view", ` + product + `, "context": {"session": "` + strings.Repeat("s", 20_000) + `"}}`, outcome{ingest.Rejected, "too_large", ""}},
		{"huge comment", `{"type": "comment", "target": {"kind": "post", "id": 1}, "data": {"text": "` + strings.Repeat("é", 2001) + `"}}`, outcome{ingest.Rejected, "invalid", "data.text"}},
		{"string user", `{"type": "view", "userId": "7", ` + product + `}`, outcome{ingest.Rejected, "invalid", "userId"}},
		{"float target", `{"type": "view", "target": {"kind": "product", "id": 1.5}}`, outcome{ingest.Rejected, "invalid", "target.id"}},
		{"object type", `{"type": {"$ne": null}, ` + product + `}`, outcome{ingest.Rejected, "invalid", "type"}},
		{"unknown field", `{"type": "view", ` + product + `, "role": "admin"}`, outcome{ingest.Rejected, "invalid", "role"}},
		{"unknown type", `{"type": "DROP TABLE", ` + product + `}`, outcome{ingest.Rejected, "invalid", "type"}},
		{"bad id", `{"id": "../../etc/passwd", "type": "view", ` + product + `}`, outcome{ingest.Rejected, "invalid", "id"}},
		{"id too big", `{"type": "view", "target": {"kind": "product", "id": 9007199254740992}}`, outcome{ingest.Rejected, "invalid", "target.id"}},
		{"not an object", `42`, outcome{ingest.Rejected, "invalid", ""}},
		{"null", `null`, outcome{ingest.Rejected, "invalid", ""}},
		{"bad time", `{"type": "view", ` + product + `, "occurredAt": "1 Jan"}`, outcome{ingest.Rejected, "invalid", "occurredAt"}},
		{"post deletion", `{"type": "post_deleted", "target": {"kind": "post", "id": 5}}`, outcome{ingest.Rejected, "forbidden", "type"}},
		{"post creation", `{"type": "post_created", "target": {"kind": "post", "id": 5}, "data": {"authorId": 7}}`, outcome{ingest.Rejected, "forbidden", "type"}},
		{"fabricated purchase", `{"type": "purchase", "target": {"kind": "product", "id": 5}, "data": {"price": 10000000, "quantity": 1000}}`, outcome{ingest.Rejected, "forbidden", "type"}},
		{"fabricated cart", `{"type": "add_to_cart", "target": {"kind": "product", "id": 5}}`, outcome{ingest.Rejected, "forbidden", "type"}},
		{"far future", `{"type": "view", ` + product + `, "occurredAt": "2999-01-01T00:00:00Z"}`, outcome{ingest.Rejected, "invalid", "occurredAt"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rs, err := in.Ingest(context.Background(), shopper, []json.RawMessage{json.RawMessage(tc.raw)})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff([]outcome{tc.want}, outcomes(rs)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			if tc.want.Status == ingest.Rejected && rs[0].ID != "" {
				t.Errorf("rejected event echoes id %q", rs[0].ID)
			}
		})
	}
}

func TestIngestActors(t *testing.T) {
	l, _ := ingesttest.RedisLog(t, redisstream.Options{})
	in := ingest.NewIngester(l)
	ctx := context.Background()
	view := func(user string) json.RawMessage {
		return json.RawMessage(`{"type": "view", ` + user + `"target": {"kind": "product", "id": 5}}`)
	}
	service := stylegraph.Principal{Role: stylegraph.RoleService, Via: "api_key", KeyID: "orders"}
	admin := stylegraph.Principal{UserID: 1, Role: stylegraph.RoleAdmin, Via: "jwt"}
	for _, tc := range []struct {
		name string
		p    stylegraph.Principal
		raw  json.RawMessage
		want outcome
		user int64
	}{
		{"service for anyone", service, view(`"userId": 99, `), outcome{ingest.Accepted, "", ""}, 99},
		{"service must name the actor", service, view(""), outcome{ingest.Rejected, "invalid", "userId"}, 0},
		{"admin only as themself", admin, view(`"userId": 99, `), outcome{ingest.Rejected, "forbidden", "userId"}, 0},
		{"missing actor is the caller", admin, view(""), outcome{ingest.Accepted, "", ""}, 1},
		{"service reports purchases", service, json.RawMessage(`{"type": "purchase", "userId": 99, "target": {"kind": "product", "id": 5}}`), outcome{ingest.Accepted, "", ""}, 99},
		{"admin may not report purchases", admin, json.RawMessage(`{"type": "purchase", "target": {"kind": "product", "id": 5}}`), outcome{ingest.Rejected, "forbidden", "type"}, 0},
		{"service may not send post lifecycle", service, json.RawMessage(`{"type": "post_deleted", "userId": 99, "target": {"kind": "post", "id": 5}}`), outcome{ingest.Rejected, "forbidden", "type"}, 0},
	} {
		rs, err := in.Ingest(ctx, tc.p, []json.RawMessage{tc.raw})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]outcome{tc.want}, outcomes(rs)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tc.name, diff)
		}
	}
	msgs, err := l.Read(ctx, "g", "c", 10, 0)
	if err != nil {
		t.Fatal(err)
	}
	var users []int64
	for _, m := range msgs {
		users = append(users, m.Event.UserID)
		if m.Event.ReceivedAt.IsZero() {
			t.Errorf("event %s has no receivedAt", m.Event.ID)
		}
	}
	if diff := cmp.Diff([]int64{99, 1, 99}, users); diff != "" {
		t.Errorf("actors in the stream (-want +got):\n%s", diff)
	}
}

// TestInjectionLookingTextStaysData follows a tag whose name is Cypher and
// comments with Lua- and JSON-looking text: the stream and the graph keep
// the text as it was sent.
func TestInjectionLookingTextStaysData(t *testing.T) {
	g := testenv.Graph(t)
	l, _ := ingesttest.RedisLog(t, redisstream.Options{})
	ctx := context.Background()
	user := testenv.IDBase(t) + 1
	tag := fmt.Sprintf(`x'}) detach delete n // %d`, user)
	comment := `"]]; redis.call('FLUSHALL') --", "e": "{\"id\":1}"`
	raws := []json.RawMessage{
		json.RawMessage(fmt.Sprintf(`{"type": "follow", "target": {"kind": "tag", "name": %q}}`, tag)),
		json.RawMessage(fmt.Sprintf(`{"id": %q, "type": "comment", "target": {"kind": "post", "id": 3}, "data": {"text": %q}}`, uuid.NewString(), comment)),
	}
	rs, err := ingest.NewIngester(l).Ingest(ctx, stylegraph.Principal{UserID: user, Role: stylegraph.RoleShopper}, raws)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]outcome{{ingest.Accepted, "", ""}, {ingest.Accepted, "", ""}}, outcomes(rs)); diff != "" {
		t.Fatalf("(-want +got):\n%s", diff)
	}
	msgs, err := l.Read(ctx, "g", "c", 10, 0)
	if err != nil || len(msgs) != 2 {
		t.Fatalf("read %d, %v", len(msgs), err)
	}
	if got := msgs[1].Event.Data.Text; got != comment {
		t.Errorf("comment text = %q, want %q", got, comment)
	}
	if err := graph.NewEventWriter(g.Activity).Handle(ctx, []stylegraph.Event{msgs[0].Event, msgs[1].Event}); err != nil {
		t.Fatal(err)
	}
	rows, err := g.Inspect(ctx, `MATCH (:User {id: $u})-[:FOLLOWS]->(t:Tag) RETURN t.name AS name`, map[string]any{"u": user})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]map[string]any{{"name": tag}}, rows); diff != "" {
		t.Errorf("followed tags (-want +got):\n%s", diff)
	}
}

func TestDataFieldsBelongToTheirTypes(t *testing.T) {
	now := time.Now()
	for _, tc := range []struct {
		raw   string
		field string
	}{
		{`{"type": "view", "userId": 1, "target": {"kind": "product", "id": 2}, "data": {"price": 3}}`, "data.price"},
		{`{"type": "like", "userId": 1, "target": {"kind": "product", "id": 2}, "data": {"quantity": 3}}`, "data.price"},
		{`{"type": "view", "userId": 1, "target": {"kind": "product", "id": 2}, "data": {"commentId": 3}}`, "data.commentId"},
		{`{"type": "like", "userId": 1, "target": {"kind": "post", "id": 2}, "data": {"authorId": 3}}`, "data.authorId"},
		{`{"type": "comment", "userId": 1, "target": {"kind": "post", "id": 2}, "data": {"text": "hi", "commentId": -3}}`, "data"},
		{`{"type": "view", "userId": 1, "target": {"kind": "product", "id": 2}, "data": {"query": "x"}}`, "data.query"},
		{`{"type": "purchase", "userId": 1, "target": {"kind": "product", "id": 2}, "data": {"currency": "EURO"}}`, "data.currency"},
		{`{"type": "purchase", "userId": 1, "target": {"kind": "product", "id": 2}, "data": {"quantity": 1001}}`, "data.quantity"},
	} {
		e, err := stylegraph.DecodeEvent([]byte(tc.raw))
		if err == nil {
			err = e.Normalize(now)
		}
		if got := stylegraph.ErrorField(err); stylegraph.ErrorCode(err) != stylegraph.EINVALID || got != tc.field {
			t.Errorf("%s: %v, want invalid %s", tc.raw, err, tc.field)
		}
	}
}
