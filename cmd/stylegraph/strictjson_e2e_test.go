package main

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/api"
	"github.com/stylegraph/stylegraph/internal/e2e"
	"github.com/stylegraph/stylegraph/internal/testenv"
)

// TestStrictJSONBodies sends bodies that a case-insensitive, last-one-wins
// decoder (encoding/json) would read differently from a check that looked
// at the first or exact name: another spelling of a field, a field given
// twice, a field the endpoint does not take. Every endpoint refuses them
// with 400 naming the field, and nothing is written.
func TestStrictJSONBodies(t *testing.T) {
	base, d := startServerWith(t, isolate(t))
	ctx := context.Background()
	ids := testenv.IDBase(t)
	me, victim, product := ids+1, ids+2, ids+3
	shopper := e2e.Bearer(t, d.Cfg.JWTSecret, me, stylegraph.RoleShopper)
	svc := serviceKey(t, d)
	if err := d.Graph.Catalog.UpsertUsers(ctx, []stylegraph.User{{ID: me, Name: "Ann"}, {ID: victim, Name: "Vic"}}); err != nil {
		t.Fatal(err)
	}
	var vp stylegraph.Feed
	if code := e2e.Do(t, http.MethodPost, base+"/v1/posts", e2e.Bearer(t, d.Cfg.JWTSecret, victim, stylegraph.RoleShopper), `{"title":"victim's post"}`, &vp); code != http.StatusCreated {
		t.Fatalf("victim's post = %d", code)
	}
	purl := fmt.Sprintf("%s/v1/products/%d", base, product)
	if code := e2e.Do(t, http.MethodPut, purl, svc, `{"title":"Tee","price":10,"currency":"EUR"}`, nil); code != http.StatusOK {
		t.Fatalf("product = %d", code)
	}
	uurl := fmt.Sprintf("%s/v1/users/%d", base, me)
	postURL := fmt.Sprintf("%s/v1/posts/%d", base, vp.Post.ID)
	target := fmt.Sprintf(`"target":{"kind":"post","id":%d}`, vp.Post.ID)
	events, err := d.Redis.XLen(ctx, d.Cfg.Activity.Stream).Result()
	if err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		name, method, url string
		hdr               map[string]string
		body, field       string
	}{
		{"event type in capitals", http.MethodPost, base + "/v1/events", shopper, `{"type":"view","Type":"post_deleted",` + target + `}`, "Type"},
		{"event type twice", http.MethodPost, base + "/v1/events", shopper, `{"type":"view",` + target + `,"type":"post_deleted"}`, "type"},
		{"event target id in capitals", http.MethodPost, base + "/v1/events", shopper, `{"type":"view","target":{"kind":"post","ID":1}}`, "target.ID"},
		{"event batch element", http.MethodPost, base + "/v1/events", svc, fmt.Sprintf(`[{"type":"view","userId":%d,"UserId":%d,%s}]`, me, victim, target), "UserId"},
		{"profile name in capitals", http.MethodPut, uurl, shopper, `{"name":"Ann","NAME":"Mallory"}`, "NAME"},
		{"profile name twice", http.MethodPut, uurl, shopper, `{"name":"Mallory","name":"Ann"}`, "name"},
		{"post title in capitals", http.MethodPost, base + "/v1/posts", shopper, `{"Title":"x"}`, "Title"},
		{"comment text twice", http.MethodPost, postURL + "/comments", shopper, `{"text":"hi","text":"spam"}`, "text"},
		{"product title twice, no id", http.MethodPut, purl, svc, `{"title":"Tee","title":"Scam","price":10,"currency":"EUR"}`, "title"},
		{"product price in capitals", http.MethodPut, purl, svc, `{"title":"Tee","price":10,"Price":0,"currency":"EUR"}`, "Price"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.name == "event batch element" {
				// A batch answers per event; the bad one is rejected.
				var r api.EventsResponse
				code := e2e.Do(t, tc.method, tc.url, tc.hdr, tc.body, &r)
				if code >= 300 || r.Accepted != 0 || len(r.Results) != 1 || r.Results[0].Error == nil || r.Results[0].Error.Field != tc.field {
					t.Errorf("%s -> %d %+v, want the event rejected naming %q", tc.body, code, r, tc.field)
				}
				return
			}
			var e api.ErrorBody
			code := e2e.Do(t, tc.method, tc.url, tc.hdr, tc.body, &e)
			if code != http.StatusBadRequest || e.Error.Code != "invalid" || e.Error.Field != tc.field {
				t.Errorf("%s -> %d %+v, want 400 naming %q", tc.body, code, e.Error, tc.field)
			}
		})
	}

	// Nothing changed: the profile, the victim's post and its comments, the
	// product, and the activity stream took no event.
	u, err := d.Graph.Catalog.User(ctx, me)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(stylegraph.User{ID: me, Name: "Ann"}, u); diff != "" {
		t.Errorf("profile (-want +got):\n%s", diff)
	}
	var got stylegraph.Feed
	if code := get(t, postURL, shopper, &got); code != http.StatusOK || got.Post.Title != "victim's post" || got.CommentCount != 0 {
		t.Errorf("victim's post = %d %+v", code, got.Post)
	}
	var p stylegraph.Product
	if code := get(t, purl, svc, &p); code != http.StatusOK || p.Title != "Tee" || p.Price != 10 {
		t.Errorf("product = %d %+v", code, p)
	}
	if n, err := d.Redis.XLen(ctx, d.Cfg.Activity.Stream).Result(); err != nil || n != events {
		t.Errorf("activity stream holds %d events (%v), want the %d from before", n, err, events)
	}
}
