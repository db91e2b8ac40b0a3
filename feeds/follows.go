package feeds

import (
	"context"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/ingest"
)

// FollowListGraph lists who follows whom.
type FollowListGraph interface {
	Followers(ctx context.Context, userID, after int64, limit int) ([]stylegraph.User, error)
	Following(ctx context.Context, userID, after int64, limit int) ([]stylegraph.User, error)
	FollowingBrands(ctx context.Context, userID, after int64, limit int) ([]stylegraph.Brand, error)
	Followees(ctx context.Context, userID int64) ([]stylegraph.Followee, error)
}

// FollowGraph writes follows of users and brands.
type FollowGraph interface {
	FollowUser(ctx context.Context, from, to int64, at time.Time) error
	FollowBrand(ctx context.Context, from, to int64, at time.Time) error
	UnfollowUser(ctx context.Context, from, to int64, at time.Time) error
	UnfollowBrand(ctx context.Context, from, to int64, at time.Time) error
}

// Kinds of followees in URLs.
const (
	KindUsers  = "users"
	KindBrands = "brands"
)

// Follow makes uid follow a user or brand. The follow is in the graph when it
// returns; the follow event backfills the followee's recent posts.
func (s *Service) Follow(ctx context.Context, uid int64, kind string, id int64) error {
	tk, err := followTarget(uid, kind, id)
	if err != nil {
		return err
	}
	now := s.now().UTC()
	if tk == ingest.KindUser {
		err = s.g.FollowUser(ctx, uid, id, now)
	} else {
		err = s.g.FollowBrand(ctx, uid, id, now)
	}
	if err != nil {
		return err
	}
	return s.afterFollow(ctx, uid, ingest.Follow, tk, id, now)
}

// Unfollow stops uid following a user or brand; their items stop showing in
// uid's feed at once (filtered at read, cleaned from the list later).
func (s *Service) Unfollow(ctx context.Context, uid int64, kind string, id int64) error {
	tk, err := followTarget(uid, kind, id)
	if err != nil {
		return err
	}
	now := s.now().UTC()
	if tk == ingest.KindUser {
		err = s.g.UnfollowUser(ctx, uid, id, now)
	} else {
		err = s.g.UnfollowBrand(ctx, uid, id, now)
	}
	if err != nil {
		return err
	}
	return s.afterFollow(ctx, uid, ingest.Unfollow, tk, id, now)
}

// afterFollow drops the follow cache and appends the event, stamped with the
// graph write's time so the graph writer's replay of it changes nothing.
func (s *Service) afterFollow(ctx context.Context, uid int64, typ ingest.Type, kind ingest.Kind, id int64, at time.Time) error {
	if err := s.r.Del(ctx, s.followKey(uid)).Err(); err != nil {
		return fmt.Errorf("drop follow cache: %w", err)
	}
	return s.append(ctx, ingest.Event{Type: typ, UserID: uid, OccurredAt: at, Target: &ingest.Target{Kind: kind, ID: id}})
}

func followTarget(uid int64, kind string, id int64) (ingest.Kind, error) {
	var k ingest.Kind
	switch kind {
	case KindUsers:
		k = ingest.KindUser
	case KindBrands:
		k = ingest.KindBrand
	default:
		return "", stylegraph.Invalid("kind", "must be users or brands")
	}
	if id <= 0 || id > maxID {
		return "", stylegraph.Invalid("id", "must be a positive integer below 2^53")
	}
	if k == ingest.KindUser && id == uid {
		return "", stylegraph.Invalid("id", "a user cannot follow themself")
	}
	return k, nil
}

// Followers returns a page of a user's followers in ID order.
func (s *Service) Followers(ctx context.Context, uid int64, cursor string, limit int) (stylegraph.UserPage, error) {
	return s.userPage(ctx, s.g.Followers, uid, cursor, limit)
}

// Following returns a page of the users a user follows in ID order.
func (s *Service) Following(ctx context.Context, uid int64, cursor string, limit int) (stylegraph.UserPage, error) {
	return s.userPage(ctx, s.g.Following, uid, cursor, limit)
}

func (s *Service) userPage(ctx context.Context, load func(context.Context, int64, int64, int) ([]stylegraph.User, error), uid int64, cursor string, limit int) (stylegraph.UserPage, error) {
	after, err := decodeAfter(cursor)
	if err != nil {
		return stylegraph.UserPage{}, err
	}
	if limit, err = checkLimit(limit); err != nil {
		return stylegraph.UserPage{}, err
	}
	us, err := load(ctx, uid, after, limit)
	if err != nil {
		return stylegraph.UserPage{}, err
	}
	page := stylegraph.UserPage{Items: us}
	if len(us) == limit {
		next := encodeAfter(us[len(us)-1].ID)
		page.NextCursor = &next
	}
	return page, nil
}

// FollowingBrands returns a page of the brands a user follows in ID order.
func (s *Service) FollowingBrands(ctx context.Context, uid int64, cursor string, limit int) (stylegraph.BrandPage, error) {
	after, err := decodeAfter(cursor)
	if err != nil {
		return stylegraph.BrandPage{}, err
	}
	if limit, err = checkLimit(limit); err != nil {
		return stylegraph.BrandPage{}, err
	}
	bs, err := s.g.FollowingBrands(ctx, uid, after, limit)
	if err != nil {
		return stylegraph.BrandPage{}, err
	}
	page := stylegraph.BrandPage{Items: bs}
	if len(bs) == limit {
		next := encodeAfter(bs[len(bs)-1].ID)
		page.NextCursor = &next
	}
	return page, nil
}

// Ascending cursors (follower lists) carry the last ID returned.
func encodeAfter(id int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte("a1:" + itoa(id)))
}

func decodeAfter(c string) (int64, error) {
	if c == "" {
		return 0, nil
	}
	bad := stylegraph.Invalid("cursor", "is not a cursor this API returned")
	raw, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil || len(c) > 64 {
		return 0, bad
	}
	rest, ok := strings.CutPrefix(string(raw), "a1:")
	if !ok {
		return 0, bad
	}
	id, err := strconv.ParseInt(rest, 10, 64)
	if err != nil || id <= 0 || id > maxID {
		return 0, bad
	}
	return id, nil
}

// followCacheTTL bounds how stale a follower count (celebrity status) gets;
// follows and unfollows drop the cache at once.
const followCacheTTL = 10 * time.Minute

// following is who a user follows: users with their follower counts, brands.
type following struct {
	users  map[int64]int64
	brands map[int64]bool
}

func (f following) none() bool { return len(f.users) == 0 && len(f.brands) == 0 }

// following returns whom uid follows, from a hash cached from the graph.
func (s *Service) following(ctx context.Context, uid int64) (following, error) {
	h, err := s.r.HGetAll(ctx, s.followKey(uid)).Result()
	if err != nil {
		return following{}, fmt.Errorf("read follows of user %d: %w", uid, err)
	}
	return s.followingFrom(ctx, uid, h)
}

// followingFrom parses the cached follow hash, loading it from the graph
// when it is not built.
func (s *Service) followingFrom(ctx context.Context, uid int64, h map[string]string) (following, error) {
	key := s.followKey(uid)
	f := following{users: map[int64]int64{}, brands: map[int64]bool{}}
	if _, built := h["_"]; built {
		for k, v := range h {
			id, _ := strconv.ParseInt(k[min(2, len(k)):], 10, 64)
			switch {
			case strings.HasPrefix(k, "u:"):
				n, _ := strconv.ParseInt(v, 10, 64)
				f.users[id] = n
			case strings.HasPrefix(k, "b:"):
				f.brands[id] = true
			}
		}
		return f, nil
	}
	fs, err := s.g.Followees(ctx, uid)
	if err != nil {
		return following{}, fmt.Errorf("load follows of user %d: %w", uid, err)
	}
	fields := []any{"_", ""}
	for _, x := range fs {
		if x.Kind == "user" {
			f.users[x.ID] = x.Followers
			fields = append(fields, "u:"+itoa(x.ID), itoa(x.Followers))
		} else {
			f.brands[x.ID] = true
			fields = append(fields, "b:"+itoa(x.ID), "0")
		}
	}
	pipe := s.r.TxPipeline()
	pipe.Del(ctx, key)
	pipe.HSet(ctx, key, fields...)
	pipe.Expire(ctx, key, followCacheTTL)
	if _, err := pipe.Exec(ctx); err != nil {
		return following{}, fmt.Errorf("cache follows of user %d: %w", uid, err)
	}
	return f, nil
}
