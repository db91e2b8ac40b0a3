// Package feeds owns the feed: self-contained feed objects cached in Redis,
// fan-out of new posts into capped per-user lists (an ingest.Handler), the
// posts, likes, comments and follows that feed it, timeline reads with stable
// cursors, and live push to online users over Redis pub/sub. Each feature is
// a small service (PostService, TimelineService, FanoutService, ...) over one
// shared core; Service bundles them for wiring. The graph is
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
	Append(ctx context.Context, events []stylegraph.Event) error
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
	orDefault(&c.Cap, 800)
	orDefault(&c.CelebrityThreshold, 10_000)
	orDefault(&c.RecentLikes, 3)
	orDefault(&c.RecentComments, 3)
	orDefault(&c.InterestMin, 10)
	orDefault(&c.InterestLimit, 1000)
	orDefault(&c.TagFollowerLimit, 10_000)
	orDefault(&c.Batch, 1000)
	orDefault(&c.Heartbeat, 15*time.Second)
	orDefault(&c.ObjectTTL, 7*24*time.Hour)
	orDefault(&c.TimelineTTL, 30*24*time.Hour)
	orDefault(&c.StreamsPerUser, 5)
	orDefault(&c.StreamsMax, 10_000)
	orDefault(&c.StreamLeaseTTL, 30*time.Second)
	orDefault(&c.TrendingWindow, 7*24*time.Hour)
	return c
}

// orDefault sets *v to def unless *v is positive.
func orDefault[T int | int64 | float64 | time.Duration](v *T, def T) {
	if *v <= 0 {
		*v = def
	}
}

// core is what every feature of the feed shares: the graph, the Redis
// client, the activity log, the ID generator, the configuration, and the
// helpers over them (keys, the feed-object and like caches, activity
// events). Each feature service holds the one core.
type core struct {
	keys
	g   Graph
	r   redis.UniversalClient
	act Activity
	ids *IDs
	cfg Config
	log *slog.Logger
	hub *hub
	now func() time.Time
	// cluster: r is a Redis Cluster client (feeds/cluster.go).
	cluster bool
}

// Service is the whole feed: one service per feature over one core. cmd/
// builds it with New and hands each consumer the features it needs; the
// embedded services' methods make it satisfy every consumer's interface.
type Service struct {
	*PostService
	*CommentService
	*LikeService
	*FollowService
	*TagService
	*ProfileService
	*TimelineService
	*FanoutService
	*LiveService
	*ReconcileService
	*PrivacyService
	core *core
}

// PostService creates, shows, edits and deletes posts.
type PostService struct{ *core }

// CommentService adds, lists and deletes comments on posts.
type CommentService struct{ *core }

// LikeService likes and unlikes posts.
type LikeService struct{ *core }

// FollowService follows and unfollows users and brands and lists follows.
type FollowService struct{ *core }

// TagService follows tags and lists a tag's posts.
type TagService struct{ *core }

// ProfileService serves profiles, a user's posts and follow suggestions.
type ProfileService struct{ *core }

// TimelineService reads feeds: the cached list merged with celebrities'
// posts or trending items, continued from the graph.
type TimelineService struct{ *core }

// FanoutService is the feed consumer (an ingest.Handler): it fans new
// posts out and keeps cached objects and follow caches true.
type FanoutService struct{ *core }

// LiveService serves live streams of the feed.
type LiveService struct {
	*core
	timeline *TimelineService // a resumed stream's backlog
	caps     *streamCaps
}

// ReconcileService checks cached feed objects against the graph.
type ReconcileService struct{ *core }

// PrivacyService exports and erases what the feed holds about a user.
type PrivacyService struct{ *core }

// New returns the feed service. act may be nil when events are not recorded
// (benchmarks); ids generates post, feed and comment IDs.
func New(g Graph, r redis.UniversalClient, act Activity, ids *IDs, cfg Config, log *slog.Logger) *Service {
	if log == nil {
		log = slog.Default()
	}
	c := &core{g: g, r: r, act: act, ids: ids, cfg: cfg.withDefaults(), log: log, now: time.Now, cluster: isCluster(r)}
	c.keys = keys(c.cfg.Prefix)
	c.hub = newHub(r, c.cfg.Prefix+"live:", log)
	tl := &TimelineService{c}
	return &Service{
		PostService: &PostService{c}, CommentService: &CommentService{c}, LikeService: &LikeService{c},
		FollowService: &FollowService{c}, TagService: &TagService{c}, ProfileService: &ProfileService{c},
		TimelineService: tl, FanoutService: &FanoutService{c},
		LiveService: &LiveService{core: c, timeline: tl,
			caps: newStreamCaps(r, c.cfg.Prefix, c.cfg.StreamsPerUser, c.cfg.StreamsMax, c.cfg.StreamLeaseTTL, log)},
		ReconcileService: &ReconcileService{c}, PrivacyService: &PrivacyService{c},
		core: c,
	}
}

// Close stops the live hub and the renewal of stream leases.
func (s *Service) Close() error {
	s.LiveService.caps.close()
	return s.core.hub.close()
}

// Config returns the effective configuration.
func (s *Service) Config() Config { return s.core.cfg }

// keys names the Redis keys of the feed; every one starts with the
// configured prefix.
type keys string

func (k keys) timelineKey(uid int64) string { return string(k) + "tl:" + itoa(uid) }
func (k keys) builtKey(uid int64) string    { return string(k) + "tlok:" + itoa(uid) }
func (k keys) objectKey(fid int64) string   { return string(k) + "item:" + itoa(fid) }
func (k keys) outboxKey(uid int64) string   { return string(k) + "out:" + itoa(uid) }
func (k keys) followKey(uid int64) string   { return string(k) + "fol:" + itoa(uid) }
func (k keys) likesKey(uid int64) string    { return string(k) + "lk:" + itoa(uid) }
func (k keys) onlineKey() string            { return string(k) + "online" }
func (k keys) trendingKey() string          { return string(k) + "trending" }

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
func (s *core) append(ctx context.Context, events ...stylegraph.Event) error {
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
