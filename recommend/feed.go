package recommend

import (
	"context"
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

// Read returns a page of limit items at most.
func (f *InFeed) Read(ctx context.Context, uid int64, cursor string, limit int) (stylegraph.FeedPage, error) {
	if f.Every < 2 || limit < f.Every {
		return f.Feed.Read(ctx, uid, cursor, limit)
	}
	slots := limit / f.Every
	page, err := f.Feed.Read(ctx, uid, cursor, limit-slots)
	if err != nil {
		return page, err
	}
	// Only as many slots as the posts leave room for; a first page gets one
	// even when the feed is empty (cold start).
	slots = min(slots, len(page.Items)/(f.Every-1))
	if slots == 0 && cursor == "" {
		slots = 1
	}
	if slots == 0 {
		return page, nil
	}
	// The feed must not wait on a slow graph for its extras: recommendations
	// get a third of what is left.
	rctx, cancel := budget.Share(budget.BestEffort(ctx), 1.0/3, 0)
	recs, err := f.pick(rctx, uid, cursor, page.Items, slots)
	cancel()
	if err != nil {
		// The feed is worth more than its recommendations: answer without them.
		if f.Log != nil {
			f.Log.WarnContext(ctx, "feed recommendations failed", "err", err.Error())
		}
		return page, nil
	}
	items := make([]stylegraph.Feed, 0, len(page.Items)+len(recs))
	for _, it := range page.Items {
		items = append(items, it)
		if len(recs) > 0 && len(items)%f.Every == f.Every-1 {
			items = append(items, recItem(recs[0]))
			recs = recs[1:]
		}
	}
	for _, r := range recs {
		items = append(items, recItem(r))
	}
	page.Items = items
	return page, nil
}

// pick chooses n recommendations not featured in the page's posts. Later
// pages start further down the list (by a hash of the cursor), so scrolling
// shows different products.
func (f *InFeed) pick(ctx context.Context, uid int64, cursor string, posts []stylegraph.Feed, n int) ([]stylegraph.Recommendation, error) {
	exclude := map[int64]bool{}
	for _, it := range posts {
		for _, p := range it.Post.Products {
			exclude[p.ID] = true
		}
	}
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
