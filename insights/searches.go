// Package insights keeps the counters merchandisers read that do not live in
// the graph: what shoppers search for, per day, and which searches found
// nothing. It consumes search events from the activity stream.
package insights

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/stylegraph/stylegraph/ingest"
)

// SearchStats counts queries per day in Redis sorted sets.
type SearchStats struct {
	rdb    redis.UniversalClient
	prefix string
}

// NewSearchStats keeps its keys under prefix, hash-tagged as
// "{<prefix>searches}" so that the counting script and the union over days,
// which name several keys, find them in one Redis Cluster slot.
func NewSearchStats(rdb redis.UniversalClient, prefix string) *SearchStats {
	return &SearchStats{rdb: rdb, prefix: "{" + prefix + "searches}:"}
}

// retention bounds how far back insights can look.
const retention = 400 * 24 * time.Hour

// countOnce increments the day's counters unless this event was counted
// before, so a redelivered batch does not count twice.
var countOnce = redis.NewScript(`
if redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[3]) then
  redis.call('ZINCRBY', KEYS[2], 1, ARGV[1])
  redis.call('EXPIRE', KEYS[2], ARGV[4])
  if ARGV[2] == '1' then
    redis.call('ZINCRBY', KEYS[3], 1, ARGV[1])
    redis.call('EXPIRE', KEYS[3], ARGV[4])
  end
end
return 1`)

// Handle implements ingest.Handler for search events; others are ignored.
func (s *SearchStats) Handle(ctx context.Context, events []ingest.Event) error {
	// Scripts in a pipeline run by SHA, so make sure Redis has it.
	if err := countOnce.Load(ctx, s.rdb).Err(); err != nil {
		return fmt.Errorf("load search counter: %w", err)
	}
	pipe := s.rdb.Pipeline()
	n := 0
	for _, e := range events {
		if e.Type != ingest.Search {
			continue
		}
		q := Normalize(e.Data.Query)
		if q == "" {
			continue
		}
		zero := "0"
		if e.Data.ResultCount != nil && *e.Data.ResultCount == 0 {
			zero = "1"
		}
		day := e.OccurredAt.UTC().Format("2006-01-02")
		countOnce.EvalSha(ctx, pipe,
			[]string{s.prefix + "seen:" + e.ID, s.prefix + "day:" + day, s.prefix + "zero:" + day},
			q, zero, int((7 * 24 * time.Hour).Seconds()), int(retention.Seconds()))
		n++
	}
	if n == 0 {
		return nil
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return fmt.Errorf("count searches: %w", err)
	}
	return nil
}

// Normalize folds case and spacing so "Black  Sneakers" and "black sneakers"
// count as one query.
func Normalize(q string) string {
	return strings.Join(strings.Fields(strings.ToLower(q)), " ")
}

// QueryCount is one query and how often it was searched.
type QueryCount struct {
	Query string `json:"query"`
	Count int64  `json:"count"`
}

// Top returns the most frequent queries and the most frequent zero-result
// queries over the days from since to now.
func (s *SearchStats) Top(ctx context.Context, since, now time.Time, limit int) (top, zero []QueryCount, err error) {
	var days, zeroDays []string
	for d := since.UTC().Truncate(24 * time.Hour); !d.After(now.UTC()); d = d.Add(24 * time.Hour) {
		days = append(days, s.prefix+"day:"+d.Format("2006-01-02"))
		zeroDays = append(zeroDays, s.prefix+"zero:"+d.Format("2006-01-02"))
	}
	if top, err = s.union(ctx, days, limit); err != nil {
		return nil, nil, err
	}
	if zero, err = s.union(ctx, zeroDays, limit); err != nil {
		return nil, nil, err
	}
	return top, zero, nil
}

func (s *SearchStats) union(ctx context.Context, keys []string, limit int) ([]QueryCount, error) {
	zs, err := s.rdb.ZUnionWithScores(ctx, redis.ZStore{Keys: keys, Aggregate: "SUM"}).Result()
	if err != nil {
		return nil, fmt.Errorf("union search counts: %w", err)
	}
	// ZUNION returns ascending scores; the most frequent come last.
	out := make([]QueryCount, 0, min(limit, len(zs)))
	for i := len(zs) - 1; i >= 0 && len(out) < limit; i-- {
		out = append(out, QueryCount{Query: zs[i].Member.(string), Count: int64(zs[i].Score)})
	}
	return out, nil
}

// DayCount is one day's searches and how many of them found nothing.
type DayCount struct {
	Day         string `json:"day"`
	Searches    int64  `json:"searches"`
	ZeroResults int64  `json:"zeroResults"`
}

// sumScores adds up a sorted set's scores inside Redis, so a day with many
// distinct queries is not shipped to the client to be counted.
var sumScores = redis.NewScript(`
local total = 0
local zs = redis.call('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES')
for i = 2, #zs, 2 do total = total + tonumber(zs[i]) end
return total`)

// Daily returns the number of searches and of zero-result searches on each
// day from since to now, oldest first.
func (s *SearchStats) Daily(ctx context.Context, since, now time.Time) ([]DayCount, error) {
	if err := sumScores.Load(ctx, s.rdb).Err(); err != nil {
		return nil, fmt.Errorf("load search sum: %w", err)
	}
	var out []DayCount
	pipe := s.rdb.Pipeline()
	var cmds []*redis.Cmd
	for d := since.UTC().Truncate(24 * time.Hour); !d.After(now.UTC()); d = d.Add(24 * time.Hour) {
		day := d.Format("2006-01-02")
		out = append(out, DayCount{Day: day})
		cmds = append(cmds,
			sumScores.EvalSha(ctx, pipe, []string{s.prefix + "searches:" + day}),
			sumScores.EvalSha(ctx, pipe, []string{s.prefix + "searches:zero:" + day}))
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return nil, fmt.Errorf("sum search counts: %w", err)
	}
	for i := range out {
		out[i].Searches, _ = cmds[2*i].Int64()
		out[i].ZeroResults, _ = cmds[2*i+1].Int64()
	}
	return out, nil
}
