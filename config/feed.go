package config

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Feed tunes the feed (package feeds).
type Feed struct {
	KeyPrefix          string        // FEED_KEY_PREFIX: Redis keys and channels
	Cap                int           // FEED_CAP: items kept per cached list
	CelebrityThreshold int64         // FEED_CELEBRITY_THRESHOLD: followers from which posts are pulled, not pushed
	RecentLikes        int           // FEED_RECENT_LIKES: likers a feed object carries
	RecentComments     int           // FEED_RECENT_COMMENTS: comments a feed object carries
	InterestMin        float64       // FEED_INTEREST_MIN: interest score that earns a post
	InterestLimit      int           // FEED_INTEREST_LIMIT: interest recipients per post
	TagFollowerLimit   int           // FEED_TAG_FOLLOWER_LIMIT: followers of a post's tags it reaches
	DropFanout         int           // NOTIFY_DROP_FANOUT: followers of a brand one brand drop notifies
	FanoutBatch        int           // FEED_FANOUT_BATCH: recipients per pipelined round trip
	Heartbeat          time.Duration // FEED_HEARTBEAT: live stream keep-alive interval
	NodeID             int           // FEED_NODE_ID: ID generator node, -1 to lease one in Redis
	NodeLeaseTTL       time.Duration // FEED_NODE_LEASE_TTL: how long a leased node outlives its last renewal
	Group              string        // FEED_GROUP: the fan-out consumer group
	StreamsPerUser     int           // FEED_STREAMS_PER_USER: live streams one user may hold open, over all processes
	StreamsMax         int           // FEED_STREAMS_MAX: live streams open at once, over all processes
	StreamLeaseTTL     time.Duration // FEED_STREAM_LEASE_TTL: how long a dead process's streams still count
}

func (r *reader) feed() Feed {
	f := Feed{
		KeyPrefix:          r.str("FEED_KEY_PREFIX", "feed:"),
		Cap:                r.int("FEED_CAP", 800),
		CelebrityThreshold: int64(r.int("FEED_CELEBRITY_THRESHOLD", 10_000)),
		RecentLikes:        r.int("FEED_RECENT_LIKES", 3),
		RecentComments:     r.int("FEED_RECENT_COMMENTS", 3),
		InterestMin:        r.float("FEED_INTEREST_MIN", 10),
		InterestLimit:      r.int("FEED_INTEREST_LIMIT", 1000),
		TagFollowerLimit:   r.int("FEED_TAG_FOLLOWER_LIMIT", 10_000),
		DropFanout:         r.int("NOTIFY_DROP_FANOUT", 10_000),
		FanoutBatch:        r.int("FEED_FANOUT_BATCH", 1000),
		Heartbeat:          r.duration("FEED_HEARTBEAT", 15*time.Second),
		NodeID:             r.int("FEED_NODE_ID", -1),
		NodeLeaseTTL:       r.duration("FEED_NODE_LEASE_TTL", 30*time.Second),
		Group:              r.str("FEED_GROUP", "feed"),
		StreamsPerUser:     r.int("FEED_STREAMS_PER_USER", 5),
		StreamsMax:         r.int("FEED_STREAMS_MAX", 10_000),
		StreamLeaseTTL:     r.duration("FEED_STREAM_LEASE_TTL", 30*time.Second),
	}
	if f.StreamLeaseTTL < time.Second || f.StreamLeaseTTL > time.Hour {
		r.fail("FEED_STREAM_LEASE_TTL", f.StreamLeaseTTL.String(), "must be between 1s and 1h")
	}
	r.between("FEED_STREAMS_PER_USER", f.StreamsPerUser, 1, 1000)
	r.between("FEED_STREAMS_MAX", f.StreamsMax, 1, 1_000_000)
	r.between("FEED_CAP", f.Cap, 10, 100_000)
	r.between("FEED_CELEBRITY_THRESHOLD", int(f.CelebrityThreshold), 1, 1<<40)
	r.between("FEED_RECENT_LIKES", f.RecentLikes, 1, 50)
	r.between("FEED_RECENT_COMMENTS", f.RecentComments, 1, 50)
	r.between("FEED_INTEREST_LIMIT", f.InterestLimit, 1, 1_000_000)
	r.between("FEED_TAG_FOLLOWER_LIMIT", f.TagFollowerLimit, 1, 1_000_000)
	r.between("NOTIFY_DROP_FANOUT", f.DropFanout, 1, 10_000_000)
	r.between("FEED_FANOUT_BATCH", f.FanoutBatch, 1, 100_000)
	r.between("FEED_NODE_ID", f.NodeID, -1, 63)
	if f.InterestMin <= 0 {
		r.fail("FEED_INTEREST_MIN", strconv.FormatFloat(f.InterestMin, 'g', -1, 64), "must be positive")
	}
	if strings.ContainsAny(f.Group, " \t\n") {
		r.fail("FEED_GROUP", f.Group, "must be a name without spaces")
	}
	if len(f.KeyPrefix) > 64 {
		r.fail("FEED_KEY_PREFIX", f.KeyPrefix, "must be at most 64 characters")
	}
	return f
}

// between fails when n is outside lo..hi.
func (r *reader) between(name string, n, lo, hi int) {
	if n < lo || n > hi {
		r.fail(name, strconv.Itoa(n), fmt.Sprintf("must be between %d and %d", lo, hi))
	}
}
