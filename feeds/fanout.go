package feeds

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
	"golang.org/x/sync/errgroup"

	"github.com/stylegraph/stylegraph"
)

// AudienceGraph finds who a new post fans out to.
type AudienceGraph interface {
	PostAudience(ctx context.Context, postID, pushBelow int64) (stylegraph.PostAudience, error)
	BrandFollowerIDs(ctx context.Context, brandIDs []int64) (map[int64]int64, error)
	InterestedUserIDs(ctx context.Context, tags []string, brandIDs []int64, min float64, limit int) ([]int64, error)
	TagFollowerIDs(ctx context.Context, tags []string, limit int) ([]int64, error)
	FollowerCount(ctx context.Context, userID int64) (int64, error)
	AuthorFeedIDs(ctx context.Context, authorID int64, limit int) ([]int64, error)
}

// Handle is the feed consumer: it fans new posts out, refreshes feed objects
// on likes and comments, buries deleted posts and keeps follow caches true.
// Every step is idempotent (readers de-duplicate list entries by feed ID), so
// a redelivered batch does no harm.
func (s *FanoutService) Handle(ctx context.Context, events []stylegraph.Event) error {
	for _, e := range events {
		if err := s.handle(ctx, e); err != nil {
			return fmt.Errorf("feed consumer: %s event %s: %w", e.Type, e.ID, err)
		}
	}
	return nil
}

func (s *FanoutService) handle(ctx context.Context, e stylegraph.Event) error {
	if e.Target == nil {
		return nil
	}
	switch {
	case e.Type == stylegraph.EventPostCreated:
		_, err := s.Fanout(ctx, e.Target.ID)
		return err
	case e.Type == stylegraph.EventPostDeleted:
		// DeletePost buries the post before it records the event, and readers
		// drop posts the graph no longer has. A post_deleted for a post the
		// graph still holds is forged or stale (only the server writes these
		// events, but older streams and archives may carry forged ones), so
		// the event itself never buries anything.
		return nil
	case e.Target.Kind == stylegraph.TargetPost && (e.Type == stylegraph.EventLike || e.Type == stylegraph.EventUnlike || e.Type == stylegraph.EventComment):
		fid, _, err := s.g.PostRef(ctx, e.Target.ID)
		if stylegraph.ErrorCode(err) == stylegraph.ENOTFOUND {
			return nil
		}
		if err != nil {
			return err
		}
		_, err = s.refresh(ctx, fid)
		if stylegraph.ErrorCode(err) == stylegraph.ENOTFOUND {
			return nil
		}
		return err
	case e.Type == stylegraph.EventFollow && e.Target.Kind == stylegraph.TargetUser:
		if err := s.r.Del(ctx, s.followKey(e.UserID)).Err(); err != nil {
			return fmt.Errorf("drop follow cache: %w", err)
		}
		return s.backfill(ctx, e.UserID, e.Target.ID)
	case (e.Type == stylegraph.EventFollow || e.Type == stylegraph.EventUnfollow) && e.Target.Kind == stylegraph.TargetBrand,
		e.Type == stylegraph.EventUnfollow && e.Target.Kind == stylegraph.TargetUser:
		if err := s.r.Del(ctx, s.followKey(e.UserID)).Err(); err != nil {
			return fmt.Errorf("drop follow cache: %w", err)
		}
		if e.Type == stylegraph.EventUnfollow {
			return s.clean(ctx, e.UserID, string(e.Target.Kind), e.Target.ID)
		}
	}
	return nil
}

// FanoutStats says what one fan-out did.
type FanoutStats struct {
	FeedID     int64
	Recipients int  // lists written, the author's own included
	Celebrity  bool // the author's followers were left to pull
	Online     int  // recipients pushed to a live stream
	// Lookup is the time spent finding recipients in the graph, Deliver the
	// time spent writing their lists and publishing.
	Lookup, Deliver time.Duration
}

// deliverInFlight is how many delivery pipelines a fan-out keeps in flight:
// while Redis applies one batch, the next is encoded and sent.
const deliverInFlight = 2

// Fanout delivers a post to everyone who should see it: the author, the
// author's followers (unless the author is a celebrity), followers of the
// brands of its products, followers of its tags and users with a strong
// interest in its tags or brands. Each recipient's list gets the entry pushed and trimmed to the cap,
// in pipelined batches; online recipients get the item on their live stream.
//
// The first graph read brings the author's followers with the post, so
// their lists are written while the feed object and the other audiences are
// still being read: a fan-out costs one graph wait before Redis work starts.
func (s *FanoutService) Fanout(ctx context.Context, postID int64) (FanoutStats, error) {
	start := time.Now()
	// Who is online is read while the graph finds the audience.
	onlineCh := make(chan onlineUsers, 1)
	go func() { onlineCh <- s.onlineNow(ctx) }()
	aud, err := s.g.PostAudience(ctx, postID, s.cfg.CelebrityThreshold)
	live := <-onlineCh
	if stylegraph.ErrorCode(err) == stylegraph.ENOTFOUND {
		return FanoutStats{}, nil // deleted before it was fanned out
	}
	if err != nil {
		return FanoutStats{}, fmt.Errorf("audience of post %d: %w", postID, err)
	}
	st := FanoutStats{FeedID: aud.FeedID, Celebrity: aud.Followers >= s.cfg.CelebrityThreshold}
	st.Lookup = time.Since(start)
	seen := make(map[int64]bool, len(aud.FollowerIDs)+1)
	first := authorAndFollowers(aud, seen)
	var (
		obj            stylegraph.Feed
		others, online []stylegraph.Recipient
		delivered      time.Duration
	)
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() (err error) { obj, err = s.refresh(gctx, aud.FeedID); return err })
	g.Go(func() (err error) { others, err = s.otherAudiences(gctx, aud, st.Celebrity); return err })
	g.Go(func() (err error) {
		t := time.Now()
		online, err = s.deliver(gctx, first, aud.AuthorID, live)
		delivered = time.Since(t)
		return err
	})
	err = g.Wait()
	if stylegraph.ErrorCode(err) == stylegraph.ENOTFOUND {
		return st, nil // deleted meanwhile: readers drop posts the graph no longer has
	}
	if err != nil {
		return st, err
	}
	st.Recipients = len(first)
	rest := unseen(others, seen)
	t := time.Now()
	more, err := s.deliver(ctx, rest, 0, live)
	if err != nil {
		return st, err
	}
	st.Recipients += len(rest)
	online = append(online, more...)
	if st.Online, err = s.publish(ctx, online, obj); err != nil {
		return st, err
	}
	st.Deliver = delivered + time.Since(t)
	return st, nil
}

// authorAndFollowers lists the author (reason own) and their followers,
// each once, marking them seen.
func authorAndFollowers(aud stylegraph.PostAudience, seen map[int64]bool) []stylegraph.Recipient {
	first := []stylegraph.Recipient{{UserID: aud.AuthorID, Ref: stylegraph.FeedRef{FeedID: aud.FeedID, Reason: stylegraph.ReasonOwn}}}
	seen[aud.AuthorID] = true
	following := stylegraph.FeedRef{FeedID: aud.FeedID, Reason: stylegraph.ReasonFollowing, SourceKind: "user", SourceID: aud.AuthorID}
	for _, uid := range aud.FollowerIDs {
		if !seen[uid] {
			seen[uid] = true
			first = append(first, stylegraph.Recipient{UserID: uid, Ref: following})
		}
	}
	return first
}

// unseen keeps the recipients not seen yet, each once, marking them seen.
// It reuses rcs.
func unseen(rcs []stylegraph.Recipient, seen map[int64]bool) []stylegraph.Recipient {
	out := rcs[:0]
	for _, rc := range rcs {
		if !seen[rc.UserID] {
			seen[rc.UserID] = true
			out = append(out, rc)
		}
	}
	return out
}

// otherAudiences lists brand fans, followers of the post's tags and
// interested users, each once with the strongest reason, in that order.
func (s *FanoutService) otherAudiences(ctx context.Context, aud stylegraph.PostAudience, celebrity bool) ([]stylegraph.Recipient, error) {
	var (
		brandFans           map[int64]int64
		tagFans, interested []int64
	)
	// Brand audiences can be as large as a celebrity's, so they are skipped
	// with it to keep a celebrity post O(1); tag followers and interested
	// users are capped instead (TagFollowerLimit, InterestLimit). The reads
	// run concurrently.
	g, gctx := errgroup.WithContext(ctx)
	if !celebrity {
		g.Go(func() (err error) {
			if brandFans, err = s.g.BrandFollowerIDs(gctx, aud.Brands); err != nil {
				return fmt.Errorf("brand followers: %w", err)
			}
			return nil
		})
	}
	g.Go(func() (err error) {
		if tagFans, err = s.g.TagFollowerIDs(gctx, aud.Tags, s.cfg.TagFollowerLimit); err != nil {
			return fmt.Errorf("tag followers: %w", err)
		}
		return nil
	})
	g.Go(func() (err error) {
		if interested, err = s.g.InterestedUserIDs(gctx, aud.Tags, aud.Brands, s.cfg.InterestMin, s.cfg.InterestLimit); err != nil {
			return fmt.Errorf("interested users: %w", err)
		}
		return nil
	})
	if err := g.Wait(); err != nil {
		return nil, err
	}
	out := make([]stylegraph.Recipient, 0, len(brandFans)+len(tagFans)+len(interested))
	seen := make(map[int64]bool, len(brandFans)+len(tagFans))
	for uid, brand := range brandFans {
		seen[uid] = true
		out = append(out, stylegraph.Recipient{UserID: uid, Ref: stylegraph.FeedRef{FeedID: aud.FeedID, Reason: stylegraph.ReasonBrand, SourceKind: "brand", SourceID: brand}})
	}
	for _, uid := range tagFans {
		if !seen[uid] {
			seen[uid] = true
			out = append(out, stylegraph.Recipient{UserID: uid, Ref: stylegraph.FeedRef{FeedID: aud.FeedID, Reason: stylegraph.ReasonTag}})
		}
	}
	for _, uid := range interested {
		if !seen[uid] {
			out = append(out, stylegraph.Recipient{UserID: uid, Ref: stylegraph.FeedRef{FeedID: aud.FeedID, Reason: stylegraph.ReasonInterest}})
		}
	}
	return out, nil
}

// onlineFew is the most online users a fan-out reads whole: while fewer are
// online, recipients are matched against them in memory instead of asking
// Redis about every recipient (a ZMSCORE of each batch's thousand members,
// about a third of the arguments a batch sends).
const onlineFew = 1000

// onlineUsers is who held a live-stream lease when a fan-out began; known is
// false when more than onlineFew did (or the read failed), and then each
// batch asks Redis.
type onlineUsers struct {
	ids   map[int64]bool
	known bool
}

// onlineNow reads the users whose live-stream lease runs past now, if
// there are at most onlineFew of them.
func (s *FanoutService) onlineNow(ctx context.Context) onlineUsers {
	ms, err := s.r.ZRangeArgs(ctx, redis.ZRangeArgs{
		Key: s.onlineKey(), ByScore: true, Start: "(" + itoa(s.now().UnixMilli()), Stop: "+inf", Count: onlineFew + 1,
	}).Result()
	if err != nil || len(ms) > onlineFew {
		return onlineUsers{} // the batches' own reads report a Redis failure
	}
	ids := make(map[int64]bool, len(ms))
	for _, m := range ms {
		if id, err := strconv.ParseInt(m, 10, 64); err == nil {
			ids[id] = true
		}
	}
	return onlineUsers{ids: ids, known: true}
}

// deliver writes the recipients' lists (LPUSH each, LTRIM past the slack) in pipelined
// batches, deliverInFlight at a time, and returns those of them who are
// online. A non-zero author also gets the post on their outbox, in the
// first batch.
func (s *FanoutService) deliver(ctx context.Context, rcs []stylegraph.Recipient, author int64, live onlineUsers) ([]stylegraph.Recipient, error) {
	if len(rcs) == 0 {
		return nil, nil
	}
	nb := (len(rcs) + s.cfg.Batch - 1) / s.cfg.Batch
	online := make([][]stylegraph.Recipient, nb)
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(deliverInFlight)
	for i := range nb {
		batch := rcs[i*s.cfg.Batch : min((i+1)*s.cfg.Batch, len(rcs))]
		g.Go(func() (err error) {
			online[i], err = s.deliverBatch(gctx, batch, author, i == 0, live)
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	var out []stylegraph.Recipient
	for _, o := range online {
		out = append(out, o...)
	}
	return out, nil
}

// deliverBatch writes one batch of lists in one round trip and returns the
// recipients holding a live-stream lease.
func (s *FanoutService) deliverBatch(ctx context.Context, batch []stylegraph.Recipient, author int64, outbox bool, live onlineUsers) ([]stylegraph.Recipient, error) {
	pipe := s.r.Pipeline()
	if outbox && author != 0 {
		pipe.LPush(ctx, s.outboxKey(author), batch[0].Ref.FeedID)
		pipe.LTrim(ctx, s.outboxKey(author), 0, int64(s.cfg.Cap-1))
	}
	lens := make([]*redis.IntCmd, len(batch))
	var (
		lastRef stylegraph.FeedRef
		e       string
	)
	for i, rc := range batch {
		if i == 0 || rc.Ref != lastRef { // most of a batch shares one reason
			lastRef, e = rc.Ref, entry(rc.Ref)
		}
		lens[i] = pipe.LPush(ctx, s.timelineKey(rc.UserID), e)
	}
	var leases *redis.FloatSliceCmd
	if !live.known {
		members := make([]string, len(batch))
		for i, rc := range batch {
			members[i] = itoa(rc.UserID)
		}
		leases = pipe.ZMScore(ctx, s.onlineKey(), members...)
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return nil, fmt.Errorf("push feed item %d: %w", batch[0].Ref.FeedID, err)
	}
	if err := s.trimOverfull(ctx, batch, lens); err != nil {
		return nil, err
	}
	var online []stylegraph.Recipient
	if live.known {
		for _, rc := range batch {
			if live.ids[rc.UserID] {
				online = append(online, rc)
			}
		}
		return online, nil
	}
	now := float64(s.now().UnixMilli())
	for i, lease := range leases.Val() {
		if lease > now {
			online = append(online, batch[i])
		}
	}
	return online, nil
}

// trimOverfull trims the lists of the batch that LPUSH said (lens[i] for
// batch[i]) have grown past the cap by the slack. A list is trimmed back to
// the cap only then, so a delivery is one command, not an LPUSH and an
// LTRIM; lists hold Cap to Cap+slack entries.
func (s *FanoutService) trimOverfull(ctx context.Context, batch []stylegraph.Recipient, lens []*redis.IntCmd) error {
	limit, trim := int64(s.cfg.Cap+trimSlack(s.cfg.Cap)), int64(s.cfg.Cap-1)
	var tp redis.Pipeliner
	for i, n := range lens {
		if n.Val() > limit {
			if tp == nil {
				tp = s.r.Pipeline()
			}
			tp.LTrim(ctx, s.timelineKey(batch[i].UserID), 0, trim)
		}
	}
	if tp == nil {
		return nil
	}
	if _, err := tp.Exec(ctx); err != nil {
		return fmt.Errorf("trim feeds after item %d: %w", batch[0].Ref.FeedID, err)
	}
	return nil
}

// trimSlack is how far a list may grow past the cap before a fan-out trims
// it: an eighth of the cap, so one delivery in that many pays for a trim.
func trimSlack(cap int) int { return max(1, cap/8) }

// publish sends the item to the live streams of the online recipients, in
// one round trip.
func (s *FanoutService) publish(ctx context.Context, online []stylegraph.Recipient, obj stylegraph.Feed) (int, error) {
	if len(online) == 0 {
		return 0, nil
	}
	pub := s.r.Pipeline()
	for _, rc := range online {
		f := obj
		f.Reason = rc.Ref.Reason
		b, err := json.Marshal(liveMessage{Entry: entry(rc.Ref), Feed: f})
		if err != nil {
			return 0, fmt.Errorf("encode live item: %w", err)
		}
		pub.Publish(ctx, s.hub.channel(rc.UserID), b)
	}
	if _, err := pub.Exec(ctx); err != nil {
		return 0, fmt.Errorf("publish feed item %d: %w", obj.ID, err)
	}
	return len(online), nil
}

// liveMessage is what a live channel carries.
type liveMessage struct {
	Entry string          `json:"entry"`
	Feed  stylegraph.Feed `json:"feed"`
}

// backfillPosts is how many recent posts of a newly followed user are put in
// the follower's list.
const backfillPosts = 20

// backfill puts a newly followed user's recent posts into the follower's
// list so they show at once; celebrities are pulled at read anyway.
func (s *FanoutService) backfill(ctx context.Context, follower, followee int64) error {
	n, err := s.followerCount(ctx, followee)
	if err != nil || n >= s.cfg.CelebrityThreshold {
		return err
	}
	fids, err := s.g.AuthorFeedIDs(ctx, followee, backfillPosts)
	if err != nil {
		return fmt.Errorf("recent posts of user %d: %w", followee, err)
	}
	if len(fids) == 0 {
		return nil
	}
	vals := make([]any, len(fids))
	for i := range fids {
		// oldest first, so the newest ends up at the head
		vals[i] = entry(stylegraph.FeedRef{FeedID: fids[len(fids)-1-i], Reason: stylegraph.ReasonFollowing, SourceKind: "user", SourceID: followee})
	}
	pipe := s.r.Pipeline()
	pipe.LPush(ctx, s.timelineKey(follower), vals...)
	pipe.LTrim(ctx, s.timelineKey(follower), 0, int64(s.cfg.Cap-1))
	if _, err := pipe.Exec(ctx); err != nil {
		return fmt.Errorf("backfill feed of user %d: %w", follower, err)
	}
	return nil
}

func (s *FanoutService) followerCount(ctx context.Context, uid int64) (int64, error) {
	n, err := s.g.FollowerCount(ctx, uid)
	if err != nil {
		return 0, fmt.Errorf("followers of user %d: %w", uid, err)
	}
	return n, nil
}

// clean removes the entries that came through an unfollowed user or brand
// from a user's list. Reads filter them already; this reclaims the space.
func (s *FanoutService) clean(ctx context.Context, uid int64, kind string, id int64) error {
	key := s.timelineKey(uid)
	entries, err := s.r.LRange(ctx, key, 0, -1).Result()
	if err != nil {
		return fmt.Errorf("read feed of user %d: %w", uid, err)
	}
	pipe := s.r.Pipeline()
	n := 0
	for _, raw := range entries {
		ref, ok := parseEntry(raw)
		if ok && ref.SourceKind == kind && ref.SourceID == id {
			pipe.LRem(ctx, key, 0, raw)
			n++
		}
	}
	if n == 0 {
		return nil
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return fmt.Errorf("clean feed of user %d: %w", uid, err)
	}
	return nil
}
