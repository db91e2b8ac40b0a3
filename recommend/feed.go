package recommend

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"log/slog"
	"sync"
	"time"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/budget"
)

// FeedReader reads one page of a shopper's feed (feeds.Service).
type FeedReader interface {
	Read(ctx context.Context, uid int64, cursor string, limit int) (stylegraph.FeedPage, error)
}

// InFeed makes every Every-th item of a feed page a recommended product
// (reason "recommended"). Cursors stay the feed's own: the page asks the
// feed for fewer posts and fills the gaps, so paging never skips a post.
// The mix never waits on a graph traversal: it is served from the shopper's
// stored list (or trending products while that list is computed in the
// background) within Budget.
//
// The mix costs a page next to nothing: each shopper's first mixSize
// recommendations are kept in memory with their encoded form, served for
// Fresh and then re-read in the background (a page never waits for that),
// so a returning shopper's page makes no Redis round trip and encodes no
// JSON for its recommended items. A shopper without such an entry has it
// read while the feed page is read, not after.
type InFeed struct {
	Feed  FeedReader
	Recs  *Service
	Every int // 0 or 1 turns recommendations off
	Log   *slog.Logger
	// Budget bounds the time spent on the recommendations of one page
	// (default 50ms); past it the page is served without them.
	Budget time.Duration
	// Fresh is how long a shopper's mix is served from memory before it is
	// re-read in the background (default 15s); an entry older than 4×Fresh
	// is not served. A new engagement reaches the mix within about Fresh.
	Fresh time.Duration

	mixMu      sync.Mutex
	mix        map[int64]*mixEntry
	refreshing int // background re-reads in flight
}

// mixEntry is a shopper's mix kept in memory.
type mixEntry struct {
	at         time.Time
	ready      chan struct{} // closed once recs are set (or the read failed)
	recs       []stylegraph.Recommendation
	encoded    [][]byte // recs[i]'s "product" value, encoded when first served
	failed     bool
	refreshing bool

	encMu sync.Mutex // guards encoded
}

// mixSize is how many recommendations a shopper's mix keeps: four pages'
// offsets of a 20-item page (4 slots each) and room for exclusions.
const mixSize = 24

// maxMixEntries bounds the shoppers whose mix is kept (about 10 KB each);
// maxMixRefreshes the background re-reads in flight.
const (
	maxMixEntries   = 10_000
	maxMixRefreshes = 4
)

// FeedJSONReader reads one page of a shopper's feed already encoded as the
// API answer, `{"items":[…],"nextCursor":…}` (feeds.Service.ReadJSON).
type FeedJSONReader interface {
	ReadJSON(ctx context.Context, uid int64, cursor string, limit int) ([]byte, error)
}

// Read returns a page of limit items at most.
func (f *InFeed) Read(ctx context.Context, uid int64, cursor string, limit int) (stylegraph.FeedPage, error) {
	if f.Every < 2 || limit < f.Every {
		return f.Feed.Read(ctx, uid, cursor, limit)
	}
	e := f.entry(ctx, uid)
	page, err := f.Feed.Read(ctx, uid, cursor, limit-limit/f.Every)
	if err != nil {
		return page, err
	}
	picked := f.recommend(ctx, e, uid, cursor, len(page.Items), limit, func(exclude map[int64]bool) {
		for _, it := range page.Items {
			for _, p := range it.Post.Products {
				exclude[p.ID] = true
			}
		}
	})
	items := make([]stylegraph.Feed, 0, len(page.Items)+len(picked))
	f.interleave(len(page.Items), picked, func(i int) { items = append(items, page.Items[i]) }, func(k int) { items = append(items, recItem(e.recs[k])) })
	page.Items = items
	return page, nil
}

// ReadJSON is Read for a feed that answers encoded pages: the posts' JSON is
// passed through and the recommended items, encoded once per shopper's mix,
// are spliced in between.
func (f *InFeed) ReadJSON(ctx context.Context, feed FeedJSONReader, uid int64, cursor string, limit int) ([]byte, error) {
	if f.Every < 2 || limit < f.Every {
		return feed.ReadJSON(ctx, uid, cursor, limit)
	}
	e := f.entry(ctx, uid)
	b, err := feed.ReadJSON(ctx, uid, cursor, limit-limit/f.Every)
	if err != nil {
		return nil, err
	}
	items, tail, err := splitItems(b)
	if err != nil {
		return nil, fmt.Errorf("split feed page: %w", err)
	}
	picked := f.recommend(ctx, e, uid, cursor, len(items), limit, func(exclude map[int64]bool) {
		for _, raw := range items {
			for _, id := range featured(raw) {
				exclude[id] = true
			}
		}
	})
	if len(picked) == 0 {
		return b, nil
	}
	encoded, err := f.encoded(e, picked)
	if err != nil {
		return nil, fmt.Errorf("encode recommended feed item: %w", err)
	}
	size := len(b)
	for _, p := range encoded {
		size += len(p) + len(recHead) + len(recTail) + 40
	}
	out := make([]byte, 0, size)
	out = append(out, itemsHead...)
	sep := func() {
		if out[len(out)-1] != '[' {
			out = append(out, ',')
		}
	}
	now := time.Now().UTC()
	f.interleave(len(items), picked, func(i int) {
		sep()
		out = append(out, items[i]...)
	}, func(k int) {
		sep()
		// What stylegraph.Feed.MarshalJSON writes for a recommended item.
		out = append(out, `{"kind":"recommended","createdDate":"`...)
		out = now.AppendFormat(out, time.RFC3339Nano)
		out = append(out, recHead...)
		out = append(out, encoded[k]...)
		out = append(out, recTail...)
	})
	return append(out, tail...), nil
}

var (
	recHead = []byte(`","reason":"recommended","product":`)
	recTail = []byte(`}`)
)

// encoded returns the encoded "product" value of each picked item of e,
// encoding those not served before.
func (f *InFeed) encoded(e *mixEntry, picked []int) (map[int][]byte, error) {
	out := make(map[int][]byte, len(picked))
	e.encMu.Lock()
	defer e.encMu.Unlock()
	for _, k := range picked {
		if e.encoded[k] == nil {
			rb, err := json.Marshal(recItem(e.recs[k]).Product)
			if err != nil {
				return nil, err
			}
			e.encoded[k] = rb
		}
		out[k] = e.encoded[k]
	}
	return out, nil
}

// itemsHead starts every encoded feed page.
var itemsHead = []byte(`{"items":[`)

// splitItems returns the items of an encoded feed page, each a JSON object,
// and what follows the items array (from its closing bracket on). It only
// tracks nesting and strings: the page comes from the feed, which encodes
// it, so it is not validated again.
func splitItems(b []byte) (items [][]byte, tail []byte, err error) {
	if !bytes.HasPrefix(b, itemsHead) {
		return nil, nil, fmt.Errorf("page does not start with %s", itemsHead)
	}
	depth, start, inString := 0, -1, false
	for i := len(itemsHead); i < len(b); i++ {
		if inString {
			// Jump to the string's next quote or escape.
			j := bytes.IndexAny(b[i:], `"\\`)
			if j < 0 {
				break
			}
			i += j
			if b[i] == '\\' {
				i++
			} else {
				inString = false
			}
			continue
		}
		c := b[i]
		switch c {
		case '"':
			inString = true
		case '{', '[':
			if depth == 0 {
				start = i
			}
			depth++
		case '}', ']':
			if depth == 0 {
				return items, b[i:], nil // the items array closes
			}
			depth--
			if depth == 0 {
				items = append(items, b[start:i+1])
			}
		}
	}
	return nil, nil, fmt.Errorf("page ends inside its items")
}

// productsKey starts the products array of an encoded post item: a key, so
// it cannot occur inside a string value (quotes there are escaped).
var productsKey = []byte(`"products":[`)

// featured returns the IDs of the products an encoded feed item features,
// decoding only its products array.
func featured(item []byte) []int64 {
	i := bytes.Index(item, productsKey)
	if i < 0 || bytes.HasPrefix(item[i+len(productsKey):], []byte("]")) {
		return nil
	}
	var ps []struct {
		ID int64 `json:"id"`
	}
	if json.NewDecoder(bytes.NewReader(item[i+len(productsKey)-1:])).Decode(&ps) != nil {
		return nil
	}
	ids := make([]int64, len(ps))
	for k, p := range ps {
		ids[k] = p.ID
	}
	return ids
}

// entry returns uid's mix, starting its read when there is none (or it is
// too old) and a background re-read when it is past Fresh. The read of a
// new entry runs while the caller reads the feed; recommend waits for it.
func (f *InFeed) entry(ctx context.Context, uid int64) *mixEntry {
	fresh := f.Fresh
	if fresh <= 0 {
		fresh = 15 * time.Second
	}
	now := time.Now()
	f.mixMu.Lock()
	defer f.mixMu.Unlock()
	e := f.mix[uid]
	if e != nil && !e.failed && (e.at.IsZero() || now.Sub(e.at) < 4*fresh) {
		// An empty mix (trending or cards not cached yet) is read again
		// at once: there is nothing to serve until then.
		due := now.Sub(e.at) > fresh || len(e.recs) == 0
		if !e.at.IsZero() && due && !e.refreshing && f.refreshing < maxMixRefreshes {
			e.refreshing = true
			f.refreshing++
			go f.refresh(ctx, uid, e)
		}
		return e
	}
	if f.mix == nil || len(f.mix) >= maxMixEntries {
		f.sweep(now, 4*fresh)
	}
	e = &mixEntry{ready: make(chan struct{})}
	f.mix[uid] = e
	go f.fill(ctx, uid, e)
	return e
}

// sweep forgets entries older than maxAge, and every entry when that is
// not enough room (the memory is bounded; forgetting costs one read each).
func (f *InFeed) sweep(now time.Time, maxAge time.Duration) {
	for u, e := range f.mix {
		if !e.at.IsZero() && now.Sub(e.at) > maxAge {
			delete(f.mix, u)
		}
	}
	if f.mix == nil || len(f.mix) >= maxMixEntries {
		f.mix = make(map[int64]*mixEntry)
	}
}

// fill reads uid's mix into e. It runs beside the request (not under its
// cancellation: concurrent pages of the shopper share it) for Budget at most.
func (f *InFeed) fill(ctx context.Context, uid int64, e *mixEntry) {
	recs, err := f.read(ctx, uid)
	f.mixMu.Lock()
	if err != nil {
		e.failed = true // the next page tries again
		if f.mix[uid] == e {
			delete(f.mix, uid)
		}
		if f.Log != nil {
			f.Log.WarnContext(ctx, "feed recommendations failed", "err", err.Error())
		}
	} else {
		e.recs, e.encoded, e.at = recs, make([][]byte, len(recs)), time.Now()
	}
	f.mixMu.Unlock()
	close(e.ready)
}

// refresh replaces old, uid's entry, with a fresh read; old is served
// meanwhile, and kept when the read fails.
func (f *InFeed) refresh(ctx context.Context, uid int64, old *mixEntry) {
	recs, err := f.read(ctx, uid)
	f.mixMu.Lock()
	defer f.mixMu.Unlock()
	f.refreshing--
	old.refreshing = false
	if err != nil || f.mix[uid] != old {
		return
	}
	e := &mixEntry{ready: make(chan struct{}), recs: recs, encoded: make([][]byte, len(recs)), at: time.Now()}
	close(e.ready)
	f.mix[uid] = e
}

// read returns uid's first mixSize recommendations as the mix serves them:
// from the stored list, or trending products while it is computed. The
// items are not recorded as served here; recommend records those a page
// shows.
func (f *InFeed) read(ctx context.Context, uid int64) ([]stylegraph.Recommendation, error) {
	d := f.Budget
	if d <= 0 {
		d = 50 * time.Millisecond
	}
	// Best effort: the feed must not wait on a slow store for its extras.
	rctx, cancel := context.WithTimeout(budget.BestEffort(context.WithoutCancel(ctx)), d)
	defer cancel()
	return f.Recs.RecommendFor(rctx, Request{UserID: uid, Limit: mixSize, CachedOnly: true, Unserved: true})
}

// recommend returns the indexes in e.recs of the recommended products of a
// page with posts posts (asked for limit items in all); exclude adds the
// products the posts feature. Nil when there is no slot or the mix is not
// there in time.
func (f *InFeed) recommend(ctx context.Context, e *mixEntry, uid int64, cursor string, posts, limit int, exclude func(map[int64]bool)) []int {
	// Only as many slots as the posts leave room for; a first page gets one
	// even when the feed is empty (cold start).
	slots := min(limit/f.Every, posts/(f.Every-1))
	if slots == 0 && cursor == "" {
		slots = 1
	}
	if slots == 0 {
		return nil
	}
	select {
	case <-e.ready:
	case <-ctx.Done():
		return nil
	}
	if e.failed || len(e.recs) == 0 {
		return nil
	}
	ex := map[int64]bool{}
	exclude(ex)
	picked := pick(e.recs, cursor, ex, slots)
	if len(picked) > 0 {
		ids := make([]int64, len(picked))
		for i, k := range picked {
			ids[i] = e.recs[k].Product.ID
		}
		f.Recs.Served(uid, ids)
	}
	return picked
}

// interleave calls post for each of n posts and rec for a recommendation
// after every Every-1 posts; recommendations left over go last.
func (f *InFeed) interleave(n int, recs []int, post func(int), rec func(int)) {
	placed := 0
	for i := range n {
		post(i)
		placed++
		if len(recs) > 0 && placed%f.Every == f.Every-1 {
			rec(recs[0])
			recs = recs[1:]
			placed++
		}
	}
	for _, r := range recs {
		rec(r)
	}
}

// pick chooses the indexes of n of recs not featured in the page's posts.
// Later pages start further down the list (by a hash of the cursor), so
// scrolling shows different products.
func pick(recs []stylegraph.Recommendation, cursor string, exclude map[int64]bool, n int) []int {
	offset := 0
	if cursor != "" {
		h := fnv.New32a()
		h.Write([]byte(cursor))
		offset = int(h.Sum32()%4) * n
	}
	idx := make([]int, 0, len(recs))
	for k, r := range recs {
		if !exclude[r.Product.ID] {
			idx = append(idx, k)
		}
	}
	if len(idx) > offset {
		idx = idx[offset:]
	} else if len(idx) > n {
		idx = idx[len(idx)-n:]
	}
	return idx[:min(n, len(idx))]
}

func recItem(r stylegraph.Recommendation) stylegraph.Feed {
	r.Reasons = append([]stylegraph.Reason{{Kind: stylegraph.ReasonRecommended, Text: "recommended for you"}}, r.Reasons...)
	return stylegraph.Feed{CreatedAt: time.Now().UTC(), Reason: stylegraph.ReasonRecommended, Product: &r}
}
