package graph

import (
	"context"
	"strings"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/stylegraph/stylegraph"
)

// Collaborative recommends from live co-engagement: what shoppers with
// overlapping likes and purchases engaged with, recency-weighted and damped
// by popularity.
func (s *RecStore) Collaborative(ctx context.Context, userID int64, p stylegraph.RecParams) ([]stylegraph.Candidate, error) {
	p = p.WithDefaults()
	res, err := s.db.runNamed(ctx, "rec_collaborative", map[string]any{
		"userId": userID, "now": p.Now, "halfLife": p.HalfLife.Seconds(),
		"neighbours": p.Neighbours, "damping": p.Damping, "limit": p.Limit,
		"scan": p.Budget.Scan, "seeds": p.Budget.Seeds, "perSeed": p.Budget.PerSeed, "perNeighbour": p.Budget.PerNeighbour,
	})
	if err != nil {
		return nil, err
	}
	out := make([]stylegraph.Candidate, 0, len(res.Records))
	for _, r := range res.Records {
		out = append(out, stylegraph.Candidate{ProductID: recInt(r, "id"), Score: recFloat(r, "score"), Count: int(recInt(r, "n"))})
	}
	return out, nil
}

// ItemBased recommends from the precomputed SIMILAR edges of what the shopper
// liked or bought. It returns nothing when no fresh edges exist.
func (s *RecStore) ItemBased(ctx context.Context, userID int64, p stylegraph.RecParams) ([]stylegraph.Candidate, error) {
	p = p.WithDefaults()
	res, err := s.db.runNamed(ctx, "rec_item_based", map[string]any{
		"userId": userID, "now": p.Now, "halfLife": p.HalfLife.Seconds(),
		"freshSince": p.FreshSince.UTC(), "limit": p.Limit,
		"scan": p.Budget.Scan, "seeds": p.Budget.Seeds, "k": p.Budget.K,
	})
	if err != nil {
		return nil, err
	}
	out := make([]stylegraph.Candidate, 0, len(res.Records))
	for _, r := range res.Records {
		c := stylegraph.Candidate{ProductID: recInt(r, "id"), Score: recFloat(r, "score"), Count: int(recInt(r, "n"))}
		if m, ok := get(r, "because").(map[string]any); ok {
			c.Because = &stylegraph.ProductRef{ID: m["id"].(int64), Title: str(m["title"])}
		}
		out = append(out, c)
	}
	return out, nil
}

// TasteDelta is what changed in a shopper's taste since a time: the
// neighbours of what they engaged with since then, and every product among
// their most recent engagements (to leave out of a list ranked before).
type TasteDelta struct {
	Candidates []stylegraph.Candidate
	Engaged    []int64
}

// TasteSince reads, in one bounded query, the item neighbours of the
// shopper's likes, purchases and carts at or after since (the most recent
// Budget.Seeds, Budget.K neighbours each) and the products of their
// Budget.Scan most recent engagements. With since at the zero time every
// recent engagement is a seed: a cold shopper's personal candidates.
func (s *RecStore) TasteSince(ctx context.Context, userID int64, since time.Time, p stylegraph.RecParams) (TasteDelta, error) {
	p = p.WithDefaults()
	if since.IsZero() {
		since = time.Unix(0, 0)
	}
	res, err := s.db.runNamed(ctx, "rec_delta", map[string]any{
		"userId": userID, "now": p.Now, "since": since.UTC(), "halfLife": p.HalfLife.Seconds(),
		"freshSince": p.FreshSince.UTC(), "limit": p.Limit,
		"scan": p.Budget.Scan, "seeds": p.Budget.Seeds, "k": p.Budget.K,
	})
	if err != nil {
		return TasteDelta{}, err
	}
	if len(res.Records) == 0 {
		return TasteDelta{}, nil
	}
	return tasteDelta(res.Records[0]), nil
}

// tasteDelta reads the engaged products and neighbour candidates of a
// rec_delta or rec_cold row.
func tasteDelta(r *neo4j.Record) TasteDelta {
	var d TasteDelta
	ids, _ := get(r, "engaged").([]any)
	for _, v := range ids {
		if id, ok := v.(int64); ok {
			d.Engaged = append(d.Engaged, id)
		}
	}
	cs, _ := get(r, "candidates").([]any)
	for _, v := range cs {
		m, ok := v.(map[string]any)
		if !ok {
			continue
		}
		id, _ := m["id"].(int64)
		n, _ := m["n"].(int64)
		c := stylegraph.Candidate{ProductID: id, Score: num(m["score"]), Count: int(n)}
		if b, ok := m["because"].(map[string]any); ok {
			bid, _ := b["id"].(int64)
			c.Because = &stylegraph.ProductRef{ID: bid, Title: str(b["title"])}
		}
		d.Candidates = append(d.Candidates, c)
	}
	return d
}

// ColdStart is a shopper's personal candidates when they have no stored
// list: the item neighbours of their engagements, what people they follow
// liked or bought, and every product among their most recent engagements
// (to leave out).
type ColdStart struct {
	TasteDelta
	Social []stylegraph.Candidate
}

// ColdStart reads, in one bounded query (cypher/rec_cold.cypher), the item
// neighbours of the shopper's Budget.Seeds most recent likes, purchases and
// carts and the recent likes and purchases of up to Budget.Followees
// followed users (Budget.PerFollowee each, Budget.Total in all, within
// p.Window).
func (s *RecStore) ColdStart(ctx context.Context, userID int64, p stylegraph.RecParams) (ColdStart, error) {
	p = p.WithDefaults()
	res, err := s.db.runNamed(ctx, "rec_cold", map[string]any{
		"userId": userID, "now": p.Now, "since": p.Now.Add(-p.Window), "halfLife": p.HalfLife.Seconds(),
		"freshSince": p.FreshSince.UTC(), "limit": p.Limit, "actionWeights": socialActionWeights,
		"scan": p.Budget.Scan, "seeds": p.Budget.Seeds, "k": p.Budget.K,
		"followees": p.Budget.Followees, "scanPer": p.Budget.ScanPer, "perFollowee": p.Budget.PerFollowee, "total": p.Budget.Total,
	})
	if err != nil || len(res.Records) == 0 {
		return ColdStart{}, err
	}
	r := res.Records[0]
	cs := ColdStart{TasteDelta: tasteDelta(r)}
	social, _ := get(r, "social").([]any)
	for _, v := range social {
		m, ok := v.(map[string]any)
		if !ok {
			continue
		}
		id, _ := m["id"].(int64)
		acts, _ := m["actions"].([]any)
		cs.Social = append(cs.Social, stylegraph.Candidate{ProductID: id, Score: num(m["score"]), Actions: socialActions(acts)})
	}
	return cs, nil
}

// socialActionWeights weigh what a followee did: a purchase says most, a
// followed brand's new product least.
var socialActionWeights = map[string]any{"liked": 1.0, "bought": 2.0, "posted": 1.5, "new": 0.5}

// Social recommends what followed users recently liked, bought or posted and
// what followed brands recently released.
func (s *RecStore) Social(ctx context.Context, userID int64, p stylegraph.RecParams) ([]stylegraph.Candidate, error) {
	p = p.WithDefaults()
	res, err := s.db.runNamed(ctx, "rec_social", map[string]any{
		"userId": userID, "now": p.Now, "since": p.Now.Add(-p.Window), "halfLife": p.HalfLife.Seconds(), "limit": p.Limit,
		"actionWeights": socialActionWeights,
		"scan":          p.Budget.Scan, "followees": p.Budget.Followees, "brands": p.Budget.Brands, "scanPer": p.Budget.ScanPer,
		"perFollowee": p.Budget.PerFollowee, "total": p.Budget.Total,
	})
	if err != nil {
		return nil, err
	}
	out := make([]stylegraph.Candidate, 0, len(res.Records))
	for _, r := range res.Records {
		acts, _ := get(r, "actions").([]any)
		out = append(out, stylegraph.Candidate{ProductID: recInt(r, "id"), Score: recFloat(r, "score"), Actions: socialActions(acts)})
	}
	return out, nil
}

// socialActions reads the actions of a social candidate.
func socialActions(acts []any) []stylegraph.SocialAction {
	var out []stylegraph.SocialAction
	for _, a := range acts {
		m, ok := a.(map[string]any)
		if !ok {
			continue
		}
		n, _ := m["n"].(int64)
		sa := stylegraph.SocialAction{Action: str(m["action"]), Count: int(n), Brand: str(m["brand"])}
		via, _ := m["via"].([]any)
		for _, v := range via {
			u, ok := v.(map[string]any)
			if !ok {
				continue
			}
			id, _ := u["id"].(int64)
			sa.Via = append(sa.Via, stylegraph.User{ID: id, Name: str(u["name"]), ImageURL: str(u["imageURL"]), Home: str(u["home"])})
		}
		out = append(out, sa)
	}
	return out
}

// Interest recommends the top products (RefreshTopProducts) of the shopper's
// strongest decayed INTERESTED_IN weights.
func (s *RecStore) Interest(ctx context.Context, userID int64, p stylegraph.RecParams) ([]stylegraph.Candidate, error) {
	p = p.WithDefaults()
	// Interests fade at the rate the graph writer decays them.
	res, err := s.db.runNamed(ctx, "rec_interest", map[string]any{
		"userId": userID, "now": p.Now, "halfLife": stylegraph.InterestHalfLife.Seconds(), "topInterests": p.TopInterests, "limit": p.Limit,
		"scan": p.Budget.Scan, "perInterest": p.Budget.PerInterest,
	})
	if err != nil {
		return nil, err
	}
	out := make([]stylegraph.Candidate, 0, len(res.Records))
	for _, r := range res.Records {
		c := stylegraph.Candidate{ProductID: recInt(r, "id"), Score: recFloat(r, "score")}
		ms, _ := get(r, "matched").([]any)
		for _, m := range ms {
			mm := m.(map[string]any)
			c.Matched = append(c.Matched, stylegraph.InterestMatch{Kind: str(mm["kind"]), Name: str(mm["name"])})
		}
		out = append(out, c)
	}
	return out, nil
}

// TopScope names the tags, brands and categories whose top products to
// refresh; the zero value means all of them.
type TopScope struct {
	Tags       []string
	Brands     []int64
	Categories []string // paths
}

// TopProducts is how many products RefreshTopProducts keeps per interest.
const TopProducts = 100

// RefreshTopProducts recomputes the most engaged in-stock products of every
// tag, brand and category in scope, which the interest recommender reads.
// It returns how many lists it wrote.
func (s *RecStore) RefreshTopProducts(ctx context.Context, scope TopScope, now time.Time) (int, error) {
	all := scope.Tags == nil && scope.Brands == nil && scope.Categories == nil
	res, err := s.db.runNamed(ctx, "refresh_top_products", map[string]any{
		"all": all, "tags": nonNil(scope.Tags), "brands": append([]int64{}, scope.Brands...), "categories": nonNil(scope.Categories),
		"n": TopProducts, "now": now.UTC(),
	})
	if err != nil {
		return 0, err
	}
	if len(res.Records) == 0 {
		return 0, nil
	}
	return int(recInt(res.Records[0], "n")), nil
}

// CategoryTop returns the precomputed top products of the category at path
// and whether the category exists.
func (s *RecStore) CategoryTop(ctx context.Context, path string) ([]stylegraph.Candidate, bool, error) {
	res, err := s.db.runNamed(ctx, "category_top", map[string]any{"path": path})
	if err != nil {
		return nil, false, err
	}
	if len(res.Records) == 0 || get(res.Records[0], "found") != true {
		return nil, false, nil
	}
	ids, _ := get(res.Records[0], "top").([]any)
	scores, _ := get(res.Records[0], "scores").([]any)
	out := make([]stylegraph.Candidate, 0, len(ids))
	for i, id := range ids {
		c := stylegraph.Candidate{ProductID: id.(int64), Category: path}
		if i < len(scores) {
			c.Score = num(scores[i])
		}
		out = append(out, c)
	}
	return out, true, nil
}

// similarScan is how many products Similar reads per shared brand, category
// or tag.
const similarScan = 200

// Similar returns products like productID by shared brand, category and tags,
// co-engagement and precomputed SIMILAR edges. An unknown product has none.
func (s *RecStore) Similar(ctx context.Context, productID int64, limit int) ([]stylegraph.Candidate, error) {
	if limit <= 0 {
		limit = 50
	}
	b := stylegraph.DefaultRecBudget
	res, err := s.db.runNamed(ctx, "rec_similar", map[string]any{"id": productID, "limit": limit,
		"scan": similarScan, "perSeed": b.PerSeed, "perNeighbour": b.PerNeighbour, "k": b.K})
	if err != nil {
		return nil, err
	}
	out := make([]stylegraph.Candidate, 0, len(res.Records))
	for _, r := range res.Records {
		out = append(out, stylegraph.Candidate{ProductID: recInt(r, "id"), Score: recFloat(r, "score"), Similar: &stylegraph.SimilarEvidence{
			SameBrand: get(r, "sameBrand") == true, SameCategory: get(r, "sameCategory") == true,
			Tags: strs(get(r, "tags")), Together: int(recInt(r, "together")),
		}})
	}
	return out, nil
}

// Trending reads at most trendingScan recent edges per engagement kind
// overall, or trendingPerProduct per kind of up to trendingProducts products
// in a category: a fixed budget however busy the window was.
const (
	trendingScan       = 20_000
	trendingProducts   = 5_000
	trendingPerProduct = 50
)

// TrendingProducts returns products by time-decayed engagement within the
// window, overall or within category (a category path, subcategories
// included).
func (s *RecStore) TrendingProducts(ctx context.Context, category string, p stylegraph.RecParams) ([]stylegraph.Candidate, error) {
	p = p.WithDefaults()
	params := trendScore(p.Now.Add(-p.Window), p.Now, p.HalfLife)
	params["limit"], params["scan"], params["products"], params["perProduct"] = p.Limit, trendingScan, trendingProducts, trendingPerProduct
	name := "rec_trending"
	if category != "" {
		name, params["category"] = "rec_trending_category", category
	}
	res, err := s.db.runNamed(ctx, name, params)
	if err != nil {
		return nil, err
	}
	out := make([]stylegraph.Candidate, 0, len(res.Records))
	for _, r := range res.Records {
		out = append(out, stylegraph.Candidate{ProductID: recInt(r, "id"), Score: recFloat(r, "score"), Count: int(recInt(r, "n")), Category: str(get(r, "category"))})
	}
	return out, nil
}

// Card is a recommended product with what the online filter needs.
type Card struct {
	Product   stylegraph.Product
	InStock   bool
	Purchased bool // by the shopper asked about
	Hidden    bool // by the shopper asked about
}

// Cards returns the products among ids that exist, keyed by ID, with stock
// and whether userID (0: nobody) bought or hid each.
func (s *RecStore) Cards(ctx context.Context, userID int64, ids []int64) (map[int64]Card, error) {
	var uid any
	if userID != 0 {
		uid = userID
	}
	res, err := s.db.runNamed(ctx, "rec_products", map[string]any{"userId": uid, "ids": ids})
	if err != nil {
		return nil, err
	}
	out := make(map[int64]Card, len(res.Records))
	for _, r := range res.Records {
		n := get(r, "p").(neo4j.Node)
		p := stylegraph.Product{
			ID: n.Props["id"].(int64), Title: str(n.Props["title"]), Price: num(n.Props["price"]),
			Currency: str(n.Props["currency"]), Images: strs(n.Props["images"]), Brand: str(get(r, "brand")),
			BrandID: recInt(r, "brandId"), Color: str(n.Props["color"]), Gender: str(n.Props["gender"]),
		}
		if c := str(get(r, "category")); c != "" {
			p.CategoryPath = splitPath(c)
		}
		if t, ok := n.Props["createdAt"].(time.Time); ok {
			p.CreatedAt = t.UTC()
		}
		p.Stock = stockOf(n)
		out[p.ID] = Card{Product: p, InStock: get(r, "inStock") == true, Purchased: get(r, "purchased") == true, Hidden: get(r, "hidden") == true}
	}
	return out, nil
}

// Hide keeps productID out of userID's recommendations. ENOTFOUND if the
// product does not exist.
func (s *RecStore) Hide(ctx context.Context, userID, productID int64, at time.Time) error {
	res, err := s.db.runNamed(ctx, "hide_product", map[string]any{"userId": userID, "productId": productID, "at": at.UTC()})
	if err != nil {
		return err
	}
	if len(res.Records) == 0 {
		return stylegraph.Errorf(stylegraph.ENOTFOUND, "product %d not found", productID)
	}
	return nil
}

// Unhide undoes Hide; unhiding what is not hidden is a no-op.
func (s *RecStore) Unhide(ctx context.Context, userID, productID int64) error {
	_, err := s.db.runNamed(ctx, "unhide_product", map[string]any{"userId": userID, "productId": productID})
	return err
}

// Stock is one product's availability.
type Stock struct {
	ProductID int64
	InStock   bool
}

// SetStock records which products are in stock.
func (s *RecStore) SetStock(ctx context.Context, stock []Stock) error {
	rows := make([]map[string]any, len(stock))
	for i, st := range stock {
		rows[i] = map[string]any{"id": st.ProductID, "inStock": st.InStock}
	}
	return s.db.batched(ctx, "set_stock", rows)
}

func get(r *neo4j.Record, key string) any { v, _ := r.Get(key); return v }

func recInt(r *neo4j.Record, key string) int64 { n, _ := get(r, key).(int64); return n }

func recFloat(r *neo4j.Record, key string) float64 { return num(get(r, key)) }

func splitPath(path string) []string { return strings.Split(path, " > ") }
