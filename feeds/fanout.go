package feeds

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
	"golang.org/x/sync/errgroup"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/ingest"
)

// Handle is the feed consumer: it fans new posts out, refreshes feed objects
// on likes and comments, buries deleted posts and keeps follow caches true.
// Every step is idempotent (readers de-duplicate list entries by feed ID), so
// a redelivered batch does no harm.
func (s *Service) Handle(ctx context.Context, events []ingest.Event) error {
	for _, e := range events {
		if err := s.handle(ctx, e); err != nil {
			return fmt.Errorf("feed consumer: %s event %s: %w", e.Type, e.ID, err)
		}
	}
	return nil
}

func (s *Service) handle(ctx context.Context, e ingest.Event) error {
	if e.Target == nil {
		return nil
	}
	switch {
	case e.Type == ingest.PostCreated:
		_, err := s.Fanout(ctx, e.Target.ID)
		return err
	case e.Type == ingest.PostDeleted:
		// DeletePost buries the post before it records the event, and readers
		// drop posts the graph no longer has. A post_deleted for a post the
		// graph still holds is forged or stale (only the server writes these
		// events, but older streams and archives may carry forged ones), so
		// the event itself never buries anything.
		return nil
	case e.Target.Kind == ingest.KindPost && (e.Type == ingest.Like || e.Type == ingest.Unlike || e.Type == ingest.CommentEvent):
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
	case e.Type == ingest.Follow && e.Target.Kind == ingest.KindUser:
		if err := s.r.Del(ctx, s.followKey(e.UserID)).Err(); err != nil {
			return fmt.Errorf("drop follow cache: %w", err)
		}
		return s.backfill(ctx, e.UserID, e.Target.ID)
	case (e.Type == ingest.Follow || e.Type == ingest.Unfollow) && e.Target.Kind == ingest.KindBrand,
		e.Type == ingest.Unfollow && e.Target.Kind == ingest.KindUser:
		if err := s.r.Del(ctx, s.followKey(e.UserID)).Err(); err != nil {
			return fmt.Errorf("drop follow cache: %w", err)
		}
		if e.Type == ingest.Unfollow {
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

// Fanout delivers a post to everyone who should see it: the author, the
// author's followers (unless the author is a celebrity), followers of the
// brands of its products and users with a strong interest in its tags or
// brands. Each recipient's list gets the entry pushed and trimmed to the cap,
// in pipelined batches; online recipients get the item on their live stream.
func (s *Service) Fanout(ctx context.Context, postID int64) (FanoutStats, error) {
	aud, err := s.g.PostAudience(ctx, postID)
	if stylegraph.ErrorCode(err) == stylegraph.ENOTFOUND {
		return FanoutStats{}, nil // deleted before it was fanned out
	}
	if err != nil {
		return FanoutStats{}, fmt.Errorf("audience of post %d: %w", postID, err)
	}
	st := FanoutStats{FeedID: aud.FeedID, Celebrity: aud.Followers >= s.cfg.CelebrityThreshold}
	// The feed object and the audience are independent graph reads; under
	// load each is mostly waiting, so they overlap.
	start := time.Now()
	var (
		obj        stylegraph.Feed
		recipients []stylegraph.Recipient
	)
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() (err error) { obj, err = s.refresh(gctx, aud.FeedID); return err })
	g.Go(func() (err error) { recipients, err = s.recipients(gctx, aud, st.Celebrity); return err })
	err = g.Wait()
	if stylegraph.ErrorCode(err) == stylegraph.ENOTFOUND {
		return st, nil
	}
	if err != nil {
		return st, err
	}
	st.Lookup = time.Since(start)
	start = time.Now()
	pipe := s.r.Pipeline()
	pipe.LPush(ctx, s.outboxKey(aud.AuthorID), aud.FeedID)
	pipe.LTrim(ctx, s.outboxKey(aud.AuthorID), 0, int64(s.cfg.Cap-1))
	if _, err := pipe.Exec(ctx); err != nil {
		return st, fmt.Errorf("outbox of user %d: %w", aud.AuthorID, err)
	}
	for start := 0; start < len(recipients); start += s.cfg.Batch {
		batch := recipients[start:min(start+s.cfg.Batch, len(recipients))]
		n, err := s.deliver(ctx, batch, obj)
		if err != nil {
			return st, err
		}
		st.Recipients += len(batch)
		st.Online += n
	}
	st.Deliver = time.Since(start)
	return st, nil
}

// recipients lists who gets a post, each once with the strongest reason.
func (s *Service) recipients(ctx context.Context, aud stylegraph.PostAudience, celebrity bool) ([]stylegraph.Recipient, error) {
	seen := map[int64]bool{aud.AuthorID: true}
	out := []stylegraph.Recipient{{UserID: aud.AuthorID, Ref: stylegraph.FeedRef{FeedID: aud.FeedID, Reason: stylegraph.ReasonOwn}}}
	add := func(uid int64, ref stylegraph.FeedRef) {
		if !seen[uid] {
			seen[uid] = true
			out = append(out, stylegraph.Recipient{UserID: uid, Ref: ref})
		}
	}
	// The three audiences are separate graph reads; they run concurrently
	// and are merged in order of precedence (followers, brand fans, interest).
	var (
		followers  []int64
		brandFans  map[int64]int64
		interested []int64
	)
	g, gctx := errgroup.WithContext(ctx)
	if !celebrity {
		g.Go(func() (err error) {
			if followers, err = s.g.FollowerIDs(gctx, aud.AuthorID); err != nil {
				return fmt.Errorf("followers of user %d: %w", aud.AuthorID, err)
			}
			return nil
		})
		// Brand audiences can be as large as a celebrity's, so they are
		// skipped with it to keep a celebrity post O(1).
		g.Go(func() (err error) {
			if brandFans, err = s.g.BrandFollowerIDs(gctx, aud.Brands); err != nil {
				return fmt.Errorf("brand followers: %w", err)
			}
			return nil
		})
	}
	g.Go(func() (err error) {
		if interested, err = s.g.InterestedUserIDs(gctx, aud.Tags, aud.Brands, s.cfg.InterestMin, s.cfg.InterestLimit); err != nil {
			return fmt.Errorf("interested users: %w", err)
		}
		return nil
	})
	if err := g.Wait(); err != nil {
		return nil, err
	}
	for _, uid := range followers {
		add(uid, stylegraph.FeedRef{FeedID: aud.FeedID, Reason: stylegraph.ReasonFollowing, SourceKind: "user", SourceID: aud.AuthorID})
	}
	for uid, brand := range brandFans {
		add(uid, stylegraph.FeedRef{FeedID: aud.FeedID, Reason: stylegraph.ReasonBrand, SourceKind: "brand", SourceID: brand})
	}
	for _, uid := range interested {
		add(uid, stylegraph.FeedRef{FeedID: aud.FeedID, Reason: stylegraph.ReasonInterest})
	}
	return out, nil
}

// push queues the pipelined LPUSH+LTRIM of one entry.
func (s *Service) push(ctx context.Context, pipe redis.Pipeliner, uid int64, ref stylegraph.FeedRef) {
	key := s.timelineKey(uid)
	pipe.LPush(ctx, key, entry(ref))
	pipe.LTrim(ctx, key, 0, int64(s.cfg.Cap-1))
}

// deliver writes one batch of recipients' lists in one round trip, then
// publishes the item to those of them who are online.
func (s *Service) deliver(ctx context.Context, batch []stylegraph.Recipient, obj stylegraph.Feed) (int, error) {
	pipe := s.r.Pipeline()
	for _, rc := range batch {
		s.push(ctx, pipe, rc.UserID, rc.Ref)
	}
	members := make([]string, len(batch))
	for i, rc := range batch {
		members[i] = itoa(rc.UserID)
	}
	leases := pipe.ZMScore(ctx, s.onlineKey(), members...)
	if _, err := pipe.Exec(ctx); err != nil {
		return 0, fmt.Errorf("push feed item %d: %w", obj.ID, err)
	}
	now := float64(s.now().UnixMilli())
	pub := s.r.Pipeline()
	online := 0
	for i, lease := range leases.Val() {
		if lease <= now {
			continue
		}
		f := obj
		f.Reason = batch[i].Ref.Reason
		b, err := json.Marshal(liveMessage{Entry: entry(batch[i].Ref), Feed: f})
		if err != nil {
			return 0, fmt.Errorf("encode live item: %w", err)
		}
		pub.Publish(ctx, s.hub.channel(batch[i].UserID), b)
		online++
	}
	if online > 0 {
		if _, err := pub.Exec(ctx); err != nil {
			return 0, fmt.Errorf("publish feed item %d: %w", obj.ID, err)
		}
	}
	return online, nil
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
func (s *Service) backfill(ctx context.Context, follower, followee int64) error {
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

func (s *Service) followerCount(ctx context.Context, uid int64) (int64, error) {
	n, err := s.g.FollowerCount(ctx, uid)
	if err != nil {
		return 0, fmt.Errorf("followers of user %d: %w", uid, err)
	}
	return n, nil
}

// clean removes the entries that came through an unfollowed user or brand
// from a user's list. Reads filter them already; this reclaims the space.
func (s *Service) clean(ctx context.Context, uid int64, kind string, id int64) error {
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
