package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/api"
	"github.com/stylegraph/stylegraph/config"
	"github.com/stylegraph/stylegraph/graph"
	"github.com/stylegraph/stylegraph/ingest/redisstream"
	"github.com/stylegraph/stylegraph/internal/e2e"
	"github.com/stylegraph/stylegraph/internal/testenv"
)

// serviceKey returns the header of one configured service API key.
func serviceKey(t *testing.T, d *deps) map[string]string {
	t.Helper()
	return map[string]string{"X-API-Key": e2e.ServiceKey(t, d.Cfg)}
}

// drain waits until the consumer group has acknowledged everything in the
// test's activity stream.
func drain(t *testing.T, d *deps, group string) {
	t.Helper()
	l := redisstream.New(d.Redis, redisstream.Options{Stream: d.Cfg.Activity.Stream})
	deadline := time.Now().Add(60 * time.Second)
	for {
		lag, err := l.Lag(context.Background(), group)
		if err == nil && lag == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("consumer group %s still lagging after 60s: %d, %v", group, lag, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestForgedPostLifecycleEventsAreRefused sends the attack the API review
// found: a shopper records post_deleted (and post_created) for someone
// else's post through POST /v1/events, alone and as a full batch. Every
// caller kind is refused, and a forged event that is already in the stream
// (recorded before the fix) does not bury the post either: the author and
// their followers still read it unchanged.
func TestForgedPostLifecycleEventsAreRefused(t *testing.T) {
	base, d := startServerWith(t, isolate(t))
	ctx := context.Background()
	ids := testenv.IDBase(t)
	victim, attacker, follower := ids+1, ids+2, ids+3
	if err := d.Graph.Catalog.UpsertUsers(ctx, []stylegraph.User{{ID: victim, Name: "V"}, {ID: attacker, Name: "A"}, {ID: follower, Name: "F"}}); err != nil {
		t.Fatal(err)
	}
	if err := d.Graph.Seed.FollowUsers(ctx, []graph.Follow{{From: follower, To: victim, At: time.Now()}}); err != nil {
		t.Fatal(err)
	}
	asVictim, asFollower := e2e.Bearer(t, d.Cfg.JWTSecret, victim, stylegraph.RoleShopper), e2e.Bearer(t, d.Cfg.JWTSecret, follower, stylegraph.RoleShopper)
	var p stylegraph.Feed
	if code := e2e.Do(t, http.MethodPost, base+"/v1/posts", asVictim, `{"title":"my look","tags":["linen"]}`, &p); code != http.StatusCreated {
		t.Fatalf("create post = %d", code)
	}
	startWorker(t, d)
	drain(t, d, d.Cfg.Feed.Group) // the real fan-out is done
	var before stylegraph.Feed
	if code := get(t, fmt.Sprintf("%s/v1/posts/%d", base, p.Post.ID), asVictim, &before); code != http.StatusOK {
		t.Fatalf("GET own post = %d", code)
	}

	deleted := fmt.Sprintf(`{"type":"post_deleted","target":{"kind":"post","id":%d}}`, p.Post.ID)
	asAuthor := fmt.Sprintf(`{"type":"post_deleted","userId":%d,"target":{"kind":"post","id":%d},"data":{"authorId":%d}}`, attacker, p.Post.ID, victim)
	created := fmt.Sprintf(`{"type":"post_created","target":{"kind":"post","id":%d}}`, p.Post.ID)
	callers := map[string]map[string]string{
		"shopper":      e2e.Bearer(t, d.Cfg.JWTSecret, attacker, stylegraph.RoleShopper),
		"merchandiser": e2e.Bearer(t, d.Cfg.JWTSecret, attacker, stylegraph.RoleMerchandiser),
		"admin":        e2e.Bearer(t, d.Cfg.JWTSecret, attacker, stylegraph.RoleAdmin),
		"author":       asVictim, // not even the author: deleting goes through DELETE /v1/posts/{id}
		"service":      serviceKey(t, d),
	}
	for name, hdr := range callers {
		for _, body := range []string{deleted, asAuthor, created} {
			var e api.ErrorBody
			if code := e2e.Do(t, http.MethodPost, base+"/v1/events", hdr, body, &e); code != http.StatusForbidden || e.Error.Code != "forbidden" || e.Error.Field != "type" {
				t.Errorf("%s sends %s: %d %+v, want 403 forbidden field type", name, body, code, e.Error)
			}
		}
	}
	// One batch of 500 such events: every one rejected, nothing appended.
	batch := "[" + strings.TrimSuffix(strings.Repeat(deleted+",", 250)+strings.Repeat(created+",", 250), ",") + "]"
	var r api.EventsResponse
	if code := e2e.Do(t, http.MethodPost, base+"/v1/events", callers["shopper"], batch, &r); code != http.StatusAccepted || r.Rejected != 500 || r.Accepted != 0 {
		t.Fatalf("batch of 500 forged events = %d accepted %d rejected %d", code, r.Accepted, r.Rejected)
	}
	for _, res := range r.Results {
		if res.Error == nil || res.Error.Code != "forbidden" || res.Error.Field != "type" {
			t.Fatalf("result %+v, want forbidden field type", res)
		}
	}

	// A forged deletion already in the stream is ignored by the feed consumer.
	l, err := d.ActivityLog(ctx)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	if _, err := l.AppendUnique(ctx, []stylegraph.Event{{
		ID: uuid.NewString(), Type: stylegraph.EventPostDeleted, UserID: attacker, OccurredAt: now, ReceivedAt: now,
		Target: &stylegraph.EventTarget{Kind: stylegraph.TargetPost, ID: p.Post.ID}, Data: stylegraph.EventData{AuthorID: victim},
	}}); err != nil {
		t.Fatal(err)
	}
	drain(t, d, d.Cfg.Feed.Group)

	var after stylegraph.Feed
	if code := get(t, fmt.Sprintf("%s/v1/posts/%d", base, p.Post.ID), asVictim, &after); code != http.StatusOK {
		t.Fatalf("victim's post after the attack = %d, want 200", code)
	}
	if diff := cmp.Diff(before, after); diff != "" {
		t.Errorf("victim's post changed (-before +after):\n%s", diff)
	}
	var page stylegraph.FeedPage
	if code := get(t, base+"/v1/feed", asFollower, &page); code != http.StatusOK {
		t.Fatalf("follower's feed = %d", code)
	}
	found := false
	for _, it := range page.Items {
		found = found || it.ID == p.ID
	}
	if !found {
		t.Errorf("follower's feed lost the victim's post: %+v", page.Items)
	}
}

// TestShoppersCannotFabricateCommerce sends the attack the API review found:
// a shopper token records purchases and carts with any price and quantity.
// Commerce facts come only from the shop's backend (service credentials), so
// every such event from a user token is refused, and the graph and the funnel
// hold only what the backend reported.
func TestShoppersCannotFabricateCommerce(t *testing.T) {
	base, d := startServerWith(t, isolate(t))
	ctx := context.Background()
	ids := testenv.IDBase(t)
	buyer, attacker, product := ids+1, ids+2, ids+3
	if err := d.Graph.Catalog.UpsertProducts(ctx, []stylegraph.Product{{ID: product, Title: "Tee", CreatedAt: time.Now()}}); err != nil {
		t.Fatal(err)
	}
	if err := d.Graph.Catalog.UpsertUsers(ctx, []stylegraph.User{{ID: buyer, Name: "B"}, {ID: attacker, Name: "A"}}); err != nil {
		t.Fatal(err)
	}
	target := fmt.Sprintf(`"target":{"kind":"product","id":%d}`, product)
	attacks := []string{
		`{"type":"purchase",` + target + `,"data":{"price":10000000,"quantity":1000,"currency":"USD"}}`,
		`{"type":"add_to_cart",` + target + `,"data":{"quantity":1000}}`,
		`{"type":"remove_from_cart",` + target + `}`,
		fmt.Sprintf(`{"type":"purchase","userId":%d,`+target+`}`, attacker),
	}
	for _, role := range []stylegraph.Role{stylegraph.RoleShopper, stylegraph.RoleMerchandiser, stylegraph.RoleAdmin} {
		for _, body := range attacks {
			var e api.ErrorBody
			if code := e2e.Do(t, http.MethodPost, base+"/v1/events", e2e.Bearer(t, d.Cfg.JWTSecret, attacker, role), body, &e); code != http.StatusForbidden || e.Error.Code != "forbidden" || e.Error.Field != "type" {
				t.Errorf("%s sends %s: %d %+v, want 403 forbidden field type", role, body, code, e.Error)
			}
		}
	}
	var r api.EventsResponse
	batch := "[" + strings.TrimSuffix(strings.Repeat(attacks[0]+",", 500), ",") + "]"
	if code := e2e.Do(t, http.MethodPost, base+"/v1/events", e2e.Bearer(t, d.Cfg.JWTSecret, attacker, stylegraph.RoleShopper), batch, &r); code != http.StatusAccepted || r.Rejected != 500 {
		t.Fatalf("batch of 500 purchases = %d accepted %d rejected %d", code, r.Accepted, r.Rejected)
	}
	// The shop's backend reports the one real purchase.
	real := fmt.Sprintf(`{"type":"purchase","userId":%d,`+target+`,"data":{"price":20,"quantity":1,"currency":"USD"}}`, buyer)
	if code := e2e.Do(t, http.MethodPost, base+"/v1/events", serviceKey(t, d), real, &r); code != http.StatusAccepted || r.Accepted != 1 {
		t.Fatalf("service purchase = %d %+v", code, r)
	}
	startWorker(t, d)
	drain(t, d, d.Cfg.Activity.GraphWriterGroup)

	rows, err := d.Graph.Inspect(ctx, `MATCH (u:User)-[r]->(:Product {id: $p}) RETURN u.id AS user, type(r) AS rel, r.count AS count ORDER BY user, rel`,
		map[string]any{"p": product})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]map[string]any{{"user": buyer, "rel": "PURCHASED", "count": int64(1)}}, rows); diff != "" {
		t.Errorf("engagement with the product (-want +got):\n%s", diff)
	}
	var funnel struct {
		Rows []map[string]any `json:"rows"`
	}
	if code := get(t, fmt.Sprintf("%s/v1/admin/insights/funnel?product=%d", base, product), e2e.Bearer(t, d.Cfg.JWTSecret, ids+4, stylegraph.RoleMerchandiser), &funnel); code != http.StatusOK {
		t.Fatalf("funnel = %d", code)
	}
	want := []map[string]any{
		{"step": "view", "users": 0.0, "rate": nil}, {"step": "like", "users": 0.0, "rate": nil},
		{"step": "cart", "users": 0.0, "rate": nil}, {"step": "purchase", "users": 1.0, "rate": nil},
	}
	if diff := cmp.Diff(want, funnel.Rows); diff != "" {
		t.Errorf("funnel (-want +got):\n%s", diff)
	}
}

// TestNonCanonicalTokenSubjectsWriteNothing sends the attack the API review
// found: tokens whose sub is "+id", "0id" or above 2^53 used to write a post
// and then answer 400, or delete and answer 400. They are refused with 401
// before any handler runs, and the graph is unchanged.
func TestNonCanonicalTokenSubjectsWriteNothing(t *testing.T) {
	base, d := startServerWith(t, isolate(t))
	ctx := context.Background()
	author := testenv.IDBase(t) + 1
	if err := d.Graph.Catalog.UpsertUsers(ctx, []stylegraph.User{{ID: author, Name: "A"}}); err != nil {
		t.Fatal(err)
	}
	var p stylegraph.Feed
	if code := e2e.Do(t, http.MethodPost, base+"/v1/posts", e2e.Bearer(t, d.Cfg.JWTSecret, author, stylegraph.RoleShopper), `{"title":"keep me"}`, &p); code != http.StatusCreated {
		t.Fatalf("create post = %d", code)
	}
	posts := func() []map[string]any {
		rows, err := d.Graph.Inspect(ctx, `MATCH (:User {id: $u})-[:POSTED]->(p:Post) RETURN p.id AS id, p.title AS title`, map[string]any{"u": author})
		if err != nil {
			t.Fatal(err)
		}
		return rows
	}
	before := posts()
	exp := time.Now().Add(time.Hour).Unix()
	for _, sub := range []string{"+" + fmt.Sprint(author), "0" + fmt.Sprint(author), "9007199254740993"} {
		tok, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{"sub": sub, "role": "shopper", "exp": exp, "iat": time.Now().Unix()}).
			SignedString([]byte(d.Cfg.JWTSecret))
		if err != nil {
			t.Fatal(err)
		}
		hdr := map[string]string{"Authorization": "Bearer " + tok}
		var e api.ErrorBody
		if code := e2e.Do(t, http.MethodPost, base+"/v1/posts", hdr, `{"title":"spam"}`, &e); code != http.StatusUnauthorized || e.Error.Code != "unauthorized" {
			t.Errorf("sub %q: POST /v1/posts = %d %+v, want 401", sub, code, e.Error)
		}
		code, body := callWith(t, http.MethodDelete, fmt.Sprintf("%s/v1/posts/%d", base, p.Post.ID), hdr)
		if code != http.StatusUnauthorized {
			t.Errorf("sub %q: DELETE own post = %d %s, want 401", sub, code, body)
		}
	}
	if diff := cmp.Diff(before, posts()); diff != "" {
		t.Errorf("author's posts changed (-before +after):\n%s", diff)
	}
	// A token that lives longer than JWT_MAX_TTL is refused too.
	long, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{"sub": fmt.Sprint(author), "role": "shopper",
		"iat": time.Now().Unix(), "exp": time.Now().Add(d.Cfg.JWTMaxTTL + time.Hour).Unix()}).SignedString([]byte(d.Cfg.JWTSecret))
	if err != nil {
		t.Fatal(err)
	}
	if code := e2e.Do(t, http.MethodPost, base+"/v1/posts", map[string]string{"Authorization": "Bearer " + long}, `{"title":"spam"}`, nil); code != http.StatusUnauthorized {
		t.Errorf("over-long token: POST /v1/posts = %d, want 401", code)
	}
	if diff := cmp.Diff(before, posts()); diff != "" {
		t.Errorf("author's posts changed (-before +after):\n%s", diff)
	}
}

// callWith sends a bodiless request with the headers and returns the status
// and the body.
func callWith(t *testing.T, method, url string, header map[string]string) (int, string) {
	t.Helper()
	code, b := e2e.Send(t, method, url, header, "")
	return code, string(b)
}

// openStream opens GET /v1/feed/stream and returns the status, the error
// body when refused, the Retry-After header, and a func closing the stream.
func openStream(t *testing.T, base string, header map[string]string) (int, api.ErrorBody, string, func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/v1/feed/stream", nil)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		cancel()
		t.Errorf("open stream: %v", err)
		return 0, api.ErrorBody{}, "", func() {}
	}
	var e api.ErrorBody
	if resp.StatusCode != http.StatusOK {
		_ = json.NewDecoder(resp.Body).Decode(&e)
	}
	closeIt := func() { cancel(); resp.Body.Close() }
	t.Cleanup(closeIt)
	return resp.StatusCode, e, resp.Header.Get("Retry-After"), closeIt
}

// TestLiveStreamsAreCapped sends the attack the API review found: 100
// parallel GET /v1/feed/stream with one token. Only FEED_STREAMS_PER_USER
// open; the rest get 429 with a JSON error and Retry-After, other users
// still connect, and closing a stream frees its slot.
func TestLiveStreamsAreCapped(t *testing.T) {
	base, d := startServerWith(t, isolate(t))
	ids := testenv.IDBase(t)
	attacker := e2e.Bearer(t, d.Cfg.JWTSecret, ids+1, stylegraph.RoleShopper)
	perUser := d.Cfg.Feed.StreamsPerUser
	type opened struct {
		code  int
		e     api.ErrorBody
		retry string
		close func()
	}
	results := make(chan opened, 100)
	for range 100 {
		go func() {
			code, e, retry, closeIt := openStream(t, base, attacker)
			results <- opened{code, e, retry, closeIt}
		}()
	}
	var ok []opened
	refused := 0
	for range 100 {
		r := <-results
		switch {
		case r.code == http.StatusOK:
			ok = append(ok, r)
		case r.code == http.StatusTooManyRequests && r.e.Error.Code == "rate_limited" && r.retry != "":
			refused++
		default:
			t.Errorf("stream answered %d %+v (Retry-After %q), want 200 or 429 rate_limited", r.code, r.e.Error, r.retry)
		}
	}
	if len(ok) != perUser || refused != 100-perUser {
		t.Fatalf("%d streams opened and %d refused, want %d and %d", len(ok), refused, perUser, 100-perUser)
	}
	if code, e, _, _ := openStream(t, base, e2e.Bearer(t, d.Cfg.JWTSecret, ids+2, stylegraph.RoleShopper)); code != http.StatusOK {
		t.Errorf("another user's stream = %d %+v", code, e.Error)
	}
	ok[0].close()
	deadline := time.Now().Add(10 * time.Second)
	for {
		code, _, _, _ := openStream(t, base, attacker)
		if code == http.StatusOK {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("closing a stream did not free its slot: %d", code)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestLiveStreamsPerProcessCap fills the stream budget (FEED_STREAMS_MAX)
// with several users; the next user is refused with 429.
func TestLiveStreamsPerProcessCap(t *testing.T) {
	base, d := startServerWith(t, func(c *config.Config) {
		isolate(t)(c)
		c.Feed.StreamsMax = 3
		c.Feed.StreamsPerUser = 2
	})
	ids := testenv.IDBase(t)
	for i, want := range []int{200, 200, 429, 200, 429} { // user 1, 1, 1 (over per-user), 2, 2 (over the process)
		uid := ids + 1
		if i >= 3 {
			uid = ids + 2
		}
		code, e, _, _ := openStream(t, base, e2e.Bearer(t, d.Cfg.JWTSecret, uid, stylegraph.RoleShopper))
		if code != want || (want == 429 && e.Error.Code != "rate_limited") {
			t.Errorf("stream %d: %d %+v, want %d", i+1, code, e.Error, want)
		}
	}
}

// TestLiveStreamCapsAcrossServers runs two API servers on the same Redis,
// as two replicas behind a load balancer: a user's streams and all streams
// are counted over both, so spreading connections over replicas gains the
// attacker nothing, and a stream closed on one frees its place on the other.
func TestLiveStreamCapsAcrossServers(t *testing.T) {
	iso, prefix := isolate(t), testenv.Namespace(t)+"feed:"
	edit := func(c *config.Config) {
		iso(c)
		c.Feed.KeyPrefix = prefix // one deployment: both replicas share the feed's keys
		c.Feed.StreamsMax = 3
		c.Feed.StreamsPerUser = 2
	}
	a, d := startServerWith(t, edit)
	b, _ := startServerWith(t, edit)
	ids := testenv.IDBase(t)
	u1, u2, u3 := e2e.Bearer(t, d.Cfg.JWTSecret, ids+1, stylegraph.RoleShopper), e2e.Bearer(t, d.Cfg.JWTSecret, ids+2, stylegraph.RoleShopper), e2e.Bearer(t, d.Cfg.JWTSecret, ids+3, stylegraph.RoleShopper)
	var closeFirst func()
	for i, step := range []struct {
		server string
		user   map[string]string
		want   int
	}{
		{a, u1, 200},
		{b, u1, 200},
		{a, u1, 429}, // u1 holds FEED_STREAMS_PER_USER over both servers
		{b, u1, 429},
		{b, u2, 200}, // three streams in all
		{a, u3, 429}, // FEED_STREAMS_MAX over both servers
		{b, u3, 429},
	} {
		code, e, retry, closeIt := openStream(t, step.server, step.user)
		if code != step.want || (step.want == 429 && (e.Error.Code != "rate_limited" || retry == "")) {
			t.Errorf("step %d: %d %+v (Retry-After %q), want %d", i+1, code, e.Error, retry, step.want)
		}
		if i == 0 {
			closeFirst = closeIt
		}
	}
	closeFirst() // u1's stream on a
	deadline := time.Now().Add(10 * time.Second)
	for {
		code, _, _, _ := openStream(t, b, u1)
		if code == http.StatusOK {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("a stream closed on one server did not free its place on the other: %d", code)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestImageURLsMustBePublic sends internal addresses as a profile image and a
// post image: both are 400 naming the field, and nothing is stored.
func TestImageURLsMustBePublic(t *testing.T) {
	base, d := startServerWith(t, isolate(t))
	ctx := context.Background()
	uid := testenv.IDBase(t) + 1
	tok := e2e.Token(t, d.Cfg.JWTSecret, uid, stylegraph.RoleShopper)
	if code, b := call(t, http.MethodPut, fmt.Sprintf("%s/v1/users/%d", base, uid), tok, `{"name":"U","imageURL":"https://img.example.com/u.jpg"}`); code != http.StatusOK {
		t.Fatalf("profile = %d %s", code, b)
	}
	profile := func() []map[string]any {
		rows, err := d.Graph.Inspect(ctx, `MATCH (u:User {id: $u}) OPTIONAL MATCH (u)-[:POSTED]->(p:Post) RETURN u.imageURL AS image, count(p) AS posts`, map[string]any{"u": uid})
		if err != nil {
			t.Fatal(err)
		}
		return rows
	}
	before := profile()
	for _, bad := range []string{"http://169.254.169.254/latest/meta-data/", "http://127.0.0.1:6379/", "http://[::1]/", "http://metadata.google.internal/", "file:///etc/passwd", "javascript:alert(1)", "http://10.0.0.1/x.jpg"} {
		var e errBody
		code, b := call(t, http.MethodPut, fmt.Sprintf("%s/v1/users/%d", base, uid), tok, fmt.Sprintf(`{"name":"U","imageURL":%q}`, bad))
		if _ = json.Unmarshal(b, &e); code != http.StatusBadRequest || e.Error.Field != "imageURL" {
			t.Errorf("profile imageURL %s: %d %s, want 400 naming imageURL", bad, code, b)
		}
		code, b = call(t, http.MethodPost, base+"/v1/posts", tok, fmt.Sprintf(`{"title":"x","images":[{"imageURL":%q}]}`, bad))
		if _ = json.Unmarshal(b, &e); code != http.StatusBadRequest || e.Error.Field != "images[0].imageURL" {
			t.Errorf("post imageURL %s: %d %s, want 400 naming images[0].imageURL", bad, code, b)
		}
	}
	if diff := cmp.Diff(before, profile()); diff != "" {
		t.Errorf("profile or posts changed (-before +after):\n%s", diff)
	}
}
