package feeds

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/stylegraph/stylegraph"
)

// FeedItemGraph renders feed objects from the graph for the object cache.
type FeedItemGraph interface {
	FeedItems(ctx context.Context, feedIDs []int64, likes, comments int) ([]stylegraph.Feed, error)
}

// tombstone marks the cached object of a deleted post.
const tombstone = "gone"

// setObject stores a feed object unless the post was deleted meanwhile.
var setObject = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[3] then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1`)

// refresh renders a feed object from the graph and caches it; this is how
// likes and comments update the stored object. ENOTFOUND when the post is gone.
func (s *core) refresh(ctx context.Context, fid int64) (stylegraph.Feed, error) {
	fs, err := s.g.FeedItems(ctx, []int64{fid}, s.cfg.RecentLikes, s.cfg.RecentComments)
	if err != nil {
		return stylegraph.Feed{}, fmt.Errorf("render feed item %d: %w", fid, err)
	}
	if len(fs) == 0 {
		return stylegraph.Feed{}, stylegraph.Errorf(stylegraph.ENOTFOUND, "feed item %d not found", fid)
	}
	if _, err := s.store(ctx, fs); err != nil {
		return stylegraph.Feed{}, err
	}
	return fs[0], nil
}

// storedFeed is a feed object as cached: the Feed without the fields that
// depend on the reader, which reads splice in.
type storedFeed struct {
	ID           int64                `json:"ID"`
	CreatedAt    time.Time            `json:"createdDate"`
	User         stylegraph.User      `json:"user"`
	Post         stylegraph.Post      `json:"post"`
	Likes        []stylegraph.User    `json:"like"`
	Comments     []stylegraph.Comment `json:"comment"`
	LikeCount    int64                `json:"likeCount"`
	CommentCount int64                `json:"commentCount"`
}

// store caches rendered feed objects in one round trip and returns them
// encoded.
func (s *core) store(ctx context.Context, fs []stylegraph.Feed) (map[int64][]byte, error) {
	out := make(map[int64][]byte, len(fs))
	pipe := s.r.Pipeline()
	for _, f := range fs {
		b, err := json.Marshal(storedFeed{
			ID: f.ID, CreatedAt: f.CreatedAt, User: f.User, Post: f.Post, Likes: f.Likes, Comments: f.Comments,
			LikeCount: f.LikeCount, CommentCount: f.CommentCount,
		})
		if err != nil {
			return nil, fmt.Errorf("encode feed item %d: %w", f.ID, err)
		}
		out[f.ID] = b
		setObject.Eval(ctx, pipe, []string{s.objectKey(f.ID)}, b, s.cfg.ObjectTTL.Milliseconds(), tombstone)
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return nil, fmt.Errorf("cache feed objects: %w", err)
	}
	return out, nil
}

// objects returns the cached feed objects for the IDs, decoded, rendering
// misses from the graph. Deleted items are left out.
func (s *core) objects(ctx context.Context, fids []int64) (map[int64]stylegraph.Feed, error) {
	out := map[int64]stylegraph.Feed{}
	if len(fids) == 0 {
		return out, nil
	}
	pipe := s.r.Pipeline()
	vals := s.queueMGet(ctx, pipe, s.objectKeys(fids))
	if err := execIgnoringNil(ctx, pipe); err != nil {
		return nil, fmt.Errorf("read feed objects: %w", err)
	}
	raws, unknown, err := s.rawObjects(ctx, fids, vals())
	if err != nil {
		return nil, err
	}
	if len(unknown) > 0 {
		// Unknown is not deleted: callers must not answer "not found".
		return nil, &stylegraph.Error{Code: stylegraph.EUNAVAILABLE, Message: "graph database unavailable"}
	}
	for i, raw := range raws {
		if raw == "" {
			continue
		}
		var f stylegraph.Feed
		if err := json.Unmarshal([]byte(raw), &f); err != nil {
			return nil, fmt.Errorf("decode feed item %d: %w", fids[i], err)
		}
		out[fids[i]] = f
	}
	return out, nil
}

// object returns the feed object fid of post postID, ENOTFOUND when the
// post was deleted.
func (s *core) object(ctx context.Context, postID, fid int64) (stylegraph.Feed, error) {
	objs, err := s.objects(ctx, []int64{fid})
	if err != nil {
		return stylegraph.Feed{}, err
	}
	f, ok := objs[fid]
	if !ok {
		return stylegraph.Feed{}, stylegraph.Errorf(stylegraph.ENOTFOUND, "post %d not found", postID)
	}
	return f, nil
}

// objectKeys names the objects of fids. The keys are cut from one string:
// a feed read names a page of them, and one allocation beats one a key.
func (k keys) objectKeys(fids []int64) []string {
	head := string(k) + "item:"
	ends := make([]int, len(fids))
	b := make([]byte, 0, len(fids)*(len(head)+19))
	for i, id := range fids {
		b = append(b, head...)
		b = strconv.AppendInt(b, id, 10)
		ends[i] = len(b)
	}
	all, start := string(b), 0
	keys := make([]string, len(fids))
	for i, end := range ends {
		keys[i], start = all[start:end], end
	}
	return keys
}

// rawObjects turns MGET results into encoded feed objects, objs[i] for
// fids[i], rendering (and caching) the misses from the graph; tombstoned and
// vanished items are left "". Cached objects are passed on as they are,
// never decoded or copied. unknown holds the misses the graph could not
// render because it is down (nil when none).
func (s *core) rawObjects(ctx context.Context, fids []int64, vals []any) (objs []string, unknown map[int64]bool, err error) {
	out := make([]string, len(fids))
	var miss []int64
	for i, v := range vals {
		str, ok := v.(string)
		switch {
		case !ok || len(str) < 2 || str[0] != '{' || str[len(str)-1] != '}':
			if str != tombstone {
				miss = append(miss, fids[i])
			}
		default:
			out[i] = str
		}
	}
	if len(miss) > 0 {
		gctx, cancel := graphShare(ctx)
		fs, err := s.g.FeedItems(gctx, miss, s.cfg.RecentLikes, s.cfg.RecentComments)
		cancel()
		if s.degrade(ctx, err) {
			unknown = make(map[int64]bool, len(miss))
			for _, id := range miss {
				unknown[id] = true
			}
			return out, unknown, nil
		}
		if err != nil {
			return nil, nil, fmt.Errorf("render feed items: %w", err)
		}
		stored, err := s.store(ctx, fs)
		if err != nil {
			return nil, nil, err
		}
		for i, id := range fids {
			if b, ok := stored[id]; ok {
				out[i] = string(b)
			}
		}
	}
	return out, nil, nil
}

// bury replaces a feed object by a tombstone that outlives every list entry
// pointing at it, so readers drop the item without asking the graph.
func (s *core) bury(ctx context.Context, author, fid int64) error {
	pipe := s.r.Pipeline()
	pipe.Set(ctx, s.objectKey(fid), tombstone, s.cfg.TimelineTTL)
	pipe.LRem(ctx, s.outboxKey(author), 0, fid)
	if _, err := pipe.Exec(ctx); err != nil {
		return fmt.Errorf("bury feed item %d: %w", fid, err)
	}
	return nil
}

// postPage renders a page of posts by feed ID for the viewer: likedByMe,
// reason own on the viewer's own posts, deleted posts left out.
func (s *core) postPage(ctx context.Context, viewer int64, fids []int64, limit int) (stylegraph.FeedPage, error) {
	objs, err := s.objects(ctx, fids)
	if err != nil {
		return stylegraph.FeedPage{}, err
	}
	liked, err := s.likedByMe(ctx, viewer, fids)
	if err != nil {
		return stylegraph.FeedPage{}, err
	}
	page := stylegraph.FeedPage{Items: make([]stylegraph.Feed, 0, len(fids))}
	for _, fid := range fids {
		f, ok := objs[fid]
		if !ok {
			continue // deleted meanwhile
		}
		f.LikedByMe = liked[fid]
		if f.User.ID == viewer {
			f.Reason = stylegraph.ReasonOwn
		}
		page.Items = append(page.Items, f)
	}
	if len(fids) == limit {
		next := EncodeCursor(fids[len(fids)-1])
		page.NextCursor = &next
	}
	return page, nil
}
