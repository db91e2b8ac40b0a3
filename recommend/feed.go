package recommend

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"log/slog"
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
type InFeed struct {
	Feed  FeedReader
	Recs  *Service
	Every int // 0 or 1 turns recommendations off
	Log   *slog.Logger
	// Budget bounds the time spent on the recommendations of one page
	// (default 50ms); past it the page is served without them.
	Budget time.Duration
}

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
	page, err := f.Feed.Read(ctx, uid, cursor, limit-limit/f.Every)
	if err != nil {
		return page, err
	}
	recs := f.recommend(ctx, uid, cursor, len(page.Items), limit, func(exclude map[int64]bool) {
		for _, it := range page.Items {
			for _, p := range it.Post.Products {
				exclude[p.ID] = true
			}
		}
	})
	items := make([]stylegraph.Feed, 0, len(page.Items)+len(recs))
	f.interleave(len(page.Items), recs, func(i int) { items = append(items, page.Items[i]) }, func(r stylegraph.Recommendation) { items = append(items, recItem(r)) })
	page.Items = items
	return page, nil
}

// ReadJSON is Read for a feed that answers encoded pages: the posts' JSON is
// passed through and the recommended items are spliced in between, so the
// mix costs no decoding and re-encoding of the posts.
func (f *InFeed) ReadJSON(ctx context.Context, feed FeedJSONReader, uid int64, cursor string, limit int) ([]byte, error) {
	if f.Every < 2 || limit < f.Every {
		return feed.ReadJSON(ctx, uid, cursor, limit)
	}
	b, err := feed.ReadJSON(ctx, uid, cursor, limit-limit/f.Every)
	if err != nil {
		return nil, err
	}
	items, tail, err := splitItems(b)
	if err != nil {
		return nil, fmt.Errorf("split feed page: %w", err)
	}
	recs := f.recommend(ctx, uid, cursor, len(items), limit, func(exclude map[int64]bool) {
		for _, raw := range items {
			for _, id := range featured(raw) {
				exclude[id] = true
			}
		}
	})
	if len(recs) == 0 {
		return b, nil
	}
	out := make([]byte, 0, len(b)+len(recs)*1024)
	out = append(out, `{"items":[`...)
	var encErr error
	sep := func() {
		if out[len(out)-1] != '[' {
			out = append(out, ',')
		}
	}
	f.interleave(len(items), recs, func(i int) {
		sep()
		out = append(out, items[i]...)
	}, func(r stylegraph.Recommendation) {
		rb, err := json.Marshal(recItem(r))
		if err != nil {
			encErr = err
			return
		}
		sep()
		out = append(out, rb...)
	})
	if encErr != nil {
		return nil, fmt.Errorf("encode recommended feed item: %w", encErr)
	}
	return append(out, tail...), nil
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
		c := b[i]
		if inString {
			switch c {
			case '\\':
				i++
			case '"':
				inString = false
			}
			continue
		}
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

// recommend returns the recommended products of a page with posts posts
// (asked for limit items in all); exclude adds the products the posts
// feature. Nil when there is no slot or the recommendations fail.
func (f *InFeed) recommend(ctx context.Context, uid int64, cursor string, posts, limit int, exclude func(map[int64]bool)) []stylegraph.Recommendation {
	// Only as many slots as the posts leave room for; a first page gets one
	// even when the feed is empty (cold start).
	slots := min(limit/f.Every, posts/(f.Every-1))
	if slots == 0 && cursor == "" {
		slots = 1
	}
	if slots == 0 {
		return nil
	}
	ex := map[int64]bool{}
	exclude(ex)
	// The feed must not wait on a slow graph for its extras: recommendations
	// get a third of what is left.
	rctx, cancel := budget.Share(budget.BestEffort(ctx), 1.0/3, 0)
	recs, err := f.pick(rctx, uid, cursor, ex, slots)
	cancel()
	if err != nil {
		// The feed is worth more than its recommendations: answer without them.
		if f.Log != nil {
			f.Log.WarnContext(ctx, "feed recommendations failed", "err", err.Error())
		}
		return nil
	}
	return recs
}

// interleave calls post for each of n posts and rec for a recommendation
// after every Every-1 posts; recommendations left over go last.
func (f *InFeed) interleave(n int, recs []stylegraph.Recommendation, post func(int), rec func(stylegraph.Recommendation)) {
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

// pick chooses n recommendations not featured in the page's posts. Later
// pages start further down the list (by a hash of the cursor), so scrolling
// shows different products.
func (f *InFeed) pick(ctx context.Context, uid int64, cursor string, exclude map[int64]bool, n int) ([]stylegraph.Recommendation, error) {
	offset := 0
	if cursor != "" {
		h := fnv.New32a()
		h.Write([]byte(cursor))
		offset = int(h.Sum32()%4) * n
	}
	budget := f.Budget
	if budget <= 0 {
		budget = 50 * time.Millisecond
	}
	ctx, cancel := context.WithTimeout(ctx, budget)
	defer cancel()
	recs, err := f.Recs.RecommendFor(ctx, Request{UserID: uid, Limit: min(offset+n, MaxLimit), Exclude: exclude, CachedOnly: true})
	if err != nil {
		return nil, err
	}
	if len(recs) > offset {
		recs = recs[offset:]
	} else if len(recs) > n {
		recs = recs[len(recs)-n:]
	}
	return recs[:min(n, len(recs))], nil
}

func recItem(r stylegraph.Recommendation) stylegraph.Feed {
	r.Reasons = append([]stylegraph.Reason{{Kind: stylegraph.ReasonRecommended, Text: "recommended for you"}}, r.Reasons...)
	return stylegraph.Feed{CreatedAt: time.Now().UTC(), Reason: stylegraph.ReasonRecommended, Product: &r}
}
