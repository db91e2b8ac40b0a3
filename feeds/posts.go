package feeds

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/redis/go-redis/v9"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/idempotency"
	"github.com/stylegraph/stylegraph/ingest"
)

// Limits on a post.
const (
	MaxTitleRunes   = 200
	MaxTextRunes    = 5000
	MaxImages       = 10
	MaxCaptionRunes = 500
	MaxURLBytes     = 2048
	MaxTags         = 20
	MaxTagRunes     = 64
	MaxProducts     = 20
	maxID           = 1<<53 - 1
)

// NormalizeDraft trims and validates a post draft in place, returning an
// EINVALID error that names the first bad field.
func NormalizeDraft(d *stylegraph.PostDraft) error {
	d.Title = strings.TrimSpace(d.Title)
	d.Text = strings.TrimSpace(d.Text)
	switch {
	case !utf8.ValidString(d.Title) || utf8.RuneCountInString(d.Title) > MaxTitleRunes:
		return stylegraph.Invalid("title", "must be valid UTF-8 of at most %d characters", MaxTitleRunes)
	case !utf8.ValidString(d.Text) || utf8.RuneCountInString(d.Text) > MaxTextRunes:
		return stylegraph.Invalid("text", "must be valid UTF-8 of at most %d characters", MaxTextRunes)
	case d.Title == "" && d.Text == "":
		return stylegraph.Invalid("text", "a post needs a title or text")
	case len(d.Images) > MaxImages:
		return stylegraph.Invalid("images", "at most %d images", MaxImages)
	case len(d.Tags) > MaxTags:
		return stylegraph.Invalid("tags", "at most %d tags", MaxTags)
	case len(d.ProductIDs) > MaxProducts:
		return stylegraph.Invalid("productIds", "at most %d products", MaxProducts)
	}
	for i := range d.Images {
		im := &d.Images[i]
		im.ImageURL = strings.TrimSpace(im.ImageURL)
		im.Caption = strings.TrimSpace(im.Caption)
		if len(im.ImageURL) > MaxURLBytes || !stylegraph.PublicHTTPURL(im.ImageURL) {
			return stylegraph.Invalid(fmt.Sprintf("images[%d].imageURL", i), "must be an http(s) URL of a public host, at most %d bytes", MaxURLBytes)
		}
		if !utf8.ValidString(im.Caption) || utf8.RuneCountInString(im.Caption) > MaxCaptionRunes {
			return stylegraph.Invalid(fmt.Sprintf("images[%d].caption", i), "must be valid UTF-8 of at most %d characters", MaxCaptionRunes)
		}
	}
	seen := map[string]bool{}
	tags := make([]string, 0, len(d.Tags))
	for i, t := range d.Tags {
		t = strings.ToLower(strings.TrimSpace(t))
		if t == "" || !utf8.ValidString(t) || utf8.RuneCountInString(t) > MaxTagRunes {
			return stylegraph.Invalid(fmt.Sprintf("tags[%d]", i), "must be 1-%d characters", MaxTagRunes)
		}
		if !seen[t] {
			seen[t] = true
			tags = append(tags, t)
		}
	}
	d.Tags = tags
	seenID := map[int64]bool{}
	ids := make([]int64, 0, len(d.ProductIDs))
	for i, id := range d.ProductIDs {
		if id <= 0 || id > maxID {
			return stylegraph.Invalid(fmt.Sprintf("productIds[%d]", i), "must be a positive integer below 2^53")
		}
		if !seenID[id] {
			seenID[id] = true
			ids = append(ids, id)
		}
	}
	d.ProductIDs = ids
	if d.Images == nil {
		d.Images = []stylegraph.Image{}
	}
	return nil
}

// CreatePost writes a post by author to the graph, caches its feed object,
// puts it at the top of the author's own feed and records post_created, whose
// fan-out delivers it to everyone else.
func (s *Service) CreatePost(ctx context.Context, author int64, d stylegraph.PostDraft) (stylegraph.Feed, error) {
	if err := NormalizeDraft(&d); err != nil {
		return stylegraph.Feed{}, err
	}
	mentions := tagged(&d)
	if err := s.ids.Valid(); err != nil {
		return stylegraph.Feed{}, err
	}
	ids, err := s.newIDs(ctx, 2)
	if err != nil {
		return stylegraph.Feed{}, err
	}
	id, fid := ids[0], ids[1]
	now := s.now().UTC()
	p := stylegraph.NewPost{
		ID: id, FeedID: fid, AuthorID: author, Title: d.Title, Text: d.Text,
		Images: d.Images, Tags: d.Tags, ProductIDs: d.ProductIDs, Mentions: mentions, CreatedAt: now,
	}
	if err := s.g.CreatePost(ctx, p); err != nil {
		return stylegraph.Feed{}, fmt.Errorf("create post: %w", err)
	}
	f, err := s.refresh(ctx, p.FeedID)
	if err != nil {
		return stylegraph.Feed{}, err
	}
	own := stylegraph.FeedRef{FeedID: p.FeedID, Reason: stylegraph.ReasonOwn}
	pipe := s.r.Pipeline()
	s.push(ctx, pipe, author, own)
	pipe.LPush(ctx, s.outboxKey(author), p.FeedID)
	pipe.LTrim(ctx, s.outboxKey(author), 0, int64(s.cfg.Cap-1))
	if _, err := pipe.Exec(ctx); err != nil {
		return stylegraph.Feed{}, fmt.Errorf("push own post %d: %w", p.ID, err)
	}
	if err := s.append(ctx, ingest.Event{
		Type: ingest.PostCreated, UserID: author, OccurredAt: now,
		Target: &ingest.Target{Kind: ingest.KindPost, ID: p.ID}, Data: ingest.Data{AuthorID: author},
	}); err != nil {
		return stylegraph.Feed{}, err
	}
	f.Reason = stylegraph.ReasonOwn
	return f, nil
}

// newIDs returns n new IDs (a post's ID and feed ID, a comment's ID). A
// request with an Idempotency-Key gets the IDs its first attempt reserved, so
// a retry after a failure past the graph write (Redis down for the feed
// lists) writes the same post or comment again, merged by ID, not a second
// one.
func (s *Service) newIDs(ctx context.Context, n int) ([]int64, error) {
	ids := make([]int64, n)
	parts := make([]string, n)
	for i := range ids {
		ids[i] = s.ids.Next()
		parts[i] = strconv.FormatInt(ids[i], 10)
	}
	key, ok := idempotency.FromContext(ctx)
	if !ok {
		return ids, nil
	}
	prev, err := s.r.SetArgs(ctx, s.cfg.Prefix+"idem-ids:"+key, strings.Join(parts, ":"),
		redis.SetArgs{Mode: "NX", Get: true, TTL: reservedIDsTTL}).Result()
	switch {
	case errors.Is(err, redis.Nil): // reserved now
		return ids, nil
	case err != nil:
		return nil, fmt.Errorf("reserve ids: %w", err)
	}
	parts = strings.Split(prev, ":")
	if len(parts) != n {
		return nil, fmt.Errorf("reserved ids %q: want %d", prev, n)
	}
	for i, p := range parts {
		if ids[i], err = strconv.ParseInt(p, 10, 64); err != nil {
			return nil, fmt.Errorf("reserved ids %q: %w", prev, err)
		}
	}
	return ids, nil
}

// reservedIDsTTL outlives IDEMPOTENCY_TTL (24h by default) as deployments set it.
const reservedIDsTTL = 72 * time.Hour

// Post returns one post's feed object as viewer sees it.
func (s *Service) Post(ctx context.Context, viewer, postID int64) (stylegraph.Feed, error) {
	fid, _, err := s.g.PostRef(ctx, postID)
	if err != nil {
		return stylegraph.Feed{}, err
	}
	objs, err := s.objects(ctx, []int64{fid})
	if err != nil {
		return stylegraph.Feed{}, err
	}
	f, ok := objs[fid]
	if !ok {
		return stylegraph.Feed{}, stylegraph.Errorf(stylegraph.ENOTFOUND, "post %d not found", postID)
	}
	liked, err := s.likedByMe(ctx, viewer, []int64{fid})
	if err != nil {
		return stylegraph.Feed{}, err
	}
	f.LikedByMe = liked[fid]
	return f, nil
}

// DeletePost removes a post (its author or an admin may) from the graph and,
// through a tombstone on its feed object, from every feed at once.
func (s *Service) DeletePost(ctx context.Context, p stylegraph.Principal, postID int64) error {
	_, author, err := s.g.PostRef(ctx, postID)
	if err != nil {
		return err
	}
	if author != p.UserID && !p.Is(stylegraph.RoleAdmin) {
		return stylegraph.Errorf(stylegraph.EFORBIDDEN, "only the author or an admin may delete post %d", postID)
	}
	fid, err := s.g.DeletePost(ctx, postID)
	if err != nil {
		return fmt.Errorf("delete post %d: %w", postID, err)
	}
	if err := s.bury(ctx, author, fid); err != nil {
		return err
	}
	return s.append(ctx, ingest.Event{
		Type: ingest.PostDeleted, UserID: p.UserID, Target: &ingest.Target{Kind: ingest.KindPost, ID: postID},
		Data: ingest.Data{AuthorID: author},
	})
}

// EditPost changes a post's title, text or tags (its author or an admin may)
// and re-renders its feed object, so every feed shows the change at once.
func (s *Service) EditPost(ctx context.Context, p stylegraph.Principal, postID int64, e stylegraph.PostEdit) (stylegraph.Feed, error) {
	if e.Title == nil && e.Text == nil && e.Tags == nil {
		return stylegraph.Feed{}, stylegraph.Invalid("text", "send at least one of title, text, tags")
	}
	fid, author, err := s.g.PostRef(ctx, postID)
	if err != nil {
		return stylegraph.Feed{}, err
	}
	if author != p.UserID && !p.Is(stylegraph.RoleAdmin) {
		return stylegraph.Feed{}, stylegraph.Errorf(stylegraph.EFORBIDDEN, "only the author or an admin may edit post %d", postID)
	}
	objs, err := s.objects(ctx, []int64{fid})
	if err != nil {
		return stylegraph.Feed{}, err
	}
	cur, ok := objs[fid]
	if !ok {
		return stylegraph.Feed{}, stylegraph.Errorf(stylegraph.ENOTFOUND, "post %d not found", postID)
	}
	// The draft rules apply to the post as it will be. Unless tags are
	// sent, the old text's hashtags give way to the new text's.
	d := stylegraph.PostDraft{Title: cur.Post.Title, Text: cur.Post.Text, Images: cur.Post.Images}
	old := map[string]bool{}
	for _, h := range stylegraph.Hashtags(draftTexts(d)...) {
		old[h] = true
	}
	for _, t := range cur.Post.Tags {
		if !old[t] {
			d.Tags = append(d.Tags, t)
		}
	}
	if e.Title != nil {
		d.Title = *e.Title
	}
	if e.Text != nil {
		d.Text = *e.Text
	}
	if e.Tags != nil {
		d.Tags = *e.Tags
	}
	if err := NormalizeDraft(&d); err != nil {
		return stylegraph.Feed{}, err
	}
	mentions := tagged(&d)
	if _, err := s.g.EditPost(ctx, postID, d.Title, d.Text, d.Tags, mentions); err != nil {
		return stylegraph.Feed{}, fmt.Errorf("edit post %d: %w", postID, err)
	}
	// Users the edit mentions for the first time are told (nearline, by the
	// notifications consumer); those the post already named are not.
	if added := newMentions(cur.Post.Mentions, mentions); len(added) > 0 {
		if err := s.append(ctx, ingest.Event{
			Type: ingest.PostEdited, UserID: author, OccurredAt: s.now().UTC(),
			Target: &ingest.Target{Kind: ingest.KindPost, ID: postID}, Data: ingest.Data{Mentions: added},
		}); err != nil {
			return stylegraph.Feed{}, err
		}
	}
	f, err := s.refresh(ctx, fid)
	if err != nil {
		return stylegraph.Feed{}, err
	}
	liked, err := s.likedByMe(ctx, p.UserID, []int64{fid})
	if err != nil {
		return stylegraph.Feed{}, err
	}
	f.LikedByMe = liked[fid]
	return f, nil
}

// newMentions returns the IDs in now that before does not name.
func newMentions(before []stylegraph.User, now []int64) []int64 {
	var out []int64
	for _, id := range now {
		if !slices.ContainsFunc(before, func(u stylegraph.User) bool { return u.ID == id }) {
			out = append(out, id)
		}
	}
	return out
}

// draftTexts are the parts of a post that may hold hashtags and mentions.
func draftTexts(d stylegraph.PostDraft) []string {
	texts := []string{d.Title, d.Text}
	for _, im := range d.Images {
		texts = append(texts, im.Caption)
	}
	return texts
}

// tagged adds the hashtags of the draft's title, text and captions to its
// tags, after the ones sent and MaxTags in all, and returns the IDs of the
// users it mentions.
func tagged(d *stylegraph.PostDraft) []int64 {
	texts := draftTexts(*d)
	for _, h := range stylegraph.Hashtags(texts...) {
		if len(d.Tags) >= MaxTags {
			break
		}
		if !slices.Contains(d.Tags, h) {
			d.Tags = append(d.Tags, h)
		}
	}
	return stylegraph.Mentions(texts...)
}

// bury replaces a feed object by a tombstone that outlives every list entry
// pointing at it, so readers drop the item without asking the graph.
func (s *Service) bury(ctx context.Context, author, fid int64) error {
	pipe := s.r.Pipeline()
	pipe.Set(ctx, s.objectKey(fid), tombstone, s.cfg.TimelineTTL)
	pipe.LRem(ctx, s.outboxKey(author), 0, fid)
	if _, err := pipe.Exec(ctx); err != nil {
		return fmt.Errorf("bury feed item %d: %w", fid, err)
	}
	return nil
}

// Like records that uid likes a post and returns the updated feed object.
func (s *Service) Like(ctx context.Context, uid, postID int64) (stylegraph.Feed, error) {
	fid, err := s.g.LikePost(ctx, uid, postID, s.now())
	if err != nil {
		return stylegraph.Feed{}, err
	}
	return s.afterLike(ctx, uid, postID, fid, ingest.Like)
}

// Unlike takes uid's like back and returns the updated feed object.
func (s *Service) Unlike(ctx context.Context, uid, postID int64) (stylegraph.Feed, error) {
	fid, err := s.g.UnlikePost(ctx, uid, postID)
	if err != nil {
		return stylegraph.Feed{}, err
	}
	return s.afterLike(ctx, uid, postID, fid, ingest.Unlike)
}

func (s *Service) afterLike(ctx context.Context, uid, postID, fid int64, typ ingest.Type) (stylegraph.Feed, error) {
	f, err := s.refresh(ctx, fid)
	if err != nil {
		return stylegraph.Feed{}, err
	}
	// The liker's cached like set is rebuilt from the graph on next read.
	if err := s.r.Del(ctx, s.likesKey(uid)).Err(); err != nil {
		return stylegraph.Feed{}, fmt.Errorf("drop like cache: %w", err)
	}
	if err := s.append(ctx, ingest.Event{Type: typ, UserID: uid, Target: &ingest.Target{Kind: ingest.KindPost, ID: postID}}); err != nil {
		return stylegraph.Feed{}, err
	}
	f.LikedByMe = typ == ingest.Like
	return f, nil
}

// AddComment writes uid's comment on a post, updates the post's feed object
// and returns the comment.
func (s *Service) AddComment(ctx context.Context, uid, postID int64, text string) (stylegraph.Comment, error) {
	text = strings.TrimSpace(text)
	if text == "" || !utf8.ValidString(text) || utf8.RuneCountInString(text) > ingest.MaxCommentRunes {
		return stylegraph.Comment{}, stylegraph.Invalid("text", "must be 1-%d characters of valid UTF-8", ingest.MaxCommentRunes)
	}
	if err := s.ids.Valid(); err != nil {
		return stylegraph.Comment{}, err
	}
	ids, err := s.newIDs(ctx, 1)
	if err != nil {
		return stylegraph.Comment{}, err
	}
	c := stylegraph.NewComment{ID: ids[0], PostID: postID, UserID: uid, Text: text, CreatedAt: s.now().UTC()}
	fid, err := s.g.AddComment(ctx, c)
	if err != nil {
		return stylegraph.Comment{}, err
	}
	f, err := s.refresh(ctx, fid)
	if err != nil {
		return stylegraph.Comment{}, err
	}
	if err := s.append(ctx, ingest.Event{
		Type: ingest.CommentEvent, UserID: uid, OccurredAt: c.CreatedAt,
		Target: &ingest.Target{Kind: ingest.KindPost, ID: postID}, Data: ingest.Data{Text: text, CommentID: c.ID},
	}); err != nil {
		return stylegraph.Comment{}, err
	}
	for _, got := range f.Comments {
		if got.ID == c.ID {
			return got, nil
		}
	}
	return stylegraph.Comment{ID: c.ID, Text: text, User: stylegraph.User{ID: uid}, CreatedAt: c.CreatedAt}, nil
}

// DeleteComment removes a comment: its author or an admin may. The post's
// feed object is re-rendered so feeds stop showing it at once.
func (s *Service) DeleteComment(ctx context.Context, p stylegraph.Principal, postID, commentID int64) error {
	author, err := s.g.CommentAuthor(ctx, postID, commentID)
	if err != nil {
		return err
	}
	if author != p.UserID && !p.Is(stylegraph.RoleAdmin) {
		return stylegraph.Errorf(stylegraph.EFORBIDDEN, "only the comment's author or an admin may delete comment %d", commentID)
	}
	fid, err := s.g.DeleteComment(ctx, postID, commentID)
	if err != nil {
		return err
	}
	_, err = s.refresh(ctx, fid)
	if stylegraph.ErrorCode(err) == stylegraph.ENOTFOUND {
		return nil // the post went meanwhile
	}
	return err
}

// Comments returns a page of a post's comments, newest first.
func (s *Service) Comments(ctx context.Context, postID int64, cursor string, limit int) (stylegraph.CommentPage, error) {
	before, err := DecodeCursor(cursor)
	if err != nil {
		return stylegraph.CommentPage{}, err
	}
	if limit, err = checkLimit(limit); err != nil {
		return stylegraph.CommentPage{}, err
	}
	cs, err := s.g.Comments(ctx, postID, before, limit)
	if err != nil {
		return stylegraph.CommentPage{}, err
	}
	page := stylegraph.CommentPage{Items: cs}
	if len(cs) == limit {
		next := EncodeCursor(cs[len(cs)-1].ID)
		page.NextCursor = &next
	}
	return page, nil
}

// MaxLimit is the largest page size.
const MaxLimit = 100

func checkLimit(limit int) (int, error) {
	switch {
	case limit == 0:
		return 20, nil
	case limit < 1 || limit > MaxLimit:
		return 0, stylegraph.Invalid("limit", "must be between 1 and %d", MaxLimit)
	}
	return limit, nil
}

// EncodeCursor turns the last ID of a page into an opaque cursor.
func EncodeCursor(id int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte("v1:" + itoa(id)))
}

// DecodeCursor returns the ID a cursor continues below; "" means from the
// top. A malformed cursor is an EINVALID error naming "cursor".
func DecodeCursor(c string) (int64, error) {
	if c == "" {
		return maxID + 1, nil
	}
	bad := stylegraph.Invalid("cursor", "is not a cursor this API returned")
	if len(c) > 64 {
		return 0, bad
	}
	raw, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return 0, bad
	}
	rest, ok := strings.CutPrefix(string(raw), "v1:")
	if !ok {
		return 0, bad
	}
	id, err := strconv.ParseInt(rest, 10, 64)
	if err != nil || id <= 0 || id > maxID+1 {
		return 0, bad
	}
	return id, nil
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
func (s *Service) refresh(ctx context.Context, fid int64) (stylegraph.Feed, error) {
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
func (s *Service) store(ctx context.Context, fs []stylegraph.Feed) (map[int64][]byte, error) {
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
func (s *Service) objects(ctx context.Context, fids []int64) (map[int64]stylegraph.Feed, error) {
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
	for id, raw := range raws {
		var f stylegraph.Feed
		if err := json.Unmarshal(raw, &f); err != nil {
			return nil, fmt.Errorf("decode feed item %d: %w", id, err)
		}
		out[id] = f
	}
	return out, nil
}

func (s *Service) objectKeys(fids []int64) []string {
	keys := make([]string, len(fids))
	for i, id := range fids {
		keys[i] = s.objectKey(id)
	}
	return keys
}

// rawObjects turns MGET results into encoded feed objects, rendering (and
// caching) the misses from the graph; tombstoned and vanished items are left
// out. Cached objects are passed on as they are, never decoded.
func (s *Service) rawObjects(ctx context.Context, fids []int64, vals []any) (objs map[int64][]byte, unknown map[int64]bool, err error) {
	out := make(map[int64][]byte, len(fids))
	var miss []int64
	for i, v := range vals {
		str, ok := v.(string)
		switch {
		case !ok || len(str) < 2 || str[0] != '{' || str[len(str)-1] != '}':
			if str != tombstone {
				miss = append(miss, fids[i])
			}
		default:
			out[fids[i]] = []byte(str)
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
		for id, b := range stored {
			out[id] = b
		}
	}
	return out, nil, nil
}

// likedByMe reports which of the feed items uid liked, from a per-user set
// cached from the graph.
func (s *Service) likedByMe(ctx context.Context, uid int64, fids []int64) (map[int64]bool, error) {
	out := make(map[int64]bool, len(fids))
	if len(fids) == 0 || uid <= 0 {
		return out, nil
	}
	key := s.likesKey(uid)
	got, err := s.r.SMIsMember(ctx, key, likeMembers(fids)...).Result()
	if err != nil {
		return nil, fmt.Errorf("read likes of user %d: %w", uid, err)
	}
	if !got[0] { // "0" marks a built set; rebuild from the graph
		liked, err := s.g.LikedFeedIDs(ctx, uid, likeCacheSize)
		if err != nil {
			return nil, fmt.Errorf("load likes of user %d: %w", uid, err)
		}
		set := make([]any, 0, len(liked)+1)
		set = append(set, "0")
		known := map[int64]bool{}
		for _, id := range liked {
			set = append(set, itoa(id))
			known[id] = true
		}
		pipe := s.r.TxPipeline()
		pipe.Del(ctx, key)
		pipe.SAdd(ctx, key, set...)
		pipe.Expire(ctx, key, likeCacheTTL)
		if _, err := pipe.Exec(ctx); err != nil {
			return nil, fmt.Errorf("cache likes of user %d: %w", uid, err)
		}
		for _, id := range fids {
			out[id] = known[id]
		}
		return out, nil
	}
	for i, id := range fids {
		out[id] = got[i+1]
	}
	return out, nil
}

// likeMembers asks for the built marker "0" and then each feed ID.
func likeMembers(fids []int64) []any {
	members := make([]any, 0, len(fids)+1)
	members = append(members, "0")
	for _, id := range fids {
		members = append(members, itoa(id))
	}
	return members
}

const (
	likeCacheSize = 5000
	likeCacheTTL  = 10 * time.Minute
)
