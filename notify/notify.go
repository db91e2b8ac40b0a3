// Package notify keeps each user's notifications in Redis and makes them
// from the activity stream: likes and comments on their posts, follows of
// them, mentions and brand drops. Activity of one type about one thing
// aggregates into one notification that moves to the top when it grows.
// It imports the root package and ingest, never the API or the feed.
package notify

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/stylegraph/stylegraph"
)

// Keys hold one user's notifications, each group's fields, actors and
// actor set; the zset orders groups by their last activity.
const (
	recentActors = 3
	// Cap is how many notifications a user keeps; older ones are dropped.
	Cap = 200
	ttl = 30 * 24 * time.Hour
)

// Store reads and writes notifications.
type Store struct {
	r      redis.UniversalClient
	prefix string
}

// New returns a Store keeping its keys under prefix.
func New(r redis.UniversalClient, prefix string) *Store { return &Store{r: r, prefix: prefix} }

// A user's keys share the hash tag "{n<uid>}", so the transaction that
// adds a notification, and the pipeline that lists them, stay in one slot
// of a Redis Cluster.
func (s *Store) tag(uid int64) string     { return "{n" + itoa(uid) + "}" }
func (s *Store) listKey(uid int64) string { return s.prefix + "n:" + s.tag(uid) }
func (s *Store) seenKey(uid int64) string { return s.prefix + "nseen:" + s.tag(uid) }
func (s *Store) groupKey(uid int64, g string) string {
	return s.prefix + "ng:" + s.tag(uid) + ":" + g
}
func (s *Store) actorsKey(uid int64, g string) string {
	return s.prefix + "na:" + s.tag(uid) + ":" + g
}
func (s *Store) actorSetKey(uid int64, g string) string {
	return s.prefix + "ns:" + s.tag(uid) + ":" + g
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// Activity is one thing that happened to a user.
type Activity struct {
	Recipient int64
	Type      string
	Target    stylegraph.NotificationTarget
	Actor     stylegraph.User
	At        time.Time
}

// group names the notification an activity aggregates into.
func (a Activity) group() string {
	return a.Type + ":" + a.Target.Kind + ":" + itoa(a.Target.ID)
}

// Add records the activity, aggregating it into its notification. The same
// actor twice counts once but moves the notification up.
func (s *Store) Add(ctx context.Context, a Activity) error {
	if a.Recipient <= 0 || a.Recipient == a.Actor.ID {
		return nil // nobody is notified of their own doing
	}
	g := a.group()
	actor, err := json.Marshal(a.Actor)
	if err != nil {
		return fmt.Errorf("encode actor: %w", err)
	}
	ms := a.At.UnixMilli()
	list, gk, ak, sk := s.listKey(a.Recipient), s.groupKey(a.Recipient, g), s.actorsKey(a.Recipient, g), s.actorSetKey(a.Recipient, g)
	pipe := s.r.TxPipeline()
	pipe.HSet(ctx, gk, "type", a.Type, "kind", a.Target.Kind, "id", a.Target.ID, "at", ms)
	pipe.SAdd(ctx, sk, a.Actor.ID)
	pipe.LRem(ctx, ak, 0, actor)
	pipe.LPush(ctx, ak, actor)
	pipe.LTrim(ctx, ak, 0, recentActors-1)
	pipe.ZAdd(ctx, list, redis.Z{Score: float64(ms), Member: g})
	// Past the cap the oldest groups leave the list; their keys expire.
	pipe.ZRemRangeByRank(ctx, list, 0, -Cap-1)
	for _, k := range []string{list, gk, ak, sk} {
		pipe.Expire(ctx, k, ttl)
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return fmt.Errorf("add notification for user %d: %w", a.Recipient, err)
	}
	// Where the actor appears, for erasure (EraseUser).
	by := s.byKey(a.Actor.ID)
	pipe = s.r.Pipeline()
	pipe.SAdd(ctx, by, itoa(a.Recipient)+"|"+g)
	pipe.Expire(ctx, by, ttl)
	if _, err := pipe.Exec(ctx); err != nil {
		return fmt.Errorf("index notification actor %d: %w", a.Actor.ID, err)
	}
	return nil
}

// List returns a page of uid's notifications, newest first, below the
// cursor, and how many are unread.
func (s *Store) List(ctx context.Context, uid int64, cursor string, limit int) (stylegraph.NotificationPage, error) {
	limit, max, err := pageBounds(limit, cursor)
	if err != nil {
		return stylegraph.NotificationPage{}, err
	}
	seen, err := s.seen(ctx, uid)
	if err != nil {
		return stylegraph.NotificationPage{}, err
	}
	zs, err := s.r.ZRevRangeByScoreWithScores(ctx, s.listKey(uid), &redis.ZRangeBy{Max: max, Min: "-inf", Count: int64(limit)}).Result()
	if err != nil {
		return stylegraph.NotificationPage{}, fmt.Errorf("read notifications of user %d: %w", uid, err)
	}
	pipe := s.r.Pipeline()
	fields := make([]*redis.MapStringStringCmd, len(zs))
	actors := make([]*redis.StringSliceCmd, len(zs))
	counts := make([]*redis.IntCmd, len(zs))
	for i, z := range zs {
		g := z.Member.(string)
		fields[i] = pipe.HGetAll(ctx, s.groupKey(uid, g))
		actors[i] = pipe.LRange(ctx, s.actorsKey(uid, g), 0, -1)
		counts[i] = pipe.SCard(ctx, s.actorSetKey(uid, g))
	}
	unread := pipe.ZCount(ctx, s.listKey(uid), "("+itoa(seen), "+inf")
	if _, err := pipe.Exec(ctx); err != nil && err != redis.Nil {
		return stylegraph.NotificationPage{}, fmt.Errorf("read notifications of user %d: %w", uid, err)
	}
	page := stylegraph.NotificationPage{Items: make([]stylegraph.Notification, 0, len(zs)), Unread: unread.Val()}
	for i, z := range zs {
		if n, ok := notificationOf(z, fields[i].Val(), actors[i].Val(), counts[i].Val(), seen); ok {
			page.Items = append(page.Items, n)
		}
	}
	if len(zs) == limit {
		next := itoa(int64(zs[len(zs)-1].Score))
		page.NextCursor = &next
	}
	return page, nil
}

// pageBounds checks a page's limit (0: 20) and cursor, and returns the
// limit and the highest score the page may hold.
func pageBounds(limit int, cursor string) (int, string, error) {
	if limit == 0 {
		limit = 20
	}
	if limit < 1 || limit > 100 {
		return 0, "", stylegraph.Invalid("limit", "must be between 1 and 100")
	}
	max := "+inf"
	if cursor != "" {
		ms, err := strconv.ParseInt(cursor, 10, 64)
		if err != nil || ms <= 0 {
			return 0, "", stylegraph.Invalid("cursor", "is not a cursor this API returned")
		}
		max = "(" + cursor
	}
	return limit, max, nil
}

// notificationOf builds the notification of list entry z from its group's
// fields, actors (JSON) and actor count; false when the group expired
// meanwhile.
func notificationOf(z redis.Z, f map[string]string, actors []string, count, seen int64) (stylegraph.Notification, bool) {
	if f["type"] == "" {
		return stylegraph.Notification{}, false
	}
	id, _ := strconv.ParseInt(f["id"], 10, 64)
	n := stylegraph.Notification{
		ID: z.Member.(string), Type: f["type"], Target: stylegraph.NotificationTarget{Kind: f["kind"], ID: id},
		Actors: []stylegraph.User{}, ActorCount: count,
		Read: int64(z.Score) <= seen, UpdatedAt: time.UnixMilli(int64(z.Score)).UTC(),
	}
	for _, raw := range actors {
		var u stylegraph.User
		if json.Unmarshal([]byte(raw), &u) == nil {
			n.Actors = append(n.Actors, u)
		}
	}
	n.Text = Text(n)
	if n.Type == stylegraph.NotifyBrandDrop {
		n.Text = dropText(f, n.ActorCount)
	}
	return n, true
}

// MarkRead marks every notification up to now as read.
func (s *Store) MarkRead(ctx context.Context, uid int64, now time.Time) error {
	ms := now.UnixMilli()
	// Never move the mark back: a slow request must not unread newer reads.
	if err := markRead.Run(ctx, s.r, []string{s.seenKey(uid)}, ms, int64(ttl/time.Second)).Err(); err != nil && err != redis.Nil {
		return fmt.Errorf("mark notifications of user %d read: %w", uid, err)
	}
	return nil
}

var markRead = redis.NewScript(`
local cur = tonumber(redis.call('GET', KEYS[1]) or '0')
if tonumber(ARGV[1]) > cur then redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2]) end
return 1`)

func (s *Store) seen(ctx context.Context, uid int64) (int64, error) {
	v, err := s.r.Get(ctx, s.seenKey(uid)).Int64()
	if err == redis.Nil {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("read notification mark of user %d: %w", uid, err)
	}
	return v, nil
}

// Text is the sentence an app shows for n: "Ana and 4 others liked your post".
func Text(n stylegraph.Notification) string {
	who := "Someone"
	if len(n.Actors) > 0 {
		who = n.Actors[0].Name
		if who == "" {
			who = "Someone"
		}
	}
	switch others := n.ActorCount - 1; {
	case others == 1 && len(n.Actors) > 1 && n.Actors[1].Name != "":
		who += " and " + n.Actors[1].Name
	case others == 1:
		who += " and 1 other"
	case others > 1:
		who += " and " + itoa(others) + " others"
	}
	verb := map[string]string{
		stylegraph.NotifyLike:      "liked your post",
		stylegraph.NotifyComment:   "commented on your post",
		stylegraph.NotifyMention:   "mentioned you",
		stylegraph.NotifyFollow:    "started following you",
		stylegraph.NotifyBrandDrop: "released a new product",
	}[n.Type]
	return strings.TrimSpace(who + " " + verb)
}
