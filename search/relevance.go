package search

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math"
	"net/http"
	"strconv"
	"strings"

	"github.com/stylegraph/stylegraph"
)

// Judgement is one evaluation query with the catalog attributes it means.
// Empty attributes are not part of the intent.
type Judgement struct {
	Query       string
	Kind        string // what the query tests: plain, synonym, korean, typo, brand
	ArticleType string
	Gender      string
	Colour      string
	Season      string
	Usage       string
	Brand       string
}

// ParseJudgements reads a judged query file: tab-separated
// query, kind, articleType, then optional key=value attributes (gender,
// colour, season, usage, brand). Blank lines and # comments are skipped.
func ParseJudgements(r io.Reader) ([]Judgement, error) {
	var out []Judgement
	sc := bufio.NewScanner(r)
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		cols := strings.Split(text, "\t")
		if len(cols) < 3 || strings.TrimSpace(cols[0]) == "" || strings.TrimSpace(cols[2]) == "" {
			return nil, fmt.Errorf("judgements line %d: want query<TAB>kind<TAB>articleType[<TAB>key=value…]", line)
		}
		j := Judgement{Query: strings.TrimSpace(cols[0]), Kind: strings.TrimSpace(cols[1]), ArticleType: strings.TrimSpace(cols[2])}
		for _, kv := range cols[3:] {
			k, v, ok := strings.Cut(strings.TrimSpace(kv), "=")
			if !ok || v == "" {
				return nil, fmt.Errorf("judgements line %d: attribute %q is not key=value", line, kv)
			}
			switch k {
			case "gender":
				j.Gender = v
			case "colour":
				j.Colour = v
			case "season":
				j.Season = v
			case "usage":
				j.Usage = v
			case "brand":
				j.Brand = v
			default:
				return nil, fmt.Errorf("judgements line %d: unknown attribute %q", line, k)
			}
		}
		out = append(out, j)
	}
	return out, sc.Err()
}

// Grade is 2 when a product has every attribute the query means, 1 when
// only its article type matches, else 0.
func (j Judgement) Grade(p stylegraph.Product) int {
	leaf := ""
	if n := len(p.CategoryPath); n > 0 {
		leaf = p.CategoryPath[n-1]
	}
	if !strings.EqualFold(leaf, j.ArticleType) {
		return 0
	}
	for _, c := range [][2]string{{j.Gender, p.Gender}, {j.Colour, p.Color}, {j.Season, p.Season}, {j.Usage, p.Usage}, {j.Brand, p.Brand}} {
		if c[0] != "" && !strings.EqualFold(c[0], c[1]) {
			return 1
		}
	}
	return 2
}

// NDCG is the normalised discounted cumulative gain of grades (in rank
// order) at k, against the ideal ordering of all graded products, given as
// counts per grade (ideal[g] products have grade g).
func NDCG(grades []int, ideal map[int]int, k int) float64 {
	dcg := func(gs []int) float64 {
		var s float64
		for i, g := range gs {
			if i == k {
				break
			}
			s += (math.Pow(2, float64(g)) - 1) / math.Log2(float64(i)+2)
		}
		return s
	}
	var best []int
	for g := 2; g >= 1 && len(best) < k; g-- {
		for n := 0; n < ideal[g] && len(best) < k; n++ {
			best = append(best, g)
		}
	}
	idcg := dcg(best)
	if idcg == 0 {
		return 0
	}
	return dcg(grades) / idcg
}

// AveragePrecision at k counts grade-2 products as relevant; it is
// normalised by the number of relevant products that fit in k.
func AveragePrecision(grades []int, relevant, k int) float64 {
	if relevant == 0 {
		return 0
	}
	var hits, sum float64
	for i, g := range grades {
		if i == k {
			break
		}
		if g == 2 {
			hits++
			sum += hits / float64(i+1)
		}
	}
	return sum / float64(min(relevant, k))
}

// Rank returns the IDs of the top k products for q with the engine's
// relevance ranking and nothing personal.
func (e *Engine) Rank(ctx context.Context, q string, k int) ([]int64, error) {
	p := plan{req: stylegraph.SearchRequest{Query: q, Sort: stylegraph.SortRelevance, Limit: k}, bare: true}
	return e.c.rankIDs(ctx, p.body(), k)
}

// BaselineRank ranks with plain BM25 on one field (the title, standard
// analyser): the floor the evaluation reports next to Rank and the stock
// baseline (StockRank).
func (c *Client) BaselineRank(ctx context.Context, q string, k int) ([]int64, error) {
	return c.rankIDs(ctx, BaselineBody(q, k), k)
}

// BaselineBody is the single-field BM25 query the baseline sends.
func BaselineBody(q string, k int) map[string]any {
	return map[string]any{"size": k, "_source": false, "query": map[string]any{"match": map[string]any{"title.plain": q}}}
}

func (c *Client) rankIDs(ctx context.Context, body map[string]any, k int) ([]int64, error) {
	return c.rankIDsIn(ctx, c.Alias("products"), body, k)
}

func (c *Client) rankIDsIn(ctx context.Context, index string, body map[string]any, k int) ([]int64, error) {
	body["_source"] = false
	var r struct {
		Hits struct {
			Hits []struct {
				ID string `json:"_id"`
			} `json:"hits"`
		} `json:"hits"`
	}
	if err := c.Do(ctx, http.MethodPost, "/"+index+"/_search", body, &r); err != nil {
		return nil, fmt.Errorf("rank: %w", err)
	}
	out := make([]int64, 0, k)
	for _, h := range r.Hits.Hits {
		if len(out) == k {
			break
		}
		id, err := strconv.ParseInt(h.ID, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("rank: document id %q: %w", h.ID, err)
		}
		out = append(out, id)
	}
	return out, nil
}

// Scores are one system's mean metrics over a set of queries.
type Scores struct {
	NDCG, MAP float64
	Queries   int
}

// EvalReport compares our ranking with the stock baseline (StockRank, the
// headline) and the title-only BM25 floor (BaselineRank), overall and per
// kind of query.
type EvalReport struct {
	K        int
	Ours     Scores
	Stock    Scores
	Baseline Scores               // the title-only floor
	ByKind   map[string][3]Scores // kind → {ours, stock, floor}
	// PerQuery holds nDCG per query (ours, stock, floor) in input order.
	PerQuery [][3]float64
}

// Evaluate runs every judged query through the engine, the stock baseline
// and the title floor over indices holding catalog (the stock one filled by
// IndexStock), grading the top k by the catalog's own labels.
func (e *Engine) Evaluate(ctx context.Context, catalog []stylegraph.Product, js []Judgement, k int) (EvalReport, error) {
	byID := make(map[int64]stylegraph.Product, len(catalog))
	for _, p := range catalog {
		byID[p.ID] = p
	}
	rep := EvalReport{K: k, ByKind: map[string][3]Scores{}}
	for _, j := range js {
		ideal := map[int]int{}
		for _, p := range catalog {
			ideal[j.Grade(p)]++
		}
		ranked, err := e.rankThree(ctx, j.Query, k)
		if err != nil {
			return rep, err
		}
		var ndcg, ap [3]float64
		for i, ids := range ranked {
			gs := make([]int, len(ids))
			for n, id := range ids {
				gs[n] = j.Grade(byID[id])
			}
			ndcg[i], ap[i] = NDCG(gs, ideal, k), AveragePrecision(gs, ideal[2], k)
		}
		rep.record(j.Kind, ndcg, ap)
	}
	rep.average()
	return rep, nil
}

// rankThree ranks query's top k by the engine, the stock baseline and the
// title floor, in that order.
func (e *Engine) rankThree(ctx context.Context, query string, k int) ([3][]int64, error) {
	ours, err := e.Rank(ctx, query, k)
	if err != nil {
		return [3][]int64{}, fmt.Errorf("query %q: %w", query, err)
	}
	stock, err := e.c.StockRank(ctx, query, k)
	if err != nil {
		return [3][]int64{}, fmt.Errorf("stock baseline %q: %w", query, err)
	}
	base, err := e.c.BaselineRank(ctx, query, k)
	if err != nil {
		return [3][]int64{}, fmt.Errorf("baseline %q: %w", query, err)
	}
	return [3][]int64{ours, stock, base}, nil
}

// record adds one query's nDCG and AP (ours, stock, floor) to the sums
// overall and of its kind.
func (rep *EvalReport) record(kind string, ndcg, ap [3]float64) {
	add := func(s *Scores, ndcg, ap float64) { s.NDCG += ndcg; s.MAP += ap; s.Queries++ }
	add(&rep.Ours, ndcg[0], ap[0])
	add(&rep.Stock, ndcg[1], ap[1])
	add(&rep.Baseline, ndcg[2], ap[2])
	byKind := rep.ByKind[kind]
	for i := range byKind {
		add(&byKind[i], ndcg[i], ap[i])
	}
	rep.ByKind[kind] = byKind
	rep.PerQuery = append(rep.PerQuery, ndcg)
}

// average turns the sums into means over the queries.
func (rep *EvalReport) average() {
	mean := func(s *Scores) {
		if s.Queries > 0 {
			s.NDCG /= float64(s.Queries)
			s.MAP /= float64(s.Queries)
		}
	}
	mean(&rep.Ours)
	mean(&rep.Stock)
	mean(&rep.Baseline)
	for kind, s := range rep.ByKind {
		mean(&s[0])
		mean(&s[1])
		mean(&s[2])
		rep.ByKind[kind] = s
	}
}
