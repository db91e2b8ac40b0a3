package recommend

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/graph"
	"github.com/stylegraph/stylegraph/limit"
)

// Cache holds precomputed ranked lists per shopper in Redis. An entry lives
// for its TTL; after that the online path traverses the graph again.
type Cache struct {
	rdb    redis.UniversalClient
	prefix string
	ttl    time.Duration

	// Served products waiting to be recorded (MarkSeenLater), written by
	// one flusher at a time in a single pipeline.
	seenMu       sync.Mutex
	seenPending  map[int64]map[int64]int64 // user → product → times served
	seenFlushing bool
	seenIdle     *sync.Cond

	// Product cards kept in process memory: a card read is then no round
	// trip and no decoding. A change anywhere bumps <prefix>cards:gen, which
	// every stored-list read fetches in its pipeline; a new generation
	// empties the memory, and an entry is trusted for cardMemTTL at most.
	memMu  sync.Mutex
	mem    map[int64]memCard
	memGen string
}

type memCard struct {
	card
	at time.Time
}

// card is a product card with its product's JSON, encoded once when the
// card is kept so that an answer splices the bytes instead of encoding the
// product on every request.
type card struct {
	graph.Card
	enc []byte // nil when the product does not encode
}

// encodeCard encodes gc's product (shopper-independent: no purchased or
// hidden flags).
func encodeCard(gc graph.Card) card {
	gc.Purchased, gc.Hidden = false, false
	b, err := json.Marshal(gc.Product)
	if err != nil {
		b = nil
	}
	return card{gc, b}
}

// cardMemTTL bounds how stale a card kept in memory can be when no
// stored-list read brings the generation (a process serving only
// Request.Live requests) or an invalidation is lost. Every other request
// reads the generation, so a change shows on the next one.
const cardMemTTL = 2 * time.Minute

// maxMemCards bounds the cards kept in memory (a catalogue's worth).
const maxMemCards = 100_000

// NewCache stores lists under prefix+"user:"+id for ttl.
func NewCache(rdb redis.UniversalClient, prefix string, ttl time.Duration) *Cache {
	c := &Cache{rdb: rdb, prefix: prefix, ttl: ttl, mem: map[int64]memCard{}}
	c.seenIdle = sync.NewCond(&c.seenMu)
	return c
}

type entry struct {
	ComputedAt int64    `json:"computedAt"` // Unix seconds
	Items      []Ranked `json:"items"`
}

func (c *Cache) key(userID int64) string { return c.prefix + "user:" + strconv.FormatInt(userID, 10) }

// Put stores userID's ranked list, replacing the previous one.
func (c *Cache) Put(ctx context.Context, userID int64, items []Ranked, at time.Time) error {
	b, err := encodeList(at, items)
	if err != nil {
		return fmt.Errorf("encode recommendations: %w", err)
	}
	if err := c.rdb.Set(ctx, c.key(userID), b, c.ttl).Err(); err != nil {
		return fmt.Errorf("store recommendations for user %d: %w", userID, err)
	}
	return nil
}

// Get returns userID's stored list, if a fresh one exists.
func (c *Cache) Get(ctx context.Context, userID int64) ([]Ranked, bool, error) {
	b, err := c.rdb.Get(ctx, c.key(userID)).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("read recommendations for user %d: %w", userID, err)
	}
	items, ok, err := decodeList(b)
	for i := range items {
		items[i].Reasons, items[i].rawReasons = items[i].reasons(), nil
	}
	return items, ok, err
}

// Refusal is a read's rider refusing the request (a spent rate limit, see
// limit.Rider): unlike a Redis error, which only misses the cache, it ends
// the request with Err.
type Refusal struct{ Err error }

func (r Refusal) Error() string { return r.Err.Error() }
func (r Refusal) Unwrap() error { return r.Err }

// Stored is a stored list read for serving, with the shopper's served
// counts.
type Stored struct {
	// Items are the list's first items (all of them unless Partial).
	Items   []Ranked
	Found   bool
	Partial bool
	Seen    map[int64]int
	// ComputedAt is when the list was ranked; ChangedAt is when the shopper
	// last engaged in a way the list may not hold (zero: not since it was
	// stored, as far as Redis knows). A list with ChangedAt at or after
	// ComputedAt is served with the live delta on top.
	ComputedAt time.Time
	ChangedAt  time.Time

	raw []byte
}

// Stale says whether the shopper engaged after the list was ranked.
func (st Stored) Stale() bool {
	return st.Found && !st.ChangedAt.IsZero() && !st.ChangedAt.Before(st.ComputedAt)
}

// All returns the whole stored list.
func (st Stored) All() []Ranked {
	if !st.Partial {
		return st.Items
	}
	items, _, _ := decodeList(st.raw)
	return items
}

// GetWithSeen returns the first `first` items of userID's stored list (all
// when first ≤ 0), if a fresh list exists, and how many times each product
// was served to userID, in one round trip: what a request served from Redis
// needs before it reads the product cards. Decoding stops after the items
// asked for; a list is ~200 items and a page needs a few.
//
// ctx's rate-limit spend (limit.WithRider), if any, rides on the same round
// trip; a refused spend comes back as a Refusal.
func (c *Cache) GetWithSeen(ctx context.Context, userID int64, first int) (Stored, error) {
	pipe := c.rdb.Pipeline()
	check := limit.QueueRider(ctx, pipe)
	list := pipe.Get(ctx, c.key(userID))
	seen := pipe.HGetAll(ctx, c.seenKey(userID))
	gen := pipe.Get(ctx, c.genKey())
	changed := pipe.Get(ctx, c.changedKey(userID))
	_, _ = pipe.Exec(ctx) // each command's error is read below
	if err := check(); err != nil {
		return Stored{}, Refusal{err}
	}
	for _, cmd := range []redis.Cmder{list, seen, gen, changed} {
		if err := cmd.Err(); err != nil && !errors.Is(err, redis.Nil) {
			return Stored{}, fmt.Errorf("read recommendations for user %d: %w", userID, err)
		}
	}
	c.cardsGeneration(gen.Val())
	st := Stored{Seen: seenCounts(seen.Val())}
	c.trimSeen(userID, len(seen.Val()))
	b, err := list.Bytes()
	if err != nil {
		return st, nil // redis.Nil: no list
	}
	st.raw = b
	st.ComputedAt = listComputedAt(b)
	if sec, err := changed.Int64(); err == nil {
		st.ChangedAt = time.Unix(sec, 0)
	}
	if items, partial, ok := decodeCompact(b, first); ok {
		st.Items, st.Found, st.Partial = items, true, partial
		return st, nil
	}
	if first > 0 {
		if items, partial, ok := decodePrefix(b, first); ok {
			st.Items, st.Found, st.Partial = items, true, partial
			return st, nil
		}
	}
	st.Items, st.Found, err = decodeList(b)
	return st, err
}

// decodePrefix decodes the first n items of an encoded list; partial says
// items remain. ok is false when the list does not read as expected (the
// caller decodes it whole).
func decodePrefix(b []byte, n int) (items []Ranked, partial, ok bool) {
	dec := json.NewDecoder(bytes.NewReader(b))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil, false, false
	}
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			return nil, false, false
		}
		if k != "items" {
			var skip json.RawMessage
			if dec.Decode(&skip) != nil {
				return nil, false, false
			}
			continue
		}
		if t, err := dec.Token(); err != nil || t != json.Delim('[') {
			return nil, false, false
		}
		items = make([]Ranked, 0, n)
		for dec.More() {
			if len(items) == n {
				return items, true, true
			}
			var r struct {
				ProductID int64           `json:"id"`
				Score     float64         `json:"score"`
				Reasons   json.RawMessage `json:"reasons"`
			}
			if dec.Decode(&r) != nil {
				return nil, false, false
			}
			items = append(items, Ranked{ProductID: r.ProductID, Score: r.Score, rawReasons: r.Reasons})
		}
		return items, false, true
	}
	return []Ranked{}, false, true
}

func decodeList(b []byte) ([]Ranked, bool, error) {
	if items, _, ok := decodeCompact(b, 0); ok {
		return items, true, nil
	}
	var e entry
	if err := json.Unmarshal(b, &e); err != nil {
		// A corrupt entry is as good as none: the live path answers.
		return nil, false, nil
	}
	if e.Items == nil {
		e.Items = []Ranked{}
	}
	return e.Items, true, nil
}

// PutTTL stores userID's ranked list for ttl instead of the cache's TTL (lists
// computed on request live shorter than the batch job's).
func (c *Cache) PutTTL(ctx context.Context, userID int64, items []Ranked, at time.Time, ttl time.Duration) error {
	b, err := encodeList(at, items)
	if err != nil {
		return fmt.Errorf("encode recommendations: %w", err)
	}
	if err := c.rdb.Set(ctx, c.key(userID), b, min(ttl, c.ttl)).Err(); err != nil {
		return fmt.Errorf("store recommendations for user %d: %w", userID, err)
	}
	return nil
}

// Replace re-stores userID's list as ranked at `at`, keeping its TTL, and
// only while a list is stored (one dropped meanwhile stays dropped): the
// live delta's merged list, so that the next requests read it as stored
// instead of running the delta again.
func (c *Cache) Replace(ctx context.Context, userID int64, items []Ranked, at time.Time) error {
	b, err := encodeList(at, items)
	if err != nil {
		return fmt.Errorf("encode recommendations: %w", err)
	}
	err = c.rdb.SetArgs(ctx, c.key(userID), b, redis.SetArgs{Mode: "XX", KeepTTL: true}).Err()
	if err != nil && !errors.Is(err, redis.Nil) {
		return fmt.Errorf("replace recommendations of user %d: %w", userID, err)
	}
	return nil
}

func (c *Cache) changedKey(userID int64) string {
	return c.prefix + "changed:" + strconv.FormatInt(userID, 10)
}

// Changed records that users engaged (like, purchase, cart, hide) at now:
// their stored lists stay, and the next request of each adds the live
// delta since the list was ranked (the engagement's neighbours, without
// what they engaged with) instead of ranking from scratch. The mark lives as
// long as a list may.
func (c *Cache) Changed(ctx context.Context, now time.Time, users ...int64) error {
	if len(users) == 0 {
		return nil
	}
	pipe := c.rdb.Pipeline()
	for _, u := range users {
		// Seconds, as computedAt: a change in the second a list was ranked
		// counts as after it.
		pipe.Set(ctx, c.changedKey(u), now.Unix(), c.ttl)
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return fmt.Errorf("mark recommendations changed: %w", err)
	}
	return nil
}

// listComputedAt reads when an encoded list was ranked (zero when it does
// not say).
func listComputedAt(b []byte) time.Time {
	if len(b) >= listHeader && bytes.HasPrefix(b, listMagic) {
		return time.Unix(int64(binary.LittleEndian.Uint64(b[4:12])), 0)
	}
	var e struct {
		ComputedAt int64 `json:"computedAt"`
	}
	if json.Unmarshal(b, &e) != nil || e.ComputedAt == 0 {
		return time.Time{}
	}
	return time.Unix(e.ComputedAt, 0)
}

// Drop forgets the stored lists of users, so that their next request ranks
// from the graph as it is now (after a like, purchase, cart, hide or follow).
func (c *Cache) Drop(ctx context.Context, users ...int64) error {
	if len(users) == 0 {
		return nil
	}
	keys := make([]string, len(users))
	for i, u := range users {
		keys[i] = c.key(u)
	}
	if err := c.rdb.Del(ctx, keys...).Err(); err != nil {
		return fmt.Errorf("drop recommendations: %w", err)
	}
	return nil
}

func (c *Cache) seenKey(userID int64) string {
	return c.prefix + "seen:" + strconv.FormatInt(userID, 10)
}

// seenTTL is how long served products are remembered after the last serve.
const seenTTL = 7 * 24 * time.Hour

// maxSeen bounds the memory of one shopper: past it, counting starts over.
const maxSeen = 1000

// markSeen adds one to each product's served count (ARGV), refreshes the
// TTL and starts over when the hash grows past maxSeen fields.
var markSeen = redis.NewScript(`
for i = 3, #ARGV do redis.call("HINCRBY", KEYS[1], ARGV[i], 1) end
if redis.call("HLEN", KEYS[1]) > tonumber(ARGV[2]) then redis.call("DEL", KEYS[1]) return 0 end
redis.call("EXPIRE", KEYS[1], ARGV[1])
return 1`)

// MarkSeen records that products were served to userID.
func (c *Cache) MarkSeen(ctx context.Context, userID int64, products []int64) error {
	if len(products) == 0 {
		return nil
	}
	args := make([]any, 0, len(products)+2)
	args = append(args, int(seenTTL.Seconds()), maxSeen)
	for _, p := range products {
		args = append(args, p)
	}
	if err := markSeen.Run(ctx, c.rdb, []string{c.seenKey(userID)}, args...).Err(); err != nil {
		return fmt.Errorf("remember served products of %d: %w", userID, err)
	}
	return nil
}

// Seen returns how many times each product was served to userID.
func (c *Cache) Seen(ctx context.Context, userID int64) (map[int64]int, error) {
	m, err := c.rdb.HGetAll(ctx, c.seenKey(userID)).Result()
	if err != nil {
		return nil, fmt.Errorf("read served products of %d: %w", userID, err)
	}
	c.trimSeen(userID, len(m))
	return seenCounts(m), nil
}

func seenCounts(m map[string]string) map[int64]int {
	out := make(map[int64]int, len(m))
	for k, v := range m {
		id, err1 := strconv.ParseInt(k, 10, 64)
		n, err2 := strconv.Atoi(v)
		if err1 == nil && err2 == nil {
			out[id] = n
		}
	}
	return out
}

// maxSeenPending bounds the shoppers whose served products wait for Redis;
// past it new marks are dropped (Redis is too slow to keep up anyway).
const maxSeenPending = 10_000

// seenLinger is how long marks gather before they are written: one
// pipeline then carries many requests' worth, and the same shopper's
// products served several times in it are added up.
const seenLinger = 100 * time.Millisecond

// MarkSeenLater records that products were served to userID without
// waiting for Redis: marks are written in the background, many requests'
// worth in one pipeline of plain HINCRBY and EXPIRE commands (a script per
// mark cost Redis several times as much). Served-item memory is advisory,
// so a lost mark only delays the demotion of an ignored product; the
// maxSeen bound is kept by the reads (trimSeen).
func (c *Cache) MarkSeenLater(userID int64, products []int64) {
	if len(products) == 0 {
		return
	}
	c.seenMu.Lock()
	defer c.seenMu.Unlock()
	if c.seenPending == nil {
		c.seenPending = map[int64]map[int64]int64{}
	}
	m := c.seenPending[userID]
	if m == nil {
		if len(c.seenPending) >= maxSeenPending {
			return
		}
		m = make(map[int64]int64, len(products))
		c.seenPending[userID] = m
	}
	for _, p := range products {
		m[p]++
	}
	if !c.seenFlushing {
		c.seenFlushing = true
		go c.flushSeen()
	}
}

func (c *Cache) flushSeen() {
	for {
		time.Sleep(seenLinger)
		c.seenMu.Lock()
		batch := c.seenPending
		c.seenPending = nil
		if len(batch) == 0 {
			c.seenFlushing = false
			c.seenIdle.Broadcast()
			c.seenMu.Unlock()
			return
		}
		c.seenMu.Unlock()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		pipe := c.rdb.Pipeline()
		ttl := int64(seenTTL.Seconds())
		for u, m := range batch {
			key := c.seenKey(u)
			for p, n := range m {
				pipe.HIncrBy(ctx, key, strconv.FormatInt(p, 10), n)
			}
			pipe.Expire(ctx, key, time.Duration(ttl)*time.Second)
		}
		_, _ = pipe.Exec(ctx)
		cancel()
	}
}

// trimSeen starts userID's served memory over, off the request path, when
// a read found it past maxSeen fields.
func (c *Cache) trimSeen(userID int64, fields int) {
	if fields <= maxSeen {
		return
	}
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = c.rdb.Del(ctx, c.seenKey(userID)).Err()
	}()
}

// waitSeen returns once the served-product marks made so far are written.
func (c *Cache) waitSeen() {
	c.seenMu.Lock()
	defer c.seenMu.Unlock()
	for c.seenFlushing {
		c.seenIdle.Wait()
	}
}

func (c *Cache) cardKey(id int64) string { return c.prefix + "card:" + strconv.FormatInt(id, 10) }

// cardTTL bounds how stale a product card can be if an invalidation is lost.
const cardTTL = 10 * time.Minute

func (c *Cache) genKey() string { return c.prefix + "cards:gen" }

// cardsGeneration empties the cards kept in memory when gen (the value of
// <prefix>cards:gen) differs from the one they were kept under.
func (c *Cache) cardsGeneration(gen string) {
	c.memMu.Lock()
	defer c.memMu.Unlock()
	if gen != c.memGen {
		c.mem = map[int64]memCard{}
		c.memGen = gen
	}
}

func (c *Cache) remember(cards map[int64]card) {
	now := time.Now()
	c.memMu.Lock()
	defer c.memMu.Unlock()
	if len(c.mem)+len(cards) > maxMemCards {
		c.mem = map[int64]memCard{}
	}
	for id, cd := range cards {
		c.mem[id] = memCard{cd, now}
	}
}

// Cards returns the cached product cards among ids and the IDs it has none
// for: from process memory where it holds them, else from Redis.
func (c *Cache) Cards(ctx context.Context, ids []int64) (map[int64]graph.Card, []int64, error) {
	got, missing, err := c.cards(ctx, ids)
	if err != nil {
		return nil, nil, err
	}
	out := make(map[int64]graph.Card, len(got))
	for id, cd := range got {
		out[id] = cd.Card
	}
	return out, missing, nil
}

// cards is Cards with each product's JSON.
func (c *Cache) cards(ctx context.Context, ids []int64) (map[int64]card, []int64, error) {
	out := make(map[int64]card, len(ids))
	if len(ids) == 0 {
		return out, nil, nil
	}
	var ask []int64
	now := time.Now()
	c.memMu.Lock()
	for _, id := range ids {
		if m, ok := c.mem[id]; ok && now.Sub(m.at) < cardMemTTL {
			out[id] = m.card
			continue
		}
		ask = append(ask, id)
	}
	c.memMu.Unlock()
	if len(ask) == 0 {
		return out, nil, nil
	}
	keys := make([]string, len(ask))
	for i, id := range ask {
		keys[i] = c.cardKey(id)
	}
	vals, err := c.rdb.MGet(ctx, keys...).Result()
	if err != nil {
		return nil, nil, fmt.Errorf("read product cards: %w", err)
	}
	var missing []int64
	got := make(map[int64]card, len(ask))
	for i, v := range vals {
		s, ok := v.(string)
		var gc graph.Card
		if !ok || json.Unmarshal([]byte(s), &gc) != nil {
			missing = append(missing, ask[i])
			continue
		}
		cd := encodeCard(gc)
		got[ask[i]] = cd
		out[ask[i]] = cd
	}
	c.remember(got)
	return out, missing, nil
}

// PutCards caches product cards (shopper-independent: no purchased or hidden
// flags).
func (c *Cache) PutCards(ctx context.Context, cards map[int64]graph.Card) error {
	_, err := c.putCards(ctx, cards, cardTTL)
	return err
}

// putCards caches cards for ttl (the recompute job's warmed cards live as
// long as its lists) and returns them encoded.
func (c *Cache) putCards(ctx context.Context, cards map[int64]graph.Card, ttl time.Duration) (map[int64]card, error) {
	kept := make(map[int64]card, len(cards))
	if len(cards) == 0 {
		return kept, nil
	}
	pipe := c.rdb.Pipeline()
	for id, gc := range cards {
		gc.Purchased, gc.Hidden = false, false
		b, err := json.Marshal(gc)
		if err != nil {
			// Not cacheable (a date JSON cannot hold): requests read it
			// from the graph.
			continue
		}
		pipe.Set(ctx, c.cardKey(id), b, ttl)
		kept[id] = encodeCard(gc)
	}
	if len(kept) == 0 {
		return kept, nil
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return nil, fmt.Errorf("store product cards: %w", err)
	}
	c.remember(kept)
	return kept, nil
}

// ProductsChanged drops the cached cards of products whose data or stock
// changed, so recommendations show the change on the next request.
func (c *Cache) ProductsChanged(ctx context.Context, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	keys := make([]string, len(ids))
	for i, id := range ids {
		keys[i] = c.cardKey(id)
	}
	c.memMu.Lock()
	for _, id := range ids {
		delete(c.mem, id)
	}
	c.memMu.Unlock()
	// The new generation tells other processes to forget their copies.
	pipe := c.rdb.Pipeline()
	pipe.Del(ctx, keys...)
	pipe.Incr(ctx, c.genKey())
	if _, err := pipe.Exec(ctx); err != nil {
		return fmt.Errorf("drop product cards: %w", err)
	}
	return nil
}

// Tuned is the blend the offline tuning chose, stored under <prefix>blend.
// Zero fields keep the configured values.
type Tuned struct {
	Weights        map[string]float64 `json:"weights,omitempty"`
	HalfLifeHours  float64            `json:"halfLifeHours,omitempty"`
	MaxPerBrand    int                `json:"maxPerBrand,omitempty"`
	MaxPerCategory int                `json:"maxPerCategory,omitempty"`
	TunedOn        string             `json:"tunedOn,omitempty"`
	At             time.Time          `json:"at"`
}

func (t Tuned) apply(cfg Config) Config {
	if len(t.Weights) > 0 {
		cfg.Weights = t.Weights
	}
	if t.HalfLifeHours > 0 {
		cfg.HalfLife = time.Duration(t.HalfLifeHours * float64(time.Hour))
	}
	if t.MaxPerBrand > 0 {
		cfg.MaxPerBrand = t.MaxPerBrand
	}
	if t.MaxPerCategory > 0 {
		cfg.MaxPerCategory = t.MaxPerCategory
	}
	return cfg
}

func (c *Cache) tunedKey() string { return c.prefix + "blend" }

// PutTuned stores the tuned blend the online service applies within a minute.
func (c *Cache) PutTuned(ctx context.Context, t Tuned) error {
	b, err := json.Marshal(t)
	if err != nil {
		return fmt.Errorf("encode tuned blend: %w", err)
	}
	if err := c.rdb.Set(ctx, c.tunedKey(), b, 0).Err(); err != nil {
		return fmt.Errorf("store tuned blend: %w", err)
	}
	return nil
}

// Tuned returns the stored tuned blend, if any.
func (c *Cache) Tuned(ctx context.Context) (Tuned, bool, error) {
	b, err := c.rdb.Get(ctx, c.tunedKey()).Bytes()
	if errors.Is(err, redis.Nil) {
		return Tuned{}, false, nil
	}
	if err != nil {
		return Tuned{}, false, fmt.Errorf("read tuned blend: %w", err)
	}
	var t Tuned
	if err := json.Unmarshal(b, &t); err != nil {
		return Tuned{}, false, fmt.Errorf("decode tuned blend: %w", err)
	}
	return t, true, nil
}

// Answers older than this are not used as a fallback.
const answerTTL = 24 * time.Hour

func (c *Cache) answerKey(kind, id string) string { return c.prefix + "answer:" + kind + ":" + id }

// PutAnswer keeps a copy of a full answer (product cards included) under
// kind and id, for when the graph cannot be asked (Fallback).
func (c *Cache) PutAnswer(ctx context.Context, kind, id string, recs []stylegraph.Recommendation) error {
	b, err := json.Marshal(recs)
	if err != nil {
		return fmt.Errorf("encode answer: %w", err)
	}
	if err := c.rdb.Set(ctx, c.answerKey(kind, id), b, answerTTL).Err(); err != nil {
		return fmt.Errorf("store %s answer: %w", kind, err)
	}
	return nil
}

// Answer returns the last answer kept under kind and id, if any.
func (c *Cache) Answer(ctx context.Context, kind, id string) ([]stylegraph.Recommendation, error) {
	b, err := c.rdb.Get(ctx, c.answerKey(kind, id)).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read %s answer: %w", kind, err)
	}
	var recs []stylegraph.Recommendation
	if err := json.Unmarshal(b, &recs); err != nil {
		return nil, nil // a corrupt copy is as good as none
	}
	return recs, nil
}
