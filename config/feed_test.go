package config_test

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/stylegraph/stylegraph/config"
)

func TestFeedConfig(t *testing.T) {
	c, err := config.LoadFrom(lookup(nil))
	if err != nil {
		t.Fatal(err)
	}
	want := config.Feed{
		KeyPrefix: "feed:", Cap: 800, CelebrityThreshold: 10_000, RecentLikes: 3, RecentComments: 3,
		InterestMin: 10, InterestLimit: 1000, TagFollowerLimit: 10_000, DropFanout: 10_000, FanoutBatch: 1000, Heartbeat: 15 * time.Second, NodeID: -1, Group: "feed",
		StreamsPerUser: 5, StreamsMax: 10_000, StreamLeaseTTL: 30 * time.Second, NodeLeaseTTL: 30 * time.Second,
	}
	if diff := cmp.Diff(want, c.Feed); diff != "" {
		t.Errorf("feed defaults (-want +got):\n%s", diff)
	}
	c, err = config.LoadFrom(lookup(map[string]string{"FEED_CAP": "50", "FEED_CELEBRITY_THRESHOLD": "3", "FEED_NODE_ID": "7", "FEED_HEARTBEAT": "2s"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.Feed.Cap != 50 || c.Feed.CelebrityThreshold != 3 || c.Feed.NodeID != 7 || c.Feed.Heartbeat != 2*time.Second {
		t.Errorf("feed settings not read: %+v", c.Feed)
	}
	for _, tc := range []struct{ name, value string }{
		{"FEED_CAP", "5"},
		{"FEED_CAP", "many"},
		{"FEED_CELEBRITY_THRESHOLD", "0"},
		{"FEED_RECENT_LIKES", "0"},
		{"FEED_RECENT_COMMENTS", "51"},
		{"FEED_INTEREST_MIN", "-1"},
		{"FEED_INTEREST_LIMIT", "0"},
		{"FEED_TAG_FOLLOWER_LIMIT", "0"},
		{"FEED_FANOUT_BATCH", "0"},
		{"FEED_HEARTBEAT", "soon"},
		{"FEED_NODE_ID", "64"},
		{"FEED_GROUP", "a b"},
		{"FEED_STREAMS_PER_USER", "0"},
		{"FEED_STREAMS_MAX", "-1"},
		{"FEED_STREAM_LEASE_TTL", "100ms"},
	} {
		_, err := config.LoadFrom(lookup(map[string]string{tc.name: tc.value}))
		if err == nil || !strings.Contains(err.Error(), tc.name) {
			t.Errorf("%s=%s: got error %v, want one naming it", tc.name, tc.value, err)
		}
	}
}
