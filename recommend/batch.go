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
		if saved, ok, err := j.Cache.checkpoint(ctx, j.Scope); err != nil {
			return rep, err
		} else if ok && start.Sub(time.Unix(saved.At, 0)) < j.Every {
			cp, rep.Resumed = saved, true
			fmt.Fprintf(j.Progress, "recompute: resuming the run of %s (neighbours written: %v, lists stored up to shopper %d)\n",
				time.Unix(cp.At, 0).UTC().Format(time.RFC3339), cp.SimilarDone, cp.ListsAfter)
		}
	}
	at := time.Unix(cp.At, 0).UTC()
	clock := newStepClock(j.Progress, j.now)
	snap, err := j.read(ctx, &rep)
	if err != nil {
		return rep, err
	}
	clock.done("read")
	t0 := j.now()
	tr, err := learn.Train(learn.Data{M: snap.m, Follows: snap.follows, Now: at.Unix(), LikeWeight: likeWeight}, j.Learn)
	if err != nil {
		return rep, fmt.Errorf("train: %w", err)
	}
	tr.Blend.Exclude = snap.hidden
	rep.Tuning, rep.Train = tr.Report, j.now().Sub(t0)
	fmt.Fprintf(j.Progress, "train: %s in %s\n", tr.Report.Model, rep.Train.Round(time.Millisecond))
	clock.done("train")

	if !cp.SimilarDone {
		if err := j.writeNeighbours(ctx, snap, tr.KNN, at, &rep); err != nil {
			return rep, err
		}
		cp.SimilarDone = true
		if j.Cache != nil {
			if err := j.Cache.saveCheckpoint(ctx, j.Scope, cp, 2*j.Every); err != nil {
				return rep, err
			}
		}
		clock.done("neighbours")
	}
	if j.Scope == (graph.Scope{}) {
		// The interest recommender's top products per tag, brand and
		// category (whole graph only: a scoped run leaves them alone).
		n, err := j.Graph.RefreshTopProducts(ctx, graph.TopScope{}, at)
		if err != nil {
			return rep, fmt.Errorf("refresh top products: %w", err)
		}
		fmt.Fprintf(j.Progress, "top products: %d tag, brand and category lists\n", n)
		clock.done("top products")
	}
	if j.Cache != nil {
		if err := j.writeLists(ctx, snap, tr, at, start, &cp, &rep); err != nil {
			return rep, err
		}
		clock.done("lists")
		if err := j.Cache.putLearned(ctx, j.learned(tr.Report)); err != nil {
			return rep, err
		}
		if err := j.Cache.clearCheckpoint(ctx, j.Scope); err != nil {
			return rep, err
		}
	}
	rep.Took = j.now().Sub(start)
	return rep, nil
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
	const page = 5000
	var after int64
	for {
		ps, err := j.Graph.BatchProducts(ctx, j.Scope, after, page)
		if err != nil {
			return nil, fmt.Errorf("read products: %w", err)
		}
		if len(ps) == 0 {
			break
		}
		for _, p := range ps {
			s.item[p.ID] = int32(len(s.products))
			s.products = append(s.products, p)
		}
		after = ps[len(ps)-1].ID
	}
	fmt.Fprintf(j.Progress, "read: %d products\n", len(s.products))
	total, err := j.Graph.CountUsers(ctx, j.Scope)
	if err != nil {
		return nil, fmt.Errorf("count users: %w", err)
	}
	m := newMeter(j.Progress, "read: shoppers", total, j.now)
	var xs []learn.Interaction
	var followIDs [][]int64
	userIdx := map[int64]int32{}
	after = 0
	for {
		us, err := j.Graph.BatchUsers(ctx, j.Scope, after, 1000)
		if err != nil {
			return nil, fmt.Errorf("read users: %w", err)
		}
		if len(us) == 0 {
			break
		}
		for _, u := range us {
			ui := int32(len(s.users))
			userIdx[u.ID] = ui
			s.users = append(s.users, u.ID)
			s.names = append(s.names, u.Name)
			followIDs = append(followIDs, u.Follows)
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
		}
		after = us[len(us)-1].ID
		m.update(len(s.users))
	}
	s.m = learn.NewMatrix(len(s.users), len(s.products), xs)
	s.follows = make([][]int32, len(s.users))
	for u, fs := range followIDs {
		for _, f := range fs {
			if fi, ok := userIdx[f]; ok {
				s.follows[u] = append(s.follows[u], fi)
			}
		}
	}
	rep.Users, rep.Products, rep.Interactions = len(s.users), len(s.products), s.m.NNZ()
	rep.Read = j.now().Sub(start)
	fmt.Fprintf(j.Progress, "read: %d shoppers, %d products, %d engagements in %s\n", rep.Users, rep.Products, rep.Interactions, rep.Read.Round(time.Millisecond))
	return s, nil
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

// writeLists ranks every active shopper after cp.ListsAfter and stores
// their lists a batch at a time, saving the checkpoint after each batch.
func (j *Job) writeLists(ctx context.Context, s *snapshot, tr *learn.Trained, at, start time.Time, cp *checkpoint, rep *Report) error {
	since := at.Add(-j.ActiveWindow).Unix()
	var active []int
	for u, last := range s.last {
		if last < since || last == 0 {
			continue
		}
		if s.users[u] <= cp.ListsAfter {
			rep.Skipped++
			continue
		}
		active = append(active, u)
	}
	ttl := 2*j.Every + j.now().Sub(start)
	warm := &cardWarmer{g: j.Graph, cache: j.Cache, ttl: ttl}
	m := newMeter(j.Progress, "lists: shoppers", len(active), j.now)
	batch := j.Batch
	for b := 0; b < len(active); b += batch {
		if err := ctx.Err(); err != nil {
			return err
		}
		users := active[b:min(b+batch, len(active))]
		// The workers that rank also explain and encode, in parallel.
		out := make(map[int64][]byte, len(users))
		var listed []int64
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
			out[s.users[u]] = enc
			listed = appendListed(listed, list)
		})
		if encErr != nil {
			return encErr
		}
		if err := j.Cache.putEncoded(ctx, out, ttl); err != nil {
			return err
		}
		if err := warm.warmIDs(ctx, listed); err != nil {
			return err
		}
		rep.Lists += len(users)
		cp.ListsAfter = s.users[users[len(users)-1]]
		if err := j.Cache.saveCheckpoint(ctx, j.Scope, *cp, 2*j.Every); err != nil {
			return err
		}
		m.update(b + len(users))
		if j.afterBatch != nil {
			j.afterBatch(rep.Lists)
		}
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
