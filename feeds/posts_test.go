package feeds_test

import (
	"encoding/json"
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/feeds"
)

func keysOf(t *testing.T, raw json.RawMessage) []string {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("not an object: %s", raw)
	}
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

func TestCreatePostWireFormatAndEvent(t *testing.T) {
	e := newEnv(t, feeds.Config{})
	e.makeUsers(2)
	brand := "Wire Brand " + t.Name()
	product := stylegraph.Product{ID: e.user(500), Title: "Linen Shirt", Brand: brand, Price: 49, Currency: "USD", Images: []string{"https://img.example/shirt.jpg"}}
	if err := e.g.Catalog.UpsertProducts(e.ctx, []stylegraph.Product{product}); err != nil {
		t.Fatal(err)
	}
	e.follow(e.user(1), e.user(2)) // so the feed holds no trending items
	e.log.take()
	f := e.post(e.user(1), "Summer look", []string{"Linen", "summer", "linen"}, product.ID)

	if f.ID <= 0 || f.ID > 1<<53-1 || f.Post.ID <= 0 || f.Post.ID > 1<<53-1 || f.ID == f.Post.ID {
		t.Fatalf("ids out of range: feed %d post %d", f.ID, f.Post.ID)
	}
	author := stylegraph.User{ID: e.user(1), Name: "User 1", ImageURL: "https://img.example/u/1.jpg", Home: "Seoul"}
	want := stylegraph.Feed{
		ID: f.ID, CreatedAt: f.CreatedAt, User: author, Reason: stylegraph.ReasonOwn,
		Post: stylegraph.Post{
			ID: f.Post.ID, Title: "Summer look", Text: "text of Summer look", User: author,
			Images:    []stylegraph.Image{{ImageURL: "https://img.example/p.jpg", Caption: "look"}},
			Tags:      []string{"linen", "summer"},
			Products:  []stylegraph.ProductSummary{{ID: product.ID, Title: "Linen Shirt", Brand: brand, Price: 49, Currency: "USD", ImageURL: "https://img.example/shirt.jpg"}},
			CreatedAt: f.CreatedAt,
		},
		Likes: []stylegraph.User{}, Comments: []stylegraph.Comment{},
	}
	if diff := cmp.Diff(want, f); diff != "" {
		t.Errorf("created feed object (-want +got):\n%s", diff)
	}

	raw, _ := json.Marshal(f)
	if diff := cmp.Diff([]string{"ID", "comment", "commentCount", "createdDate", "kind", "like", "likeCount", "likedByMe", "post", "reason", "user"}, keysOf(t, raw)); diff != "" {
		t.Errorf("Feed keys (-want +got):\n%s", diff)
	}
	var parts struct {
		Post json.RawMessage `json:"post"`
		User json.RawMessage `json:"user"`
	}
	_ = json.Unmarshal(raw, &parts)
	if diff := cmp.Diff([]string{"createdDate", "id", "image", "products", "tags", "text", "title", "user"}, keysOf(t, parts.Post)); diff != "" {
		t.Errorf("Post keys (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"ID", "home", "imageURL", "name"}, keysOf(t, parts.User)); diff != "" {
		t.Errorf("User keys (-want +got):\n%s", diff)
	}

	// The author reads their own write at once, before any fan-out.
	page, err := e.svc.Read(e.ctx, e.user(1), "", 20)
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Items) != 1 || page.Items[0].ID != f.ID || page.Items[0].Reason != stylegraph.ReasonOwn {
		t.Fatalf("author's feed = %+v", page.Items)
	}
	got, err := e.svc.Post(e.ctx, e.user(2), f.Post.ID)
	if err != nil {
		t.Fatal(err)
	}
	want.Reason = ""
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("GET post (-want +got):\n%s", diff)
	}

	evs := e.log.take()
	if len(evs) != 1 || evs[0].Type != stylegraph.EventPostCreated || evs[0].UserID != e.user(1) || evs[0].Target.ID != f.Post.ID || evs[0].Data.AuthorID != e.user(1) {
		t.Fatalf("events = %+v", evs)
	}
}

func TestCreatePostRejectsBadInput(t *testing.T) {
	e := newEnv(t, feeds.Config{})
	e.makeUsers(1)
	long := make([]byte, feeds.MaxTitleRunes+1)
	for i := range long {
		long[i] = 'a'
	}
	for _, tc := range []struct {
		name  string
		draft stylegraph.PostDraft
		field string
	}{
		{"empty", stylegraph.PostDraft{}, "text"},
		{"long title", stylegraph.PostDraft{Title: string(long)}, "title"},
		{"bad image url", stylegraph.PostDraft{Title: "x", Images: []stylegraph.Image{{ImageURL: "javascript:alert(1)"}}}, "images[0].imageURL"},
		{"empty tag", stylegraph.PostDraft{Title: "x", Tags: []string{"ok", " "}}, "tags[1]"},
		{"bad product id", stylegraph.PostDraft{Title: "x", ProductIDs: []int64{-3}}, "productIds[0]"},
		{"unknown product", stylegraph.PostDraft{Title: "x", ProductIDs: []int64{e.user(999)}}, "products"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.svc.CreatePost(e.ctx, e.user(1), tc.draft)
			if stylegraph.ErrorCode(err) != stylegraph.EINVALID || stylegraph.ErrorField(err) != tc.field {
				t.Fatalf("got %v, want invalid %s", err, tc.field)
			}
		})
	}
}

func TestCursorRoundTrip(t *testing.T) {
	for _, id := range []int64{1, 42, 1<<53 - 1} {
		got, err := feeds.DecodeCursor(feeds.EncodeCursor(id))
		if err != nil || got != id {
			t.Errorf("cursor %d round trip = %d, %v", id, got, err)
		}
	}
	for _, c := range []string{"x", "djE6LTE", "YWJj", "djE6OTk5OTk5OTk5OTk5OTk5OTk5"} {
		if _, err := feeds.DecodeCursor(c); stylegraph.ErrorField(err) != "cursor" {
			t.Errorf("cursor %q: got %v, want invalid cursor", c, err)
		}
	}
}
