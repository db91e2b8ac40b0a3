package receval

import (
	"context"
	"fmt"
	"math"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/internal/testenv"
	"github.com/stylegraph/stylegraph/recommend"
)

func TestLoadMovieLens(t *testing.T) {
	dir := filepath.Dir(testenv.Dataset(t, "movielens-100k/u.item"))
	ds, err := Load(dir, []string{"u1"})
	if err != nil {
		t.Fatal(err)
	}
	if len(ds.Movies) != 1682 || len(ds.Folds) != 1 || len(ds.Folds[0].Train) != 80_000 || len(ds.Folds[0].Test) != 20_000 {
		t.Fatalf("counts: %d movies, %d folds", len(ds.Movies), len(ds.Folds))
	}
	// u.item is Latin-1.
	if m := ds.Movies[542]; m.ID != 543 || m.Title != "Misérables, Les (1995)" {
		t.Fatalf("movie 543 = %+v", m)
	}
	if diff := cmp.Diff([]string{"animation", "children's", "comedy"}, ds.Movies[0].Genres); diff != "" {
		t.Fatalf("Toy Story genres (-want +got):\n%s", diff)
	}
	want := Rating{User: 1, Item: 1, Score: 5, At: time.Unix(874965758, 0).UTC()}
	if diff := cmp.Diff(want, ds.Folds[0].Train[0]); diff != "" {
		t.Fatalf("first training rating (-want +got):\n%s", diff)
	}
}

func TestMetrics(t *testing.T) {
	s := newScorer(3)
	// Hits at ranks 1 and 3 of 2 relevant items; then a miss.
	s.add([]int64{1, 2, 3, 4}, map[int64]bool{1: true, 3: true})
	s.add([]int64{5, 6, 7}, map[int64]bool{9: true})
	s.add([]int64{5}, nil) // users without relevant items are not scored
	got := s.result(10)
	ndcg1 := (1 + 1/math.Log2(4)) / (1 + 1/math.Log2(3))
	want := Metrics{Precision: (2.0 / 3) / 2, Recall: 1.0 / 2, NDCG: ndcg1 / 2, HitRate: 0.5, Coverage: 0.6, Users: 2}
	if diff := cmp.Diff(want, got, cmpopts.EquateApprox(0, 1e-12)); diff != "" {
		t.Fatalf("metrics (-want +got):\n%s", diff)
	}
}

// TestRunOnATinySplit runs the whole pipeline on a hand-made split in the
// test's own ID range: two taste groups, so collaborative must find each
// user's group while popularity cannot.
func TestRunOnATinySplit(t *testing.T) {
	g := testenv.Graph(t)
	base := testenv.IDBase(t)
	name := fmt.Sprint("ML-test-", base)
	movies := []Movie{}
	for m := 1; m <= 8; m++ {
		genre := "drama"
		if m > 4 {
			genre = "comedy"
		}
		movies = append(movies, Movie{ID: m, Title: fmt.Sprint("Movie ", m), Genres: []string{genre}})
	}
	at := time.Date(1998, 3, 1, 0, 0, 0, 0, time.UTC)
	var train, test []Rating
	// Users 1-3 like dramas 1-4, users 4-6 comedies 5-8; each holds one
	// back for the test. Movie 8 is the most rated overall.
	for u := 1; u <= 6; u++ {
		group := []int{1, 2, 3, 4}
		if u > 3 {
			group = []int{5, 6, 7, 8}
		}
		held := group[u%3]
		for _, m := range group {
			r := Rating{User: u, Item: m, Score: 5, At: at.Add(time.Duration(u*10+m) * time.Minute)}
			if m == held {
				test = append(test, r)
			} else {
				train = append(train, r)
			}
		}
	}
	for u := 1; u <= 3; u++ {
		train = append(train, Rating{User: u, Item: 8, Score: 2, At: at})
	}
	ds := Dataset{Movies: movies, Folds: []Fold{{Name: "t1", Train: train, Test: test}}}
	var progress strings.Builder
	res, err := Run(context.Background(), g, ds, Config{
		Base: base, Name: name, K: 2, TopK: 5, Progress: &progress,
		Blend: recommend.Config{RecBlend: stylegraph.RecBlend{Weights: map[string]float64{"collaborative": 1}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		hr   float64
	}{
		{ItemBased, 1},
		{Collaborative, 1},
		{Blend, 1},
		{Interest, 1},
	} {
		if got := res.Mean[tc.name]; got.Users != 6 || got.HitRate != tc.hr {
			t.Errorf("%s: %+v, want hit rate %v over 6 users", tc.name, got, tc.hr)
		}
	}
	if pop := res.Mean[Popularity]; pop.HitRate >= 1 {
		t.Errorf("popularity hit every user: %+v", pop)
	}
	if _, ok := res.Mean[Social]; ok {
		t.Error("social reported without a follow graph")
	}
	if !strings.Contains(progress.String(), "t1: 6/6 users ranked") {
		t.Errorf("progress:\n%s", progress.String())
	}
	var out strings.Builder
	res.Write(&out, 2)
	if !strings.Contains(out.String(), "n/a: MovieLens-100K has no follow graph") || !strings.Contains(out.String(), ItemBased) {
		t.Errorf("table:\n%s", out.String())
	}
}
