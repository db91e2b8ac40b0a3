package feeds

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/stylegraph/stylegraph"
)

// TimelineGraph is what timeline reads fall back to when Redis lacks a list.
type TimelineGraph interface {
	TimelineBefore(ctx context.Context, userID, before int64, limit int) ([]stylegraph.FeedRef, error)
	TrendingFeedIDs(ctx context.Context, since time.Time, limit int) ([]int64, error)
	AuthorFeedIDs(ctx context.Context, authorID int64, limit int) ([]int64, error)
}

// celebrityPull is how many recent posts of each followed celebrity a read
// merges in; older ones come from the graph like any item past the list.
const celebrityPull = 100

// trendingSize is how many trending items a user who follows nobody gets.
const trendingSize = 100

// trendingTTL is how long the trending list is cached.
const trendingTTL = time.Minute

// candidates is what a read merges: every item the sources know (an item
// may come more than once; sorted keeps its strongest reason); floor is the
// lowest feed ID down to which all sources are complete (items below it
// come from the graph).
type candidates struct {
	refs    []stylegraph.FeedRef
	entries []string // the list as read, to clean dead items' entries
	floor   int64
}

// item is a feed item on its way to a reader: the cached object, encoded,
// and the reader's fields.
type item struct {
	id     int64
	raw    string
	reason string
	liked  bool
}

// decode returns the item as a Feed.
func (it item) decode() (stylegraph.Feed, error) {
	var f stylegraph.Feed
	if err := json.Unmarshal([]byte(it.raw), &f); err != nil {
		return f, fmt.Errorf("decode feed item %d: %w", it.id, err)
	}
	f.Reason, f.LikedByMe = it.reason, it.liked
	return f, nil
}

// appendJSON appends the item's JSON: the cached object with the reader's
// fields (and the item kind, see stylegraph.Feed.MarshalJSON) spliced in
// before its closing brace.
func (it item) appendJSON(b []byte) []byte {
	b = append(b, it.raw[:len(it.raw)-1]...)
	b = append(b, `,"likedByMe":`...)
	b = strconv.AppendBool(b, it.liked)
	b = append(b, `,"reason":`...)
	b = strconv.AppendQuote(b, it.reason)
	return append(b, `,"kind":"post"}`...)
}

// size is how many bytes appendJSON appends (reasons are ours and need no
// escaping).
func (it item) size() int {
	return len(it.raw) + len(`,"likedByMe":false,"reason":"","kind":"post"}`) + len(it.reason)
}

// TimelineKey is the Redis list holding a user's cached feed entries.
func (s *TimelineService) TimelineKey(uid int64) string { return s.timelineKey(uid) }

// ReadKeys names the Redis keys a read of uid's feed touches: the follow
// hash, the list, its rebuild marker, the like set and the objects of fids
// (for benchmarks and tools that replay a read).
func (s *TimelineService) ReadKeys(uid int64, fids []int64) (follows, list, built, likes string, objects []string) {
	return s.followKey(uid), s.timelineKey(uid), s.builtKey(uid), s.likesKey(uid), s.objectKeys(fids)
}

// Read returns a page of uid's feed, newest first, below the cursor. Items
// come from the cached list, merged with followed celebrities' recent posts
// (or trending items when uid follows nobody), filtered against current
// follows and deletions, and hydrated from cached feed objects. Past the
// cached list the page continues from the graph. The cursor is the last
// feed ID returned, so items that arrive meanwhile (higher IDs) never shift
// a page: no duplicates, no gaps.
func (s *TimelineService) Read(ctx context.Context, uid int64, cursor string, limit int) (stylegraph.FeedPage, error) {
	items, next, err := s.page(ctx, uid, cursor, limit)
	if err != nil {
		return stylegraph.FeedPage{}, err
	}
	page := stylegraph.FeedPage{Items: make([]stylegraph.Feed, len(items)), NextCursor: next}
	for i, it := range items {
		if page.Items[i], err = it.decode(); err != nil {
			return stylegraph.FeedPage{}, err
		}
	}
	return page, nil
}

// ReadJSON is Read already encoded as the API's JSON answer. It passes the
// cached objects through without decoding them, which is what makes a feed
// read cheap.
func (s *TimelineService) ReadJSON(ctx context.Context, uid int64, cursor string, limit int) ([]byte, error) {
	items, next, err := s.page(ctx, uid, cursor, limit)
	if err != nil {
		return nil, err
	}
	// Sized to the byte, so the page is written without growing.
	n := len(`{"items":[],"nextCursor":""}`) + 24
	for _, it := range items {
		n += it.size() + 1
	}
	b := make([]byte, 0, n)
	b = append(b, `{"items":[`...)
	for i, it := range items {
		if i > 0 {
			b = append(b, ',')
		}
		b = it.appendJSON(b)
	}
	b = append(b, `],"nextCursor":`...)
	if next == nil {
		b = append(b, "null"...)
	} else {
		b = strconv.AppendQuote(b, *next)
	}
	return append(b, '}'), nil
}

func (s *TimelineService) page(ctx context.Context, uid int64, cursor string, limit int) ([]item, *string, error) {
	before, err := DecodeCursor(cursor)
	if err != nil {
		return nil, nil, err
	}
	if limit, err = checkLimit(limit); err != nil {
		return nil, nil, err
	}
	c, err := s.candidates(ctx, uid)
	if err != nil {
		return nil, nil, err
	}
	refs := c.sorted(func(id int64) bool { return id < before && id >= c.floor })
	items, dead, err := s.hydrate(ctx, uid, refs, limit)
	if err != nil {
		return nil, nil, err
	}
	s.cleanDead(ctx, uid, c, dead)
	// Past the cached list: continue from the graph.
	for from := min(before, c.floor); len(items) < limit && from > 0; {
		gctx, cancel := graphShare(ctx)
		more, err := s.g.TimelineBefore(gctx, uid, from, limit-len(items))
		cancel()
		if s.degrade(ctx, err) {
			break // the page ends where Redis does
		}
		if err != nil {
			return nil, nil, fmt.Errorf("timeline of user %d from the graph: %w", uid, err)
		}
		if len(more) == 0 {
			break
		}
		got, _, err := s.hydrate(ctx, uid, more, limit-len(items))
		if err != nil {
			return nil, nil, err
		}
		items = append(items, got...)
		from = more[len(more)-1].FeedID
	}
	var next *string
	if len(items) == limit {
		c := EncodeCursor(items[len(items)-1].id)
		next = &c
	}
	return items, next, nil
}

// sorted returns the candidates that pass keep, newest first, each item
// once with its strongest reason. It reuses c.refs.
func (c candidates) sorted(keep func(int64) bool) []stylegraph.FeedRef {
	out := c.refs[:0]
	for _, r := range c.refs {
		if keep(r.FeedID) {
			out = append(out, r)
		}
	}
	slices.SortFunc(out, func(a, b stylegraph.FeedRef) int {
		switch {
		case a.FeedID > b.FeedID:
			return -1
		case a.FeedID < b.FeedID:
			return 1
		}
		return reasonRank(a.Reason) - reasonRank(b.Reason)
	})
	return slices.CompactFunc(out, func(a, b stylegraph.FeedRef) bool { return a.FeedID == b.FeedID })
}

// candidates gathers uid's list (rebuilding it from the graph when it is
// missing), the recent posts of followed celebrities and, for users who
// follow nobody, trending items; entries through unfollowed users or brands
// are dropped.
func (s *TimelineService) candidates(ctx context.Context, uid int64) (candidates, error) {
	c := candidates{}
	st, err := s.readState(ctx, uid)
	if err != nil {
		return c, err
	}
	fol, err := s.followingFrom(ctx, uid, st.follows)
	unknownFollows := false
	switch {
	case s.degrade(ctx, err):
		// Without the graph the follows are unknown: keep every cached
		// entry rather than drop them all as unfollowed.
		unknownFollows = true
	case err != nil:
		return c, err
	}
	celebs, outs, err := s.celebrityOutboxes(ctx, fol)
	if err != nil {
		return c, err
	}
	entries := st.list
	if !st.built {
		rebuilt, err := s.regenerate(ctx, uid)
		if err != nil && !s.degrade(ctx, err) {
			return c, err
		}
		entries = append(entries, rebuilt...)
	}
	c.addList(entries, s.cfg.Cap, fol, unknownFollows)
	if err := s.addCelebrities(ctx, &c, celebs, outs); err != nil {
		return c, err
	}
	if fol.none() && !unknownFollows {
		ids, err := s.trending(ctx)
		if err != nil && !s.degrade(ctx, err) {
			return c, err
		}
		for _, fid := range ids {
			c.refs = append(c.refs, stylegraph.FeedRef{FeedID: fid, Reason: stylegraph.ReasonTrending})
		}
	}
	return c, nil
}

// readState is what a read takes from Redis first: uid's cached follow
// hash, list and whether the list is built.
type readState struct {
	follows map[string]string
	list    []string
	built   bool
}

// readState reads the follows, the list and its marker in one round trip
// with the request's rider (its rate-limit spend), which is checked before
// anything else.
func (s *TimelineService) readState(ctx context.Context, uid int64) (readState, error) {
	pipe := s.r.Pipeline()
	check := queueRider(ctx, pipe)
	folCmd := pipe.HGetAll(ctx, s.followKey(uid))
	list := pipe.LRange(ctx, s.timelineKey(uid), 0, -1)
	built := pipe.Exists(ctx, s.builtKey(uid))
	// The rider's errors are its own and ours are read below, but an outage
	// (or an open breaker, which sends nothing and leaves every command
	// without a reply) only shows in Exec's error: that is a 503.
	if _, err := pipe.Exec(ctx); stylegraph.ErrorCode(err) == stylegraph.EUNAVAILABLE {
		return readState{}, fmt.Errorf("read feed of user %d: %w", uid, err)
	}
	if err := check(); err != nil {
		return readState{}, err
	}
	for _, cmd := range []redis.Cmder{folCmd, list, built} {
		if err := cmd.Err(); err != nil {
			return readState{}, fmt.Errorf("read feed of user %d: %w", uid, err)
		}
	}
	return readState{follows: folCmd.Val(), list: list.Val(), built: built.Val() != 0}, nil
}

// celebrityOutboxes reads the outboxes of the celebrities fol follows, in
// one round trip: outs[i] holds the recent feed IDs of celebs[i].
func (s *TimelineService) celebrityOutboxes(ctx context.Context, fol following) (celebs []int64, outs [][]string, err error) {
	for id, n := range fol.users {
		if n >= s.cfg.CelebrityThreshold {
			celebs = append(celebs, id)
		}
	}
	if len(celebs) == 0 {
		return nil, nil, nil
	}
	cmds := make([]*redis.StringSliceCmd, len(celebs))
	pipe := s.r.Pipeline()
	for i, id := range celebs {
		cmds[i] = pipe.LRange(ctx, s.outboxKey(id), 0, celebrityPull-1)
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return nil, nil, fmt.Errorf("read celebrity posts: %w", err)
	}
	outs = make([][]string, len(cmds))
	for i, cmd := range cmds {
		outs[i] = cmd.Val()
	}
	return celebs, outs, nil
}

// addList adds the entries of the cached list, leaving out those that came
// through a user or brand no longer followed (unless the follows are
// unknown). A full list (cap entries) is complete only down to its oldest
// entry, which sets the floor.
func (c *candidates) addList(entries []string, cap int, fol following, unknownFollows bool) {
	full := len(entries) >= cap
	if full {
		c.floor = maxID + 1
	}
	c.refs, c.entries = make([]stylegraph.FeedRef, 0, len(entries)+8), entries
	for _, raw := range entries {
		ref, ok := parseEntry(raw)
		if !ok {
			continue
		}
		if full {
			c.floor = min(c.floor, ref.FeedID)
		}
		if !unknownFollows && (ref.SourceKind == "user" && !hasUser(fol, ref.SourceID) ||
			ref.SourceKind == "brand" && !fol.brands[ref.SourceID]) {
			continue // unfollowed since
		}
		c.refs = append(c.refs, ref)
	}
}

// addCelebrities adds the celebrities' recent posts, rebuilding an empty
// outbox from the graph. A full outbox is complete only down to its oldest
// post, which raises the floor.
func (s *TimelineService) addCelebrities(ctx context.Context, c *candidates, celebs []int64, outs [][]string) error {
	for i, id := range celebs {
		ids := make([]int64, 0, len(outs[i]))
		for _, f := range outs[i] {
			if n, ok := parseID(f); ok {
				ids = append(ids, n)
			}
		}
		if len(ids) == 0 {
			var err error
			if ids, err = s.rebuildOutbox(ctx, id); err != nil && !s.degrade(ctx, err) {
				return err
			}
		}
		if len(ids) >= celebrityPull {
			c.floor = max(c.floor, slices.Min(ids))
		}
		for _, fid := range ids {
			c.refs = append(c.refs, stylegraph.FeedRef{FeedID: fid, Reason: stylegraph.ReasonFollowing, SourceKind: "user", SourceID: id})
		}
	}
	return nil
}

func hasUser(f following, id int64) bool { _, ok := f.users[id]; return ok }

func parseID(s string) (int64, bool) {
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil && n > 0
}

// regenerate rebuilds a missing or expired list from the graph. Entries are
// appended behind whatever fan-out pushed meanwhile, so nothing is lost;
// reads de-duplicate.
func (s *TimelineService) regenerate(ctx context.Context, uid int64) ([]string, error) {
	gctx, cancel := graphShare(ctx)
	defer cancel()
	refs, err := s.g.TimelineBefore(gctx, uid, maxID+1, s.cfg.Cap)
	if err != nil {
		return nil, fmt.Errorf("rebuild feed of user %d: %w", uid, err)
	}
	vals := make([]string, len(refs))
	args := make([]any, len(refs))
	for i, r := range refs {
		vals[i] = entry(r)
		args[i] = vals[i]
	}
	pipe := s.r.Pipeline()
	if len(args) > 0 {
		pipe.RPush(ctx, s.timelineKey(uid), args...)
		pipe.LTrim(ctx, s.timelineKey(uid), 0, int64(s.cfg.Cap-1))
	}
	pipe.Set(ctx, s.builtKey(uid), "1", s.cfg.TimelineTTL)
	if _, err := pipe.Exec(ctx); err != nil {
		return nil, fmt.Errorf("store rebuilt feed of user %d: %w", uid, err)
	}
	return vals, nil
}

// rebuildOutbox reloads a celebrity's recent posts from the graph.
func (s *TimelineService) rebuildOutbox(ctx context.Context, author int64) ([]int64, error) {
	gctx, cancel := graphShare(ctx)
	defer cancel()
	ids, err := s.g.AuthorFeedIDs(gctx, author, celebrityPull)
	if err != nil {
		return nil, fmt.Errorf("recent posts of user %d: %w", author, err)
	}
	if len(ids) == 0 {
		return nil, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	pipe := s.r.Pipeline()
	pipe.Del(ctx, s.outboxKey(author))
	pipe.RPush(ctx, s.outboxKey(author), args...)
	if _, err := pipe.Exec(ctx); err != nil {
		return nil, fmt.Errorf("store posts of user %d: %w", author, err)
	}
	return ids, nil
}

// trending returns the trending feed IDs, cached briefly.
func (s *TimelineService) trending(ctx context.Context) ([]int64, error) {
	if b, err := s.r.Get(ctx, s.trendingKey()).Bytes(); err == nil {
		var ids []int64
		if json.Unmarshal(b, &ids) == nil {
			return ids, nil
		}
	}
	gctx, cancel := graphShare(ctx)
	defer cancel()
	ids, err := s.g.TrendingFeedIDs(gctx, s.now().Add(-s.cfg.TrendingWindow), trendingSize)
	if err != nil {
		return nil, fmt.Errorf("trending posts: %w", err)
	}
	b, _ := json.Marshal(ids)
	if err := s.r.Set(ctx, s.trendingKey(), b, trendingTTL).Err(); err != nil {
		return nil, fmt.Errorf("cache trending posts: %w", err)
	}
	return ids, nil
}

// hydrate turns refs (newest first) into uid's feed items until it has
// limit, skipping deleted ones, which it returns as dead. Objects and uid's
// likes of them are read in one round trip per chunk.
func (s *TimelineService) hydrate(ctx context.Context, uid int64, refs []stylegraph.FeedRef, limit int) ([]item, []int64, error) {
	items := make([]item, 0, min(limit, len(refs)))
	var dead []int64
	ids := make([]int64, 0, min(limit+2, len(refs)))
	for start := 0; start < len(refs) && len(items) < limit; {
		end := min(start+limit-len(items)+2, len(refs))
		chunk := refs[start:end]
		ids = ids[:0]
		for _, r := range chunk {
			ids = append(ids, r.FeedID)
		}
		pipe := s.r.Pipeline()
		mget := s.queueMGet(ctx, pipe, s.objectKeys(ids))
		likes := pipe.SMIsMember(ctx, s.likesKey(uid), likeMembers(ids)...)
		if err := execIgnoringNil(ctx, pipe); err != nil {
			return nil, nil, fmt.Errorf("read feed objects: %w", err)
		}
		objs, unknown, err := s.rawObjects(ctx, ids, mget())
		if err != nil {
			return nil, nil, err
		}
		// liked[i] says whether uid likes ids[i].
		var liked []bool
		if lv := likes.Val(); len(lv) == len(ids)+1 && lv[0] {
			liked = lv[1:]
		} else {
			m, err := s.likedByMe(ctx, uid, ids)
			switch {
			case s.degrade(ctx, err):
				m = nil // not cached, graph down: shown as not liked
			case err != nil: // not cached: build it
				return nil, nil, err
			}
			liked = make([]bool, len(ids))
			for i, id := range ids {
				liked[i] = m[id]
			}
		}
		for i, r := range chunk {
			if unknown[r.FeedID] {
				continue // not in Redis and the graph is down: skipped, not dead
			}
			if objs[i] == "" {
				dead = append(dead, r.FeedID)
				continue
			}
			if len(items) < limit {
				items = append(items, item{id: r.FeedID, raw: objs[i], reason: r.Reason, liked: liked[i]})
			}
		}
		start = end
	}
	return items, dead, nil
}

// cleanDead drops list entries of deleted items. Best effort: a failure only
// leaves them for the next read to skip again.
func (s *TimelineService) cleanDead(ctx context.Context, uid int64, c candidates, dead []int64) {
	if len(dead) == 0 {
		return
	}
	gone := make(map[int64]bool, len(dead))
	for _, id := range dead {
		gone[id] = true
	}
	pipe := s.r.Pipeline()
	for _, raw := range c.entries {
		if ref, ok := parseEntry(raw); ok && gone[ref.FeedID] {
			pipe.LRem(ctx, s.timelineKey(uid), 0, raw)
		}
	}
	if _, err := pipe.Exec(ctx); err != nil {
		s.log.WarnContext(ctx, "clean feed list", "user", uid, "err", err.Error())
	}
}
