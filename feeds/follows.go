package feeds

import (
	"context"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/stylegraph/stylegraph"
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
func (s *FollowService) Follow(ctx context.Context, uid int64, kind string, id int64) error {
	return s.setFollow(ctx, uid, kind, id, stylegraph.EventFollow, s.g.FollowUser, s.g.FollowBrand)
}

// Unfollow stops uid following a user or brand; their items stop showing in
// uid's feed at once (filtered at read, cleaned from the list later).
func (s *FollowService) Unfollow(ctx context.Context, uid int64, kind string, id int64) error {
	return s.setFollow(ctx, uid, kind, id, stylegraph.EventUnfollow, s.g.UnfollowUser, s.g.UnfollowBrand)
}

// followWrite writes a follow or unfollow to the graph.
type followWrite func(ctx context.Context, from, to int64, at time.Time) error

// setFollow writes a follow (typ stylegraph.EventFollow) or unfollow of a user or a
// brand to the graph with user or brand, then drops the cache and records
// the event.
func (s *FollowService) setFollow(ctx context.Context, uid int64, kind string, id int64, typ stylegraph.EventType, user, brand followWrite) error {
	tk, err := followTarget(uid, kind, id)
	if err != nil {
		return err
	}
	write := user
	if tk != stylegraph.TargetUser {
		write = brand
	}
	now := s.now().UTC()
	if err := write(ctx, uid, id, now); err != nil {
		return err
	}
	return s.afterFollow(ctx, uid, typ, tk, id, now)
}

// afterFollow drops the follow cache and appends the event, stamped with the
// graph write's time so the graph writer's replay of it changes nothing.
func (s *FollowService) afterFollow(ctx context.Context, uid int64, typ stylegraph.EventType, kind stylegraph.TargetKind, id int64, at time.Time) error {
	if err := s.r.Del(ctx, s.followKey(uid)).Err(); err != nil {
		return fmt.Errorf("drop follow cache: %w", err)
	}
	return s.append(ctx, stylegraph.Event{Type: typ, UserID: uid, OccurredAt: at, Target: &stylegraph.EventTarget{Kind: kind, ID: id}})
}

func followTarget(uid int64, kind string, id int64) (stylegraph.TargetKind, error) {
	var k stylegraph.TargetKind
	switch kind {
	case KindUsers:
		k = stylegraph.TargetUser
	case KindBrands:
		k = stylegraph.TargetBrand
	default:
		return "", stylegraph.Invalid("kind", "must be users or brands")
	}
	if id <= 0 || id > maxID {
		return "", stylegraph.Invalid("id", "must be a positive integer below 2^53")
	}
	if k == stylegraph.TargetUser && id == uid {
		return "", stylegraph.Invalid("id", "a user cannot follow themself")
	}
	return k, nil
}

// Followers returns a page of a user's followers in ID order.
func (s *FollowService) Followers(ctx context.Context, uid int64, cursor string, limit int) (stylegraph.UserPage, error) {
	return ascendingPage(ctx, s.g.Followers, userID, uid, cursor, limit)
}

// Following returns a page of the users a user follows in ID order.
func (s *FollowService) Following(ctx context.Context, uid int64, cursor string, limit int) (stylegraph.UserPage, error) {
	return ascendingPage(ctx, s.g.Following, userID, uid, cursor, limit)
}

// FollowingBrands returns a page of the brands a user follows in ID order.
func (s *FollowService) FollowingBrands(ctx context.Context, uid int64, cursor string, limit int) (stylegraph.BrandPage, error) {
	return ascendingPage(ctx, s.g.FollowingBrands, func(b stylegraph.Brand) int64 { return b.ID }, uid, cursor, limit)
}

func userID(u stylegraph.User) int64 { return u.ID }

// ascendingPage loads a page of uid's follow list after the cursor, in ID
// order; id gives an item's ID for the next cursor.
func ascendingPage[T any](ctx context.Context, load func(context.Context, int64, int64, int) ([]T, error), id func(T) int64, uid int64, cursor string, limit int) (stylegraph.Page[T], error) {
	after, err := decodeAfter(cursor)
	if err != nil {
		return stylegraph.Page[T]{}, err
	}
	if limit, err = checkLimit(limit); err != nil {
		return stylegraph.Page[T]{}, err
	}
	items, err := load(ctx, uid, after, limit)
	if err != nil {
		return stylegraph.Page[T]{}, err
	}
	return pageOf(items, limit, func(x T) string { return encodeAfter(id(x)) }), nil
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
