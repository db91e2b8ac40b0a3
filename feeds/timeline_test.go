package feeds_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/feeds"
)

func TestPaginationStableUnderConcurrentPosting(t *testing.T) {
	e := newEnv(t, feeds.Config{})
	e.makeUsers(3)
	u := e.user
	e.follow(u(3), u(1))
	e.follow(u(3), u(2))
	var before []int64
	for i := range 24 {
		before = append(before, e.post(u(1+i%2), fmt.Sprintf("old %d", i), nil).ID)
	}
	e.consume()

	// A second replica keeps posting and fanning out while the reader pages.
	other := e.service()
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			if _, err := other.CreatePost(e.ctx, u(1+i%2), stylegraph.PostDraft{Title: fmt.Sprintf("new %d", i)}); err != nil {
				t.Errorf("concurrent post: %v", err)
				return
			}
			if err := other.Handle(e.ctx, e.log.take()); err != nil {
				t.Errorf("concurrent fan-out: %v", err)
				return
			}
		}
	}()
	var got []int64
	cursor := ""
	first := true
	for {
		page, err := e.svc.Read(e.ctx, u(3), cursor, 5)
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range page.Items {
			if first || it.ID <= before[len(before)-1] {
				got = append(got, it.ID)
			}
		}
		first = false
		if page.NextCursor == nil {
			break
		}
		cursor = *page.NextCursor
	}
	close(stop)
	wg.Wait()

	// The first page may already hold new posts; every page after it must
	// continue exactly where the previous one ended.
	var old []int64
	seen := map[int64]bool{}
	for i, id := range got {
		if seen[id] {
			t.Fatalf("item %d returned twice", id)
		}
		seen[id] = true
		if i > 0 && id >= got[i-1] {
			t.Fatalf("items out of order at %d: %v", i, got)
		}
		if id <= before[len(before)-1] {
			old = append(old, id)
		}
	}
	want := make([]int64, len(before))
	for i, id := range before {
		want[len(before)-1-i] = id
	}
	if diff := cmp.Diff(want, old); diff != "" {
		t.Errorf("pre-existing items across pages (-want +got):\n%s", diff)
	}
}

func TestLikesAndCommentsUpdateTheStoredObject(t *testing.T) {
	e := newEnv(t, feeds.Config{RecentLikes: 3, RecentComments: 2})
	e.makeUsers(6)
	u := e.user
	e.follow(u(2), u(1))
	f := e.post(u(1), "like me", nil)
	e.consume()
	// Read once so the object is cached, then like: the cache must follow.
	if _, err := e.svc.Read(e.ctx, u(2), "", 20); err != nil {
		t.Fatal(err)
	}
	for i := 2; i <= 6; i++ {
		if _, err := e.svc.Like(e.ctx, u(i), f.Post.ID); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.svc.Like(e.ctx, u(6), f.Post.ID); err != nil { // idempotent
		t.Fatal(err)
	}
	for i, text := range []string{"first", "second", "third"} {
		if _, err := e.svc.AddComment(e.ctx, u(3+i), f.Post.ID, text); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.svc.Unlike(e.ctx, u(5), f.Post.ID); err != nil {
		t.Fatal(err)
	}
	e.consume() // the consumer refreshes too; the result must be the same

	page, err := e.svc.Read(e.ctx, u(2), "", 20)
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Items) != 1 {
		t.Fatalf("feed = %v", ids(page.Items))
	}
	it := page.Items[0]
	var likers []int64
	for _, l := range it.Likes {
		likers = append(likers, l.ID)
	}
	var comments []string
	for _, c := range it.Comments {
		comments = append(comments, c.Text)
	}
	if it.LikeCount != 4 || it.CommentCount != 3 || !it.LikedByMe {
		t.Errorf("counts %d likes %d comments likedByMe %v, want 4, 3, true", it.LikeCount, it.CommentCount, it.LikedByMe)
	}
	if diff := cmp.Diff([]int64{u(6), u(4), u(3)}, likers); diff != "" {
		t.Errorf("recent likers, newest first (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"third", "second"}, comments); diff != "" {
		t.Errorf("recent comments, newest first (-want +got):\n%s", diff)
	}
	if it.Comments[0].User.ID != u(5) || it.Comments[0].User.Name != "User 5" {
		t.Errorf("comment author = %+v", it.Comments[0].User)
	}
	// The author did not like it.
	mine, err := e.svc.Post(e.ctx, u(1), f.Post.ID)
	if err != nil {
		t.Fatal(err)
	}
	if mine.LikedByMe || mine.LikeCount != 4 || mine.CommentCount != 3 {
		t.Errorf("author sees %+v", mine)
	}
	// Comments page through with a cursor.
	cp, err := e.svc.Comments(e.ctx, f.Post.ID, "", 2)
	if err != nil || len(cp.Items) != 2 || cp.NextCursor == nil {
		t.Fatalf("first comment page = %+v, %v", cp, err)
	}
	cp2, err := e.svc.Comments(e.ctx, f.Post.ID, *cp.NextCursor, 2)
	if err != nil || len(cp2.Items) != 1 || cp2.Items[0].Text != "first" || cp2.NextCursor != nil {
		t.Fatalf("second comment page = %+v, %v", cp2, err)
	}
}

func TestUnfollowAndDelete(t *testing.T) {
	e := newEnv(t, feeds.Config{})
	e.makeUsers(4)
	u := e.user
	e.follow(u(3), u(1))
	e.follow(u(3), u(2))
	a := e.post(u(1), "from 1", nil)
	b := e.post(u(2), "from 2", nil)
	c := e.post(u(2), "another from 2", nil)
	e.consume()
	if diff := cmp.Diff([]int64{c.ID, b.ID, a.ID}, ids(e.readAll(u(3), 20))); diff != "" {
		t.Fatalf("feed before (-want +got):\n%s", diff)
	}

	if err := e.svc.Unfollow(e.ctx, u(3), feeds.KindUsers, u(1)); err != nil {
		t.Fatal(err)
	}
	// Filtered at once, before the consumer cleans the list.
	if diff := cmp.Diff([]int64{c.ID, b.ID}, ids(e.readAll(u(3), 20))); diff != "" {
		t.Errorf("feed after unfollow (-want +got):\n%s", diff)
	}
	e.consume()
	if _, ok := e.listed(u(3))[a.ID]; ok {
		t.Errorf("unfollowed author's entry still in the list after the consumer ran")
	}

	other := stylegraph.Principal{UserID: u(4), Role: stylegraph.RoleShopper}
	if err := e.svc.DeletePost(e.ctx, other, b.Post.ID); stylegraph.ErrorCode(err) != stylegraph.EFORBIDDEN {
		t.Fatalf("delete by another shopper: %v", err)
	}
	if err := e.svc.DeletePost(e.ctx, stylegraph.Principal{UserID: u(2), Role: stylegraph.RoleShopper}, b.Post.ID); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.DeletePost(e.ctx, stylegraph.Principal{UserID: 1, Role: stylegraph.RoleAdmin}, c.Post.ID); err != nil {
		t.Fatalf("admin delete: %v", err)
	}
	e.consume()
	if got := e.readAll(u(3), 20); len(got) != 0 {
		t.Errorf("deleted posts still in the feed: %v", ids(got))
	}
	for _, it := range e.readAll(u(2), 100) { // user 2 follows nobody: trending fills the feed
		if it.ID == b.ID || it.ID == c.ID {
			t.Errorf("deleted post %d still in the author's feed", it.ID)
		}
	}
	if _, err := e.svc.Post(e.ctx, u(3), b.Post.ID); stylegraph.ErrorCode(err) != stylegraph.ENOTFOUND {
		t.Errorf("GET deleted post: %v", err)
	}
}

func TestRegenerationAfterRedisLoss(t *testing.T) {
	e := newEnv(t, feeds.Config{})
	e.makeUsers(4)
	u := e.user
	e.follow(u(3), u(1))
	brand := "Regen Brand " + t.Name()
	product := stylegraph.Product{ID: u(500), Title: "Bag", Brand: brand, Price: 80}
	if err := e.g.Catalog.UpsertProducts(e.ctx, []stylegraph.Product{product}); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.Follow(e.ctx, u(3), feeds.KindBrands, stylegraph.BrandID(brand)); err != nil {
		t.Fatal(err)
	}
	a := e.post(u(1), "followed author", nil)
	b := e.post(u(2), "brand post", nil, product.ID)
	own := e.post(u(3), "my own", nil)
	e.consume()
	want := e.readAll(u(3), 20)
	if diff := cmp.Diff([]int64{own.ID, b.ID, a.ID}, ids(want)); diff != "" {
		t.Fatalf("feed before (-want +got):\n%s", diff)
	}

	dropKeys(e.r, e.prefix) // Redis lost everything the feed kept
	got := e.readAll(u(3), 20)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("regenerated feed differs (-want +got):\n%s", diff)
	}
	if n, _ := e.r.LLen(e.ctx, e.svc.TimelineKey(u(3))).Result(); n != 3 {
		t.Errorf("regenerated list holds %d entries, want 3", n)
	}
}

func TestTrendingForUsersWhoFollowNobody(t *testing.T) {
	e := newEnv(t, feeds.Config{})
	e.makeUsers(12)
	u := e.user
	hot := e.post(u(1), "hot", nil)
	for i := 2; i <= 12; i++ {
		if _, err := e.svc.Like(e.ctx, u(i), hot.Post.ID); err != nil {
			t.Fatal(err)
		}
	}
	page, err := e.svc.Read(e.ctx, u(12), "", 50)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, it := range page.Items {
		if it.Reason != stylegraph.ReasonTrending {
			t.Errorf("item %d has reason %q, want trending", it.ID, it.Reason)
		}
		found = found || it.ID == hot.ID && it.LikedByMe
	}
	if !found {
		t.Errorf("the liked post is not among the trending items %v", ids(page.Items))
	}
}

func TestScrollPastTheCap(t *testing.T) {
	e := newEnv(t, feeds.Config{Cap: 10})
	e.makeUsers(3)
	u := e.user
	e.follow(u(3), u(1))
	e.follow(u(3), u(2))
	var want []int64
	for i := range 27 {
		want = append([]int64{e.post(u(1+i%2), fmt.Sprintf("p%d", i), nil).ID}, want...)
	}
	e.consume()
	// Fan-out trims past the cap plus a slack of 10/8 = 1.
	if n, _ := e.r.LLen(e.ctx, e.svc.TimelineKey(u(3))).Result(); n < 10 || n > 11 {
		t.Fatalf("list holds %d, want the cap 10 plus at most 1", n)
	}
	for _, limit := range []int{4, 10, 30} {
		got := e.readAll(u(3), limit)
		if diff := cmp.Diff(want, ids(got)); diff != "" {
			t.Errorf("limit %d: whole feed (-want +got):\n%s", limit, diff)
		}
		for _, it := range got {
			if it.Reason != stylegraph.ReasonFollowing {
				t.Errorf("item %d reason %q", it.ID, it.Reason)
			}
		}
	}
}

// The API answers with ReadJSON, which splices the reader's fields into the
// cached objects without decoding them; it must say exactly what Read says.
func TestReadJSONMatchesRead(t *testing.T) {
	e := newEnv(t, feeds.Config{Cap: 10})
	e.makeUsers(3)
	u := e.user
	e.follow(u(3), u(1))
	for i := range 14 {
		f := e.post(u(1+i%2), fmt.Sprintf("post %d", i), []string{"json"})
		if i%3 == 0 {
			if _, err := e.svc.Like(e.ctx, u(3), f.Post.ID); err != nil {
				t.Fatal(err)
			}
		}
	}
	e.consume()
	for _, uid := range []int64{u(3), u(2)} {
		cursor := ""
		for range 10 {
			want, err := e.svc.Read(e.ctx, uid, cursor, 4)
			if err != nil {
				t.Fatal(err)
			}
			raw, err := e.svc.ReadJSON(e.ctx, uid, cursor, 4)
			if err != nil {
				t.Fatal(err)
			}
			if !json.Valid(raw) || strings.Count(string(raw), `"reason":`) != len(want.Items) || strings.Count(string(raw), `"likedByMe":`) != len(want.Items) {
				t.Fatalf("ReadJSON is not valid JSON with one reason and likedByMe per item: %s", raw)
			}
			var got stylegraph.FeedPage
			if err := json.Unmarshal(raw, &got); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Fatalf("ReadJSON differs from Read (-want +got):\n%s", diff)
			}
			if want.NextCursor == nil {
				break
			}
			cursor = *want.NextCursor
		}
	}
}

// A reader's next ReadJSON shows their likes, the author's edits, new
// comments and deletions, and items that reach the reader twice (pushed to
// the list and pulled from a celebrity's posts) come once, with the
// strongest reason: ReadJSON says what Read says at every step.
func TestReadJSONFollowsChanges(t *testing.T) {
	e := newEnv(t, feeds.Config{CelebrityThreshold: 2})
	e.makeUsers(4)
	u := e.user
	tag := "jsonchg-" + time.Now().Format("150405.000000")
	e.follow(u(3), u(1))
	e.follow(u(3), u(2))
	if err := e.svc.FollowTag(e.ctx, u(3), tag); err != nil {
		t.Fatal(err)
	}
	var posts []stylegraph.Feed
	for i := range 4 {
		posts = append(posts, e.post(u(1+i%2), fmt.Sprintf("post %d", i), []string{tag}))
	}
	e.consume()
	e.follow(u(4), u(1)) // user 1 becomes a celebrity: their posts are pulled too
	e.consume()

	read := func(step string) map[int64]stylegraph.Feed {
		t.Helper()
		want, err := e.svc.Read(e.ctx, u(3), "", 20)
		if err != nil {
			t.Fatal(err)
		}
		raw, err := e.svc.ReadJSON(e.ctx, u(3), "", 20)
		if err != nil {
			t.Fatal(err)
		}
		var got stylegraph.FeedPage
		if err := json.Unmarshal(raw, &got); err != nil {
			t.Fatalf("%s: %v: %s", step, err, raw)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("%s: ReadJSON differs from Read (-want +got):\n%s", step, diff)
		}
		out := map[int64]stylegraph.Feed{}
		for _, it := range got.Items {
			if _, dup := out[it.ID]; dup {
				t.Fatalf("%s: item %d twice in %v", step, it.ID, ids(got.Items))
			}
			out[it.ID] = it
		}
		return out
	}
	items := read("first read")
	if len(items) != len(posts) {
		t.Fatalf("first read has %d items, want %d", len(items), len(posts))
	}
	for _, p := range posts {
		if r := items[p.ID].Reason; r != stylegraph.ReasonFollowing {
			t.Errorf("item %d reason %q, want %q (following ranks above tag)", p.ID, r, stylegraph.ReasonFollowing)
		}
	}

	liked, edited, commented, deleted := posts[0], posts[1], posts[2], posts[3]
	if _, err := e.svc.Like(e.ctx, u(3), liked.Post.ID); err != nil {
		t.Fatal(err)
	}
	title := "edited title"
	if _, err := e.svc.EditPost(e.ctx, stylegraph.Principal{UserID: edited.User.ID, Role: stylegraph.RoleShopper}, edited.Post.ID, stylegraph.PostEdit{Title: &title}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.AddComment(e.ctx, u(4), commented.Post.ID, "nice"); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.DeletePost(e.ctx, stylegraph.Principal{UserID: deleted.User.ID, Role: stylegraph.RoleShopper}, deleted.Post.ID); err != nil {
		t.Fatal(err)
	}
	items = read("after a like, an edit, a comment and a deletion")
	if it := items[liked.ID]; !it.LikedByMe || it.LikeCount != 1 {
		t.Errorf("liked item: likedByMe %v, likeCount %d; want true, 1", it.LikedByMe, it.LikeCount)
	}
	if it := items[edited.ID]; it.Post.Title != title || it.LikedByMe {
		t.Errorf("edited item: title %q, likedByMe %v; want %q, false", it.Post.Title, it.LikedByMe, title)
	}
	if it := items[commented.ID]; it.CommentCount != 1 || len(it.Comments) != 1 || it.Comments[0].Text != "nice" {
		t.Errorf("commented item: %d comments %+v", it.CommentCount, it.Comments)
	}
	if _, ok := items[deleted.ID]; ok {
		t.Errorf("deleted item %d still read", deleted.ID)
	}

	if _, err := e.svc.Unlike(e.ctx, u(3), liked.Post.ID); err != nil {
		t.Fatal(err)
	}
	if it := read("after an unlike")[liked.ID]; it.LikedByMe || it.LikeCount != 0 {
		t.Errorf("unliked item: likedByMe %v, likeCount %d; want false, 0", it.LikedByMe, it.LikeCount)
	}
}
