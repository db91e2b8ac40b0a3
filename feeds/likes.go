package feeds

import (
	"context"
	"fmt"
	"time"

	"github.com/stylegraph/stylegraph"
)

// LikeGraph is what likes and the liked-by-me cache need from the graph.
type LikeGraph interface {
	LikePost(ctx context.Context, userID, postID int64, at time.Time) (int64, error)
	UnlikePost(ctx context.Context, userID, postID int64) (int64, error)
	LikedFeedIDs(ctx context.Context, userID int64, limit int) ([]int64, error)
}

// Like records that uid likes a post and returns the updated feed object.
func (s *LikeService) Like(ctx context.Context, uid, postID int64) (stylegraph.Feed, error) {
	fid, err := s.g.LikePost(ctx, uid, postID, s.now())
	if err != nil {
		return stylegraph.Feed{}, err
	}
	return s.afterLike(ctx, uid, postID, fid, stylegraph.EventLike)
}

// Unlike takes uid's like back and returns the updated feed object.
func (s *LikeService) Unlike(ctx context.Context, uid, postID int64) (stylegraph.Feed, error) {
	fid, err := s.g.UnlikePost(ctx, uid, postID)
	if err != nil {
		return stylegraph.Feed{}, err
	}
	return s.afterLike(ctx, uid, postID, fid, stylegraph.EventUnlike)
}

func (s *LikeService) afterLike(ctx context.Context, uid, postID, fid int64, typ stylegraph.EventType) (stylegraph.Feed, error) {
	f, err := s.refresh(ctx, fid)
	if err != nil {
		return stylegraph.Feed{}, err
	}
	// The liker's cached like set is rebuilt from the graph on next read.
	if err := s.r.Del(ctx, s.likesKey(uid)).Err(); err != nil {
		return stylegraph.Feed{}, fmt.Errorf("drop like cache: %w", err)
	}
	if err := s.append(ctx, stylegraph.Event{Type: typ, UserID: uid, Target: &stylegraph.EventTarget{Kind: stylegraph.TargetPost, ID: postID}}); err != nil {
		return stylegraph.Feed{}, err
	}
	f.LikedByMe = typ == stylegraph.EventLike
	return f, nil
}

// likedByMe reports which of the feed items uid liked, from a per-user set
// cached from the graph.
func (s *core) likedByMe(ctx context.Context, uid int64, fids []int64) (map[int64]bool, error) {
	out := make(map[int64]bool, len(fids))
	if len(fids) == 0 || uid <= 0 {
		return out, nil
	}
	key := s.likesKey(uid)
	got, err := s.r.SMIsMember(ctx, key, likeMembers(fids)...).Result()
	if err != nil {
		return nil, fmt.Errorf("read likes of user %d: %w", uid, err)
	}
	if !got[0] { // "0" marks a built set; rebuild from the graph
		liked, err := s.g.LikedFeedIDs(ctx, uid, likeCacheSize)
		if err != nil {
			return nil, fmt.Errorf("load likes of user %d: %w", uid, err)
		}
		set := make([]any, 0, len(liked)+1)
		set = append(set, "0")
		known := map[int64]bool{}
		for _, id := range liked {
			set = append(set, itoa(id))
			known[id] = true
		}
		pipe := s.r.TxPipeline()
		pipe.Del(ctx, key)
		pipe.SAdd(ctx, key, set...)
		pipe.Expire(ctx, key, likeCacheTTL)
		if _, err := pipe.Exec(ctx); err != nil {
			return nil, fmt.Errorf("cache likes of user %d: %w", uid, err)
		}
		for _, id := range fids {
			out[id] = known[id]
		}
		return out, nil
	}
	for i, id := range fids {
		out[id] = got[i+1]
	}
	return out, nil
}

// likeMembers asks for the built marker "0" and then each feed ID. The IDs
// go as numbers, which the client writes as the decimal members are, without
// a string each.
func likeMembers(fids []int64) []any {
	members := make([]any, 0, len(fids)+1)
	members = append(members, "0")
	for _, id := range fids {
		members = append(members, id)
	}
	return members
}

const (
	likeCacheSize = 5000
	likeCacheTTL  = 10 * time.Minute
)
