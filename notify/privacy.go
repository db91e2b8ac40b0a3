package notify

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/redis/go-redis/v9"

	"github.com/stylegraph/stylegraph"
)

// byKey lists the notifications user uid appears in as an actor, as
// "recipient|group" members, so erasure can find them in others' lists.
// It has its own hash tag: it is written after, not inside, the recipient's
// transaction.
func (s *Store) byKey(uid int64) string { return s.prefix + "nby:{a" + itoa(uid) + "}" }

// Name names the part in exports.
func (s *Store) Name() string { return "notifications" }

// ExportUser returns the notifications user uid holds (up to Cap).
func (s *Store) ExportUser(ctx context.Context, uid int64) (any, error) {
	out := []stylegraph.Notification{}
	cursor := ""
	for {
		page, err := s.List(ctx, uid, cursor, 100)
		if err != nil {
			return nil, err
		}
		out = append(out, page.Items...)
		if page.NextCursor == nil {
			return out, nil
		}
		cursor = *page.NextCursor
	}
}

// EraseUser drops uid's own notifications and takes uid out of everyone
// else's: the actor leaves the group's recent actors and its count, and a
// group with nobody left goes. Nothing keeps the erased user's name.
func (s *Store) EraseUser(ctx context.Context, uid int64, _ []int64) error {
	groups, err := s.r.ZRange(ctx, s.listKey(uid), 0, -1).Result()
	if err != nil {
		return fmt.Errorf("read notifications of user %d: %w", uid, err)
	}
	keys := []string{s.listKey(uid), s.seenKey(uid)}
	for _, g := range groups {
		keys = append(keys, s.groupKey(uid, g), s.actorsKey(uid, g), s.actorSetKey(uid, g))
	}
	// One slot per call on a cluster: every key here shares uid's hash tag.
	if err := s.r.Del(ctx, keys...).Err(); err != nil {
		return fmt.Errorf("drop notifications of user %d: %w", uid, err)
	}
	refs, err := s.r.SMembers(ctx, s.byKey(uid)).Result()
	if err != nil {
		return fmt.Errorf("read where user %d acted: %w", uid, err)
	}
	actor := itoa(uid)
	for _, ref := range refs {
		r, g, ok := strings.Cut(ref, "|")
		recipient, err := strconv.ParseInt(r, 10, 64)
		if !ok || err != nil {
			continue
		}
		ks := []string{s.listKey(recipient), s.groupKey(recipient, g), s.actorsKey(recipient, g), s.actorSetKey(recipient, g)}
		if err := scrubActor.Run(ctx, s.r, ks, actor, g).Err(); err != nil && err != redis.Nil {
			return fmt.Errorf("remove user %d from notifications of user %d: %w", uid, recipient, err)
		}
	}
	if err := s.r.Del(ctx, s.byKey(uid)).Err(); err != nil {
		return fmt.Errorf("drop actor index of user %d: %w", uid, err)
	}
	return nil
}

// scrubActor removes actor ARGV[1] from group ARGV[2]: KEYS are the
// recipient's list, the group's fields, recent actors and actor set. The
// recent actors are JSON users; an entry is the actor's by its "ID" key
// (matched as text: Lua's cjson would round IDs near 2^53).
var scrubActor = redis.NewScript(`
redis.call('SREM', KEYS[4], ARGV[1])
local id = '"ID":' .. ARGV[1]
for _, raw in ipairs(redis.call('LRANGE', KEYS[3], 0, -1)) do
  if string.find(raw, id .. ',', 1, true) or string.find(raw, id .. '}', 1, true) then
    redis.call('LREM', KEYS[3], 0, raw)
  end
end
if redis.call('SCARD', KEYS[4]) == 0 then
  redis.call('ZREM', KEYS[1], ARGV[2])
  redis.call('DEL', KEYS[2], KEYS[3], KEYS[4])
end
return 1`)
