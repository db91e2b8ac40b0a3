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

	"github.com/stylegraph/stylegraph"
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
// before, so a redelivered batch does not count twice. With a queryID
// (KEYS[4]) it remembers which query that ID searched for.
var countOnce = redis.NewScript(`
if redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[3]) then
  redis.call('ZINCRBY', KEYS[2], 1, ARGV[1])
  redis.call('EXPIRE', KEYS[2], ARGV[4])
  if ARGV[2] == '1' then
    redis.call('ZINCRBY', KEYS[3], 1, ARGV[1])
    redis.call('EXPIRE', KEYS[3], ARGV[4])
  end
  if KEYS[4] then redis.call('SET', KEYS[4], ARGV[1], 'EX', ARGV[5]) end
end
return 1`)

// countAfterSearch counts a click or add to cart once for the query its
// queryID searched for: KEYS[1] the event's marker, KEYS[2] the queryID's
// query, KEYS[3] the queryID's clicked (or carted) marker, KEYS[4] the day's
// events per query, KEYS[5] the day's searches with at least one per query,
// KEYS[6] the day's position sum per query. Unknown queryIDs (expired,
// forged) count nowhere.
var countAfterSearch = redis.NewScript(`
if not redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[1]) then return 0 end
local q = redis.call('GET', KEYS[2])
if not q then return 0 end
redis.call('ZINCRBY', KEYS[4], 1, q)
redis.call('EXPIRE', KEYS[4], ARGV[2])
if redis.call('SET', KEYS[3], '1', 'NX', 'EX', ARGV[1]) then
  redis.call('ZINCRBY', KEYS[5], 1, q)
  redis.call('EXPIRE', KEYS[5], ARGV[2])
end
redis.call('ZINCRBY', KEYS[6], ARGV[3], q)
redis.call('EXPIRE', KEYS[6], ARGV[2])
return 1`)

// QueryIDTTL is how long after a search its clicks and carts still count.
const QueryIDTTL = 24 * time.Hour

// Handle implements ingest.Handler for search events; others are ignored.
func (s *SearchStats) Handle(ctx context.Context, events []stylegraph.Event) error {
	// Scripts in a pipeline run by SHA, so make sure Redis has it.
	for _, sc := range []*redis.Script{countOnce, countAfterSearch} {
		if err := sc.Load(ctx, s.rdb).Err(); err != nil {
			return fmt.Errorf("load search counter: %w", err)
		}
	}
	seenFor := int((7 * 24 * time.Hour).Seconds())
	pipe := s.rdb.Pipeline()
	n := 0
	for _, e := range events {
		day := e.OccurredAt.UTC().Format("2006-01-02")
		if e.Type != stylegraph.EventSearch {
			if e.Data.QueryID == "" || (e.Type != stylegraph.EventView && e.Type != stylegraph.EventAddToCart) {
				continue
			}
			// A view of a hit is a click; an add to cart a conversion.
			kind := "click"
			if e.Type == stylegraph.EventAddToCart {
				kind = "cart"
			}
			countAfterSearch.EvalSha(ctx, pipe, []string{
				s.prefix + "seen:" + e.ID, s.prefix + "qid:" + e.Data.QueryID, s.prefix + kind + "edq:" + e.Data.QueryID,
				s.prefix + kind + "s:" + day, s.prefix + kind + "ed:" + day, s.prefix + kind + "pos:" + day,
			}, seenFor, int(retention.Seconds()), e.Data.Position)
			n++
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
		keys := []string{s.prefix + "seen:" + e.ID, s.prefix + "day:" + day, s.prefix + "zero:" + day}
		if e.Data.QueryID != "" {
			keys = append(keys, s.prefix+"qid:"+e.Data.QueryID)
		}
		countOnce.EvalSha(ctx, pipe, keys, q, zero, seenFor, int(retention.Seconds()), int(QueryIDTTL.Seconds()))
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
			sumScores.EvalSha(ctx, pipe, []string{s.prefix + "day:" + day}),
			sumScores.EvalSha(ctx, pipe, []string{s.prefix + "zero:" + day}))
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

// QueryAnalytics is what happened after searches for one query: how many
// searches found nothing, how many led to a click or an add to cart (each
// search counts once, whatever it led to) and where the clicked hits were.
type QueryAnalytics struct {
	Query       string `json:"query"`
	Searches    int64  `json:"searches"`
	ZeroResults int64  `json:"zeroResults"`
	// Clicks counts every click; ClickedSearches the searches with one or more.
	Clicks          int64 `json:"clicks"`
	ClickedSearches int64 `json:"clickedSearches"`
	// ClickThroughRate is ClickedSearches / Searches.
	ClickThroughRate float64 `json:"clickThroughRate"`
	Carts            int64   `json:"carts"`
	CartedSearches   int64   `json:"cartedSearches"`
	// ConversionRate is CartedSearches / Searches.
	ConversionRate float64 `json:"conversionRate"`
	// AverageClickPosition is the mean 1-based position of clicked hits, 0
	// without clicks.
	AverageClickPosition float64 `json:"averageClickPosition"`
}

// Analytics lists the most searched queries (zeroOnly: the most searched
// among those that found nothing) from since to now with their clicks and
// add to carts after search.
func (s *SearchStats) Analytics(ctx context.Context, since, now time.Time, limit int, zeroOnly bool) ([]QueryAnalytics, error) {
	days := daysBetween(since, now)
	rank := "day"
	if zeroOnly {
		rank = "zero"
	}
	keys := make([]string, len(days))
	for i, d := range days {
		keys[i] = s.prefix + rank + ":" + d
	}
	top, err := s.union(ctx, keys, limit)
	if err != nil {
		return nil, err
	}
	if len(top) == 0 {
		return []QueryAnalytics{}, nil
	}
	qs := make([]string, len(top))
	for i, x := range top {
		qs[i] = x.Query
	}
	sums, err := s.sums(ctx, days, qs)
	if err != nil {
		return nil, err
	}
	out := make([]QueryAnalytics, len(qs))
	for i, q := range qs {
		a := QueryAnalytics{
			Query: q, Searches: int64(sums[0][i]), ZeroResults: int64(sums[1][i]),
			Clicks: int64(sums[2][i]), ClickedSearches: int64(sums[3][i]),
			Carts: int64(sums[4][i]), CartedSearches: int64(sums[5][i]),
		}
		if a.Searches > 0 {
			a.ClickThroughRate = float64(a.ClickedSearches) / float64(a.Searches)
			a.ConversionRate = float64(a.CartedSearches) / float64(a.Searches)
		}
		if a.Clicks > 0 {
			a.AverageClickPosition = sums[6][i] / float64(a.Clicks)
		}
		out[i] = a
	}
	return out, nil
}

// daysBetween lists the UTC days from since's to now's (2006-01-02).
func daysBetween(since, now time.Time) []string {
	var days []string
	for d := since.UTC().Truncate(24 * time.Hour); !d.After(now.UTC()); d = d.Add(24 * time.Hour) {
		days = append(days, d.Format("2006-01-02"))
	}
	return days
}

// analyticsMetrics are the day keys Handle writes: searches, zero-result
// searches, then <kind>s, <kind>ed and <kind>pos for clicks and carts.
var analyticsMetrics = []string{"day", "zero", "clicks", "clicked", "carts", "carted", "clickpos"}

// sums returns, per metric of analyticsMetrics, each query's total over the
// days: one ZMSCORE per metric and day, in one round trip.
func (s *SearchStats) sums(ctx context.Context, days, qs []string) ([][]float64, error) {
	pipe := s.rdb.Pipeline()
	cmds := make([][]*redis.FloatSliceCmd, len(analyticsMetrics))
	for m, name := range analyticsMetrics {
		for _, d := range days {
			cmds[m] = append(cmds[m], pipe.ZMScore(ctx, s.prefix+name+":"+d, qs...))
		}
	}
	if _, err := pipe.Exec(ctx); err != nil && err != redis.Nil {
		return nil, fmt.Errorf("read search analytics: %w", err)
	}
	sums := make([][]float64, len(analyticsMetrics))
	for m := range analyticsMetrics {
		sums[m] = make([]float64, len(qs))
		for _, c := range cmds[m] {
			for i, v := range c.Val() {
				sums[m][i] += v
			}
		}
	}
	return sums, nil
}
