package recommend

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"sort"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/graph"
	"github.com/stylegraph/stylegraph/learn"
)

// SimilaritySource marks the SIMILAR edges the batch job writes.
const SimilaritySource = "co-engagement"

// BatchGraph is what the batch job reads from and writes to the graph.
type BatchGraph interface {
	CountUsers(ctx context.Context, scope graph.Scope) (int, error)
	BatchProducts(ctx context.Context, scope graph.Scope, after int64, n int) ([]stylegraph.ProductRef, error)
	BatchUsers(ctx context.Context, scope graph.Scope, after int64, n int) ([]graph.BatchUser, error)
	WriteSimilar(ctx context.Context, source string, lists []graph.SimilarList, at time.Time) error
	DropStaleSimilar(ctx context.Context, scope graph.Scope, source string, before time.Time) (int, error)
	RefreshTopProducts(ctx context.Context, scope graph.TopScope, now time.Time) (int, error)
	Cards(ctx context.Context, userID int64, ids []int64) (map[int64]graph.Card, error)
}

// Job is `stylegraph recompute`. It reads the graph in streaming passes
// (products, then users with their engagements and followees, a page at a
// time), trains the offline models and tunes their blend on a validation
// split of that data (package learn), writes each product's top-K item-kNN
// neighbours as SIMILAR edges, and stores a ranked list per active shopper in
// the cache, in batches, with progress and an ETA.
//
// A Redis lock, renewed while the run is alive, keeps two runs from
// overlapping. A run that dies leaves a checkpoint; the next run within
// Every resumes it (same stamp, neighbours not rewritten, shoppers already
// stored skipped). Training is deterministic, so running again over the same
// graph writes the same edges and lists.
type Job struct {
	Graph BatchGraph
	// Cache stores the lists and holds the lock and checkpoint; nil only
	// recomputes the neighbours (evaluations).
	Cache *Cache
	Scope graph.Scope
	// TopK neighbours per product (default 50).
	TopK int
	// ActiveWindow: shoppers who engaged within it get a list (default 30
	// days).
	ActiveWindow time.Duration
	// Every is the run's cadence (default 1 hour): lists live 2×Every plus
	// the run's own duration, so one missed run does not expire them.
	Every time.Duration
	// LockTTL is how long the lock outlives a dead run (default 2 minutes);
	// a live run renews it every third of that.
	LockTTL time.Duration
	// Workers train and rank in parallel (default 2).
	Workers int
	// Learn is what the tuner tries (zero: learn.DefaultConfig with 5,000
	// validation users).
	Learn learn.Config
	// Online are the configured online weights; the tuned ones are laid
	// over them when the job stores the learned blend.
	Online map[string]float64
	// Progress receives a line per step; nil is silent.
	Progress io.Writer
	// Batch is how many shoppers' lists are ranked and stored, with a
	// checkpoint, at a time (default 1,000).
	Batch int

	now func() time.Time
	// afterBatch runs after each stored batch of lists (tests stop a run
	// there, as a kill would).
	afterBatch func(stored int)
}

// Report says what a run did.
type Report struct {
	Users, Products, Interactions, Edges, Dropped, Lists int
	// Resumed says the run continued a dead one; Skipped shoppers already
	// had their list from it.
	Resumed bool
	Skipped int
	// Tuning is what the tuner tried and chose (on validation data).
	Tuning            learn.Report
	Read, Train, Took time.Duration
}

// ErrLocked means another run holds the lock.
var ErrLocked = errors.New("another recompute is running")

// Kind weights: what an engagement says about taste.
var kindWeight = map[string]float32{"LIKED": 1, "PURCHASED": 1, "CARTED": 0.7, "VIEWED": 0.3}

// likeWeight is the weight from which an engagement counts as a like.
const likeWeight = 1

func (j *Job) defaults() {
	if j.TopK <= 0 {
		j.TopK = 50
	}
	if j.ActiveWindow <= 0 {
		j.ActiveWindow = 30 * 24 * time.Hour
	}
	if j.Every <= 0 {
		j.Every = time.Hour
	}
	if j.LockTTL <= 0 {
		j.LockTTL = 2 * time.Minute
	}
	if j.Workers <= 0 {
		j.Workers = 2
	}
	if j.Learn.KNN == nil {
		j.Learn = DefaultLearnConfig()
	}
	j.Learn.Workers = j.Workers
	if j.now == nil {
		j.now = time.Now
	}
	if j.Batch <= 0 {
		j.Batch = 1000
	}
	if j.Progress == nil {
		j.Progress = io.Discard
	}
	if _, ok := j.Progress.(*syncWriter); !ok {
		j.Progress = &syncWriter{w: j.Progress}
	}
	j.Learn.Progress = j.Progress
}

// DefaultLearnConfig is what the job tries by default: a grid small enough
// for 100k shoppers × 40k products in minutes on two cores, 5,000
// validation shoppers, seed 1.
func DefaultLearnConfig() learn.Config {
	c := learn.DefaultConfig()
	c.KNN = []learn.KNNConfig{{K: 50}, {K: 50, Shrink: 10, IDF: true}}
	c.ALS = []learn.ALSConfig{{Factors: 32, Reg: 1, Alpha: 10, Iterations: 8, Seed: 1}}
	c.EASE = []learn.EASEConfig{{Lambda: 400, Head: 2000}}
	c.ValidationUsers, c.Seed = 5000, 1
	// Lists are ranked by the full blend only.
	c.SkipCFOnly = true
	return c
}

// Run does the whole job.
func (j *Job) Run(ctx context.Context) (Report, error) {
	j.defaults()
	start := j.now()
	var rep Report
	cp := checkpoint{At: start.Unix()}
	if j.Cache != nil {
		held, release, err := j.Cache.hold(ctx, j.Scope, j.LockTTL)
		if err != nil {
			return rep, err
		}
		defer release()
		ctx = held
		if cp, rep.Resumed, err = j.resume(ctx, cp, start); err != nil {
			return rep, err
		}
	}
	at := time.Unix(cp.At, 0).UTC()
	clock := newStepClock(j.Progress, j.now)
	snap, err := j.read(ctx, &rep)
	if err != nil {
		return rep, err
	}
	clock.done("read")
	tr, err := j.train(snap, at, &rep)
	if err != nil {
		return rep, err
	}
	clock.done("train")
	state := &runState{cp: cp, cache: j.Cache, scope: j.Scope, ttl: 2 * j.Every}
	if err := j.write(ctx, snap, tr, at, start, state, clock, &rep); err != nil {
		return rep, err
	}
	if j.Cache != nil {
		if err := j.Cache.putLearned(ctx, j.learned(tr.Report)); err != nil {
			return rep, err
		}
		if err := j.Cache.clearCheckpoint(ctx, j.Scope); err != nil {
			return rep, err
		}
	}
	clock.done("whole run after training")
	rep.Took = j.now().Sub(start)
	return rep, nil
}

// resume returns the checkpoint a dead run left less than Every before
// start, and true; or fresh and false.
func (j *Job) resume(ctx context.Context, fresh checkpoint, start time.Time) (checkpoint, bool, error) {
	saved, ok, err := j.Cache.checkpoint(ctx, j.Scope)
	if err != nil {
		return fresh, false, err
	}
	if !ok || start.Sub(time.Unix(saved.At, 0)) >= j.Every {
		return fresh, false, nil
	}
	fmt.Fprintf(j.Progress, "recompute: resuming the run of %s (neighbours written: %v, lists stored up to shopper %d)\n",
		time.Unix(saved.At, 0).UTC().Format(time.RFC3339), saved.SimilarDone, saved.ListsAfter)
	return saved, true, nil
}

// train fits the models on the snapshot and tunes their blend, as of at.
func (j *Job) train(snap *snapshot, at time.Time, rep *Report) (*learn.Trained, error) {
	t0 := j.now()
	tr, err := learn.Train(learn.Data{M: snap.m, Follows: snap.follows, Now: at.Unix(), LikeWeight: likeWeight}, j.Learn)
	if err != nil {
		return nil, fmt.Errorf("train: %w", err)
	}
	tr.Blend.Exclude = snap.hidden
	rep.Tuning, rep.Train = tr.Report, j.now().Sub(t0)
	fmt.Fprintf(j.Progress, "train: %s in %s\n", tr.Report.Model, rep.Train.Round(time.Millisecond))
	return tr, nil
}

// write writes the neighbours and the lists at the same time: writing
// neighbours is Neo4j's work (the job waits), ranking lists is the job's,
// and neither reads what the other writes. A run killed in between leaves a
// checkpoint saying how far each got.
func (j *Job) write(ctx context.Context, snap *snapshot, tr *learn.Trained, at, start time.Time, state *runState, clock *stepClock, rep *Report) error {
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error { return j.writeGraph(gctx, snap, tr, at, state, clock, rep) })
	if j.Cache != nil {
		g.Go(func() error {
			span := clock.start()
			if err := j.writeLists(gctx, snap, tr, at, start, state, rep); err != nil {
				return err
			}
			span.done("lists")
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		if ctx.Err() != nil {
			// Stopped from outside (or the lock was lost): say so, not
			// what the stop did to a write in flight.
			return ctx.Err()
		}
		return err
	}
	return nil
}

// writeGraph writes the neighbours unless the resumed run did, and on a
// whole-graph run refreshes the interest recommender's top products.
func (j *Job) writeGraph(ctx context.Context, snap *snapshot, tr *learn.Trained, at time.Time, state *runState, clock *stepClock, rep *Report) error {
	if !state.similarDone() {
		span := clock.start()
		if err := j.writeNeighbours(ctx, snap, tr.KNN, at, rep); err != nil {
			return err
		}
		if err := state.update(ctx, func(cp *checkpoint) { cp.SimilarDone = true }); err != nil {
			return err
		}
		span.done("neighbours")
	}
	if j.Scope == (graph.Scope{}) {
		// The interest recommender's top products per tag, brand and
		// category (whole graph only: a scoped run leaves them alone).
		span := clock.start()
		n, err := j.Graph.RefreshTopProducts(ctx, graph.TopScope{}, at)
		if err != nil {
			return fmt.Errorf("refresh top products: %w", err)
		}
		fmt.Fprintf(j.Progress, "top products: %d tag, brand and category lists\n", n)
		span.done("top products")
	}
	return nil
}

// runState is a run's checkpoint, shared by the steps that advance it at
// the same time (neighbours, lists); each change is saved (with a cache).
type runState struct {
	mu    sync.Mutex
	cp    checkpoint
	cache *Cache
	scope graph.Scope
	ttl   time.Duration
}

func (s *runState) update(ctx context.Context, change func(*checkpoint)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	change(&s.cp)
	if s.cache == nil {
		return nil
	}
	return s.cache.saveCheckpoint(ctx, s.scope, s.cp, s.ttl)
}

func (s *runState) listsAfter() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cp.ListsAfter
}

func (s *runState) similarDone() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cp.SimilarDone
}

// Similarity recomputes and writes only the neighbours (cosine item-kNN,
// TopK per product), stamped at: what evaluations of the online path use.
func (j *Job) Similarity(ctx context.Context, at time.Time) (Report, error) {
	j.defaults()
	var rep Report
	snap, err := j.read(ctx, &rep)
	if err != nil {
		return rep, err
	}
	knn := learn.TrainKNN(snap.m, learn.KNNConfig{K: j.TopK}, j.Workers)
	return rep, j.writeNeighbours(ctx, snap, knn, at, &rep)
}

// snapshot is the graph as the job read it, in dense indices.
type snapshot struct {
	products []stylegraph.ProductRef
	item     map[int64]int32
	users    []int64
	names    []string
	m        *learn.Matrix
	follows  [][]int32
	hidden   [][]int32
	last     []int64 // each user's latest engagement, Unix seconds
}

// read streams products, then users, from the graph.
func (j *Job) read(ctx context.Context, rep *Report) (*snapshot, error) {
	start := j.now()
	s := &snapshot{item: map[int64]int32{}}
	if err := j.readProducts(ctx, s); err != nil {
		return nil, err
	}
	fmt.Fprintf(j.Progress, "read: %d products\n", len(s.products))
	total, err := j.Graph.CountUsers(ctx, j.Scope)
	if err != nil {
		return nil, fmt.Errorf("count users: %w", err)
	}
	xs, followIDs, err := j.readUsers(ctx, s, total)
	if err != nil {
		return nil, err
	}
	s.m = learn.NewMatrix(len(s.users), len(s.products), xs)
	s.setFollows(followIDs)
	rep.Users, rep.Products, rep.Interactions = len(s.users), len(s.products), s.m.NNZ()
	rep.Read = j.now().Sub(start)
	fmt.Fprintf(j.Progress, "read: %d shoppers, %d products, %d engagements in %s\n", rep.Users, rep.Products, rep.Interactions, rep.Read.Round(time.Millisecond))
	return s, nil
}

// readProducts reads the products in scope into s, a page at a time.
func (j *Job) readProducts(ctx context.Context, s *snapshot) error {
	const page = 5000
	var after int64
	for {
		ps, err := j.Graph.BatchProducts(ctx, j.Scope, after, page)
		if err != nil {
			return fmt.Errorf("read products: %w", err)
		}
		if len(ps) == 0 {
			return nil
		}
		for _, p := range ps {
			s.item[p.ID] = int32(len(s.products))
			s.products = append(s.products, p)
		}
		after = ps[len(ps)-1].ID
	}
}

// readUsers reads the users in scope into s, a page at a time, and returns
// their engagements with the products read and whom each follows (IDs).
func (j *Job) readUsers(ctx context.Context, s *snapshot, total int) ([]learn.Interaction, [][]int64, error) {
	m := newMeter(j.Progress, "read: shoppers", total, j.now)
	var xs []learn.Interaction
	var followIDs [][]int64
	var after int64
	for {
		us, err := j.Graph.BatchUsers(ctx, j.Scope, after, 1000)
		if err != nil {
			return nil, nil, fmt.Errorf("read users: %w", err)
		}
		if len(us) == 0 {
			return xs, followIDs, nil
		}
		for _, u := range us {
			followIDs = append(followIDs, u.Follows)
			xs = s.addUser(u, xs)
		}
		after = us[len(us)-1].ID
		m.update(len(s.users))
	}
}

// addUser appends u to the snapshot, with what they hid and when they last
// engaged, and their weighted engagements with products in it to xs.
func (s *snapshot) addUser(u graph.BatchUser, xs []learn.Interaction) []learn.Interaction {
	ui := int32(len(s.users))
	s.users = append(s.users, u.ID)
	s.names = append(s.names, u.Name)
	var hid []int32
	var last int64
	for _, e := range u.Engaged {
		it, ok := s.item[e.ProductID]
		if !ok {
			continue
		}
		if e.Kind == "HID" {
			hid = append(hid, it)
			continue
		}
		w, ok := kindWeight[e.Kind]
		if !ok {
			continue
		}
		xs = append(xs, learn.Interaction{User: ui, Item: it, Weight: w, At: e.At.Unix()})
		last = max(last, e.At.Unix())
	}
	s.hidden = append(s.hidden, hid)
	s.last = append(s.last, last)
	return xs
}

// setFollows keeps, of whom each user follows, those in the snapshot.
func (s *snapshot) setFollows(followIDs [][]int64) {
	userIdx := make(map[int64]int32, len(s.users))
	for ui, id := range s.users {
		userIdx[id] = int32(ui)
	}
	s.follows = make([][]int32, len(s.users))
	for u, fs := range followIDs {
		for _, f := range fs {
			if fi, ok := userIdx[f]; ok {
				s.follows[u] = append(s.follows[u], fi)
			}
		}
	}
}

// writeNeighbours replaces every product's SIMILAR edges with its top-K
// neighbours and drops the edges the run did not write.
func (j *Job) writeNeighbours(ctx context.Context, s *snapshot, knn *learn.ItemKNN, at time.Time, rep *Report) error {
	lists := make([]graph.SimilarList, len(s.products))
	for i, p := range s.products {
		ns := knn.Neighbours[i]
		if len(ns) > j.TopK {
			ns = ns[:j.TopK]
		}
		l := graph.SimilarList{ProductID: p.ID, Neighbours: make([]graph.Neighbour, len(ns))}
		for k, n := range ns {
			l.Neighbours[k] = graph.Neighbour{ProductID: s.products[n.Item].ID, Score: float64(n.Score)}
		}
		lists[i] = l
	}
	rep.Products = len(lists)
	m := newMeter(j.Progress, "neighbours: products", len(lists), j.now)
	const chunk = 1000
	for start := 0; start < len(lists); start += chunk {
		end := min(start+chunk, len(lists))
		if err := j.Graph.WriteSimilar(ctx, SimilaritySource, lists[start:end], at); err != nil {
			return fmt.Errorf("write similarity: %w", err)
		}
		for _, l := range lists[start:end] {
			rep.Edges += len(l.Neighbours)
		}
		m.update(end)
	}
	dropped, err := j.Graph.DropStaleSimilar(ctx, j.Scope, SimilaritySource, at)
	if err != nil {
		return fmt.Errorf("drop stale similarity: %w", err)
	}
	rep.Dropped = dropped
	fmt.Fprintf(j.Progress, "neighbours: %d edges, %d stale dropped\n", rep.Edges, dropped)
	return nil
}

// listSize is how many ranked items a stored list keeps: enough that
// request-time exclusions and caps still fill the largest page.
const listSize = 3 * MaxLimit / 2

// writeLists ranks every active shopper after the checkpoint's ListsAfter
// and stores their lists a batch at a time, saving the checkpoint after each
// batch. Ranking the next batch overlaps storing the previous one (its
// lists, its cards, the checkpoint): batches are stored in order, one at a
// time, so the checkpoint still names the last shopper of a stored batch.
func (j *Job) writeLists(ctx context.Context, s *snapshot, tr *learn.Trained, at, start time.Time, state *runState, rep *Report) error {
	active := s.active(at.Add(-j.ActiveWindow).Unix(), state.listsAfter(), rep)
	ttl := 2*j.Every + j.now().Sub(start)
	st := &listStore{j: j, ttl: ttl, warm: &cardWarmer{g: j.Graph, cache: j.Cache, ttl: ttl}, state: state, rep: rep,
		meter: newMeter(j.Progress, "lists: shoppers", len(active), j.now)}
	g, gctx := errgroup.WithContext(ctx)
	batches := make(chan rankedBatch, 1)
	g.Go(func() error {
		for b := range batches {
			if err := st.store(gctx, b); err != nil {
				return err
			}
		}
		return nil
	})
	g.Go(func() error {
		defer close(batches)
		return j.rankBatches(gctx, s, tr, at, active, batches)
	})
	return g.Wait()
}

// active are the shoppers who engaged since since (Unix seconds) and whose
// list is not stored yet (IDs above after); those whose list is are counted
// in rep.Skipped.
func (s *snapshot) active(since, after int64, rep *Report) []int {
	var active []int
	for u, last := range s.last {
		if last < since || last == 0 {
			continue
		}
		if s.users[u] <= after {
			rep.Skipped++
			continue
		}
		active = append(active, u)
	}
	return active
}

// rankedBatch is a batch of shoppers' encoded lists, ready to store.
type rankedBatch struct {
	lists  map[int64][]byte
	listed []int64 // the products the lists name, whose cards are warmed
	last   int64   // the batch's last shopper
	n      int
}

// rankBatches ranks the active shoppers a batch at a time and hands each
// batch on to be stored.
func (j *Job) rankBatches(ctx context.Context, s *snapshot, tr *learn.Trained, at time.Time, active []int, batches chan<- rankedBatch) error {
	for b := 0; b < len(active); b += j.Batch {
		if err := ctx.Err(); err != nil {
			return err
		}
		out, err := j.rankBatch(s, tr, at, active[b:min(b+j.Batch, len(active))])
		if err != nil {
			return err
		}
		select {
		case batches <- out:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

// rankBatch ranks users' lists; the workers that rank also explain and
// encode, in parallel.
func (j *Job) rankBatch(s *snapshot, tr *learn.Trained, at time.Time, users []int) (rankedBatch, error) {
	out := rankedBatch{lists: make(map[int64][]byte, len(users)), last: s.users[users[len(users)-1]], n: len(users)}
	var mu sync.Mutex
	var encErr error
	tr.Blend.RankAll(users, listSize, j.Workers, func(u int, items []learn.Item) {
		list := s.explain(u, items, tr)
		enc, err := encodeList(at, list)
		mu.Lock()
		defer mu.Unlock()
		if err != nil {
			encErr = fmt.Errorf("encode recommendations: %w", err)
			return
		}
		out.lists[s.users[u]] = enc
		out.listed = appendListed(out.listed, list)
	})
	return out, encErr
}

// listStore stores ranked batches, in order, for one run.
type listStore struct {
	j     *Job
	ttl   time.Duration
	warm  *cardWarmer
	state *runState
	rep   *Report
	meter *meter
}

// store writes a batch's lists, then its products' cards, then the
// checkpoint naming its last shopper, each retried while Redis is
// unavailable.
func (st *listStore) store(ctx context.Context, b rankedBatch) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	progress := st.j.Progress
	if err := retryUnavailable(ctx, progress, "lists", func() error {
		return st.j.Cache.putEncoded(ctx, b.lists, st.ttl)
	}); err != nil {
		return err
	}
	if err := retryUnavailable(ctx, progress, "cards", func() error {
		err := st.warm.warmIDs(ctx, b.listed)
		if err != nil {
			// The warmer counts a card as done before storing it:
			// forget the batch's, so the next attempt stores them.
			for _, id := range b.listed {
				delete(st.warm.done, id)
			}
		}
		return err
	}); err != nil {
		return err
	}
	st.rep.Lists += b.n
	if err := retryUnavailable(ctx, progress, "checkpoint", func() error {
		return st.state.update(ctx, func(cp *checkpoint) { cp.ListsAfter = b.last })
	}); err != nil {
		return err
	}
	st.meter.update(st.rep.Lists)
	if st.j.afterBatch != nil {
		st.j.afterBatch(st.rep.Lists)
	}
	return nil
}

// explain turns ranked items into stored entries with reasons, strongest
// source first.
func (s *snapshot) explain(u int, items []learn.Item, tr *learn.Trained) []Ranked {
	want := make(map[int32]int, len(items))
	for k, it := range items {
		want[it.Item] = k
	}
	// The liked item that contributes most to each candidate, from the kNN
	// neighbours of the shopper's likes.
	because := map[int32]int32{}
	best := map[int32]float32{}
	own, ws, _ := s.m.Row(u)
	for k, i := range own {
		if ws[k] < likeWeight {
			continue
		}
		for _, nb := range tr.KNN.Neighbours[i] {
			if _, ok := want[nb.Item]; ok && nb.Score > best[nb.Item] {
				best[nb.Item], because[nb.Item] = nb.Score, i
			}
		}
	}
	out := make([]Ranked, len(items))
	for k, it := range items {
		type part struct {
			w float32
			r stylegraph.Reason
		}
		var parts []part
		cf := it.Parts[0] + it.Parts[1]
		if cf > 0 {
			r := stylegraph.Reason{Kind: stylegraph.ReasonCollaborative, Text: "liked by shoppers with similar taste"}
			if i, ok := because[it.Item]; ok {
				r.Text = "because you liked " + s.products[i].Title
			}
			parts = append(parts, part{cf, r})
		}
		if it.Parts[2] > 0 {
			parts = append(parts, part{it.Parts[2], s.socialReason(u, it.Item)})
		}
		if it.Parts[3] > 0 {
			parts = append(parts, part{it.Parts[3], stylegraph.Reason{Kind: stylegraph.ReasonTrending, Text: "popular with shoppers"}})
		}
		sort.SliceStable(parts, func(a, b int) bool { return parts[a].w > parts[b].w })
		// Two reasons and a rounded score keep 150 items near 12 KB.
		parts = parts[:min(len(parts), 2)]
		r := Ranked{ProductID: s.products[it.Item].ID, Score: math.Round(it.Score*1e5) / 1e5, Reasons: make([]stylegraph.Reason, len(parts))}
		for n, p := range parts {
			r.Reasons[n] = p.r
		}
		out[k] = r
	}
	return out
}

// socialReason names up to three followed shoppers who liked item.
func (s *snapshot) socialReason(u int, item int32) stylegraph.Reason {
	a := stylegraph.SocialAction{Action: "liked"}
	for _, f := range s.follows[u] {
		items, ws, _ := s.m.Row(int(f))
		k := sort.Search(len(items), func(k int) bool { return items[k] >= item })
		if k < len(items) && items[k] == item && ws[k] >= likeWeight {
			a.Count++
			if len(a.Via) < 3 {
				a.Via = append(a.Via, stylegraph.User{ID: s.users[f], Name: s.names[f]})
			}
		}
	}
	return reasonFor(stylegraph.ReasonSocial, stylegraph.Candidate{Actions: []stylegraph.SocialAction{a}})
}

// learned maps the tuned offline blend onto the online sources: the online
// collaborative source (SIMILAR neighbours) stands in for the model and the
// kNN, trending for popularity.
func (j *Job) learned(r learn.Report) learnedBlend {
	w := map[string]float64{}
	for k, v := range j.Online {
		w[k] = v
	}
	p := r.Params.Weights
	w[stylegraph.ReasonCollaborative] = p[learn.SourceModel] + p[learn.SourceKNN]
	w[stylegraph.ReasonSocial] = p[learn.SourceSocial]
	w[stylegraph.ReasonTrending] = p[learn.SourcePopularity]
	lb := learnedBlend{Weights: w, At: time.Now().UTC(), // when it was tuned, not the data's clock
		TunedOn: fmt.Sprintf("validation: %.0f%% of each shopper's engagements held out (seed %d, %d shoppers scored), NDCG@10 %.4f; model %s",
			100*r.Share, j.Learn.Seed, r.Users, r.NDCG, r.Model)}
	if r.Params.HalfLife > 0 {
		lb.HalfLifeHours = r.Params.HalfLife.Hours()
	}
	return lb
}
