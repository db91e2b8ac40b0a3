package feeds

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
)

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
func (s *TimelineService) following(ctx context.Context, uid int64) (following, error) {
	h, err := s.r.HGetAll(ctx, s.followKey(uid)).Result()
	if err != nil {
		return following{}, fmt.Errorf("read follows of user %d: %w", uid, err)
	}
	return s.followingFrom(ctx, uid, h)
}

// followingFrom parses the cached follow hash, loading it from the graph
// when it is not built.
func (s *TimelineService) followingFrom(ctx context.Context, uid int64, h map[string]string) (following, error) {
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
