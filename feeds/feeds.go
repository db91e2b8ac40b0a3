// Package feeds owns the feed: self-contained feed objects cached in Redis,
// fan-out of new posts into capped per-user lists (an ingest.Handler), the
// posts, likes, comments and follows that feed it, timeline reads with stable
// cursors, and live push to online users over Redis pub/sub. The graph is
// reached through small interfaces declared next to the code that uses them
// (PostGraph, TimelineGraph, ...; Graph is their union); feeds must not import
// api, graph or search.
package feeds

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/ingest"
)

// Graph is everything feeds reads from and writes to the graph: the union of
// the small interfaces each feature declares next to its code, each met by one
// of the graph's feature stores (internal/wiring.FeedGraph puts them together).
type Graph interface {
	PostGraph
	FeedItemGraph
	LikeGraph
	CommentGraph
	TagGraph
	FollowGraph
	FollowListGraph
	AudienceGraph
	TimelineGraph
	ProfileGraph
}

// Activity receives the activity events mutations produce (the ingest Log).
type Activity interface {
	Append(ctx context.Context, events []ingest.Event) error
}

// Config tunes the feed. Zero values get the defaults.
type Config struct {
	// Prefix starts every Redis key and channel the feed owns.
	Prefix string
	// Cap is how many items a user's cached list keeps (default 800).
	Cap int
	// CelebrityThreshold is the follower count from which an author's posts
	// are pulled at read instead of fanned out (default 10,000).
	CelebrityThreshold int64
	// RecentLikes and RecentComments are how many likers and comments a feed
	// object carries (default 3 each).
	RecentLikes, RecentComments int
	// InterestMin is the decayed interest score from which a user gets a post
	// for its tags or brands (default 10); InterestLimit bounds how many such
	// users one post reaches (default 1,000).
	InterestMin   float64
	InterestLimit int
	// TagFollowerLimit bounds how many followers of a post's tags it reaches,
	// the most recent followers first (default 10,000).
	TagFollowerLimit int
	// Batch is how many recipients share one pipelined round trip (default 1,000).
	Batch int
	// Heartbeat is how often a live stream sends a keep-alive (default 15s).
	Heartbeat time.Duration
	// ObjectTTL is how long a cached feed object lives unread (default 7 days).
	ObjectTTL time.Duration
	// TimelineTTL is how long a cached list lives without a read before it is
	// rebuilt from the graph (default 30 days).
	TimelineTTL time.Duration
	// TrendingWindow is how far back trending looks (default 7 days).
	TrendingWindow time.Duration
	// StreamsPerUser caps one user's live streams (default 5) and
	// StreamsMax all live streams (default 10,000), over every process that
	// shares the Redis (streamcap.go). Each holds a connection and an inbox.
	StreamsPerUser, StreamsMax int
	// StreamLeaseTTL is how long a live stream still counts against the caps
	// after its process stopped renewing it, i.e. died (default 30s).
	StreamLeaseTTL time.Duration
}

func (c Config) withDefaults() Config {
	if c.Prefix == "" {
		c.Prefix = "feed:"
	}
	if c.Cap <= 0 {
		c.Cap = 800
	}
	if c.CelebrityThreshold <= 0 {
		c.CelebrityThreshold = 10_000
	}
	if c.RecentLikes <= 0 {
		c.RecentLikes = 3
	}
	if c.RecentComments <= 0 {
		c.RecentComments = 3
	}
	if c.InterestMin <= 0 {
		c.InterestMin = 10
	}
	if c.InterestLimit <= 0 {
		c.InterestLimit = 1000
	}
	if c.TagFollowerLimit <= 0 {
		c.TagFollowerLimit = 10_000
	}
	if c.Batch <= 0 {
		c.Batch = 1000
	}
	if c.Heartbeat <= 0 {
		c.Heartbeat = 15 * time.Second
	}
	if c.ObjectTTL <= 0 {
		c.ObjectTTL = 7 * 24 * time.Hour
	}
	if c.TimelineTTL <= 0 {
		c.TimelineTTL = 30 * 24 * time.Hour
	}
	if c.StreamsPerUser <= 0 {
		c.StreamsPerUser = 5
	}
	if c.StreamsMax <= 0 {
		c.StreamsMax = 10_000
	}
	if c.StreamLeaseTTL <= 0 {
		c.StreamLeaseTTL = 30 * time.Second
	}
	if c.TrendingWindow <= 0 {
		c.TrendingWindow = 7 * 24 * time.Hour
	}
	return c
}

// Service is the feed: mutations, reads, fan-out and live push.
type Service struct {
	g    Graph
	r    redis.UniversalClient
	act  Activity
	ids  *IDs
	cfg  Config
	log  *slog.Logger
	hub  *hub
	caps *streamCaps
	now  func() time.Time
	// cluster: r is a Redis Cluster client (feeds/cluster.go).
	cluster bool
}

// New returns the feed service. act may be nil when events are not recorded
// (benchmarks); ids generates post, feed and comment IDs.
func New(g Graph, r redis.UniversalClient, act Activity, ids *IDs, cfg Config, log *slog.Logger) *Service {
	if log == nil {
		log = slog.Default()
	}
	s := &Service{g: g, r: r, act: act, ids: ids, cfg: cfg.withDefaults(), log: log, now: time.Now, cluster: isCluster(r)}
	s.hub = newHub(r, s.cfg.Prefix+"live:", log)
	s.caps = newStreamCaps(r, s.cfg.Prefix, s.cfg.StreamsPerUser, s.cfg.StreamsMax, s.cfg.StreamLeaseTTL, log)
	return s
}

// Close stops the live hub and the renewal of stream leases.
func (s *Service) Close() error {
	s.caps.close()
	return s.hub.close()
}

// Config returns the effective configuration.
func (s *Service) Config() Config { return s.cfg }

// Keys. Every key starts with the configured prefix.
func (s *Service) timelineKey(uid int64) string { return s.cfg.Prefix + "tl:" + itoa(uid) }
func (s *Service) builtKey(uid int64) string    { return s.cfg.Prefix + "tlok:" + itoa(uid) }
func (s *Service) objectKey(fid int64) string   { return s.cfg.Prefix + "item:" + itoa(fid) }
func (s *Service) outboxKey(uid int64) string   { return s.cfg.Prefix + "out:" + itoa(uid) }
func (s *Service) followKey(uid int64) string   { return s.cfg.Prefix + "fol:" + itoa(uid) }
func (s *Service) likesKey(uid int64) string    { return s.cfg.Prefix + "lk:" + itoa(uid) }
func (s *Service) onlineKey() string            { return s.cfg.Prefix + "online" }
func (s *Service) trendingKey() string          { return s.cfg.Prefix + "trending" }

// TimelineKey is the Redis list holding a user's cached feed entries.
func (s *Service) TimelineKey(uid int64) string { return s.timelineKey(uid) }

// ReadKeys names the Redis keys a read of uid's feed touches: the follow
// hash, the list, its rebuild marker, the like set and the objects of fids
// (for benchmarks and tools that replay a read).
func (s *Service) ReadKeys(uid int64, fids []int64) (follows, list, built, likes string, objects []string) {
	return s.followKey(uid), s.timelineKey(uid), s.builtKey(uid), s.likesKey(uid), s.objectKeys(fids)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// entry is one element of a cached list: "feedID|reason|kind|source".
func entry(r stylegraph.FeedRef) string {
	return itoa(r.FeedID) + "|" + r.Reason + "|" + r.SourceKind + "|" + itoa(r.SourceID)
}

// parseEntry cuts rather than splits: a read parses every entry of the
// list, and the fields are substrings of the entry, not copies.
func parseEntry(s string) (stylegraph.FeedRef, bool) {
	fid, rest, ok1 := strings.Cut(s, "|")
	reason, rest, ok2 := strings.Cut(rest, "|")
	kind, src, ok3 := strings.Cut(rest, "|")
	if !ok1 || !ok2 || !ok3 || strings.Contains(src, "|") {
		return stylegraph.FeedRef{}, false
	}
	id, err1 := strconv.ParseInt(fid, 10, 64)
	sid, err2 := strconv.ParseInt(src, 10, 64)
	if err1 != nil || err2 != nil || id <= 0 {
		return stylegraph.FeedRef{}, false
	}
	return stylegraph.FeedRef{FeedID: id, Reason: reason, SourceKind: kind, SourceID: sid}, true
}

// reasonRank orders reasons when one item reaches a user several ways.
func reasonRank(r string) int {
	switch r {
	case stylegraph.ReasonOwn:
		return 0
	case stylegraph.ReasonFollowing:
		return 1
	case stylegraph.ReasonBrand:
		return 2
	case stylegraph.ReasonTag:
		return 3
	case stylegraph.ReasonInterest:
		return 4
	}
	return 5
}

// append records activity events when an Activity was given.
func (s *Service) append(ctx context.Context, events ...ingest.Event) error {
	if s.act == nil {
		return nil
	}
	now := s.now().UTC()
	for i := range events {
		if err := events[i].Normalize(now); err != nil {
			return fmt.Errorf("activity event: %w", err)
		}
		events[i].ReceivedAt = now
	}
	if err := s.act.Append(ctx, events); err != nil {
		return fmt.Errorf("append activity: %w", err)
	}
	return nil
}
