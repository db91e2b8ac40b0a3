package config

import (
	"strings"
	"time"
)

// Search configures product search beyond the OpenSearch connection.
type Search struct {
	// ProfileTTL is how long a shopper's taste profile stays cached in Redis.
	ProfileTTL time.Duration
	// ProfileTimeout bounds the graph lookup of one search; past it the
	// search answers unpersonalised.
	ProfileTimeout time.Duration
	// SignalsGroup is the consumer group that applies popularity signals.
	SignalsGroup string
	// KeyPrefix prefixes search's Redis keys (profile cache, applied signals).
	KeyPrefix string
}

func (r *reader) search() Search {
	s := Search{
		ProfileTTL:     r.duration("SEARCH_PROFILE_TTL", time.Minute),
		ProfileTimeout: r.duration("SEARCH_PROFILE_TIMEOUT", 500*time.Millisecond),
		SignalsGroup:   r.str("SEARCH_SIGNALS_GROUP", "search-signals"),
		KeyPrefix:      r.str("SEARCH_KEY_PREFIX", "stylegraph:search:"),
	}
	if s.ProfileTTL > time.Hour {
		r.fail("SEARCH_PROFILE_TTL", s.ProfileTTL.String(), "must be at most 1h: profiles should follow what shoppers do")
	}
	if s.SignalsGroup == "" || strings.ContainsAny(s.SignalsGroup, " \t\n") {
		r.fail("SEARCH_SIGNALS_GROUP", s.SignalsGroup, "must be a name without spaces")
	}
	if strings.ContainsAny(s.KeyPrefix, " \t\n") {
		r.fail("SEARCH_KEY_PREFIX", s.KeyPrefix, "must not contain spaces")
	}
	return s
}
