package receval

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stylegraph/stylegraph/internal/testenv"
	"github.com/stylegraph/stylegraph/learn"
)

func TestLoadFilmTrust(t *testing.T) {
	dir := filepath.Dir(testenv.Dataset(t, "filmtrust/ratings.txt"))
	ds, err := LoadFilmTrust(dir, 5)
	if err != nil {
		t.Fatal(err)
	}
	if ds.Name != "FilmTrust" || ds.LikeAt != 3 || len(ds.Folds) != 5 || len(ds.Follows) < 1800 || len(ds.Movies) < 2000 {
		t.Fatalf("filmtrust: %s, like at %v, %d folds, %d follows, %d films", ds.Name, ds.LikeAt, len(ds.Folds), len(ds.Follows), len(ds.Movies))
	}
	// Every rating is in exactly one test set.
	tested := map[[2]int]int{}
	for _, f := range ds.Folds {
		if len(f.Train)+len(f.Test) != 35_494 { // 35,497 lines, three pairs rated twice
			t.Fatalf("fold %s: %d + %d ratings", f.Name, len(f.Train), len(f.Test))
		}
		for _, r := range f.Test {
			tested[[2]int{r.User, r.Item}]++
		}
	}
	for k, n := range tested {
		if n != 1 {
			t.Fatalf("rating %v is in %d test sets", k, n)
		}
	}
}

// groups is a data set of two taste groups of users, each user missing
// one movie of their group from training.
func groups() (Dataset, []Rating) {
	ds := Dataset{Name: "groups", LikeAt: 4}
	for m := 1; m <= 12; m++ {
		ds.Movies = append(ds.Movies, Movie{ID: m, Title: "m"})
	}
	at := time.Date(1998, 1, 1, 0, 0, 0, 0, time.UTC)
	var train, test []Rating
	for u := 1; u <= 40; u++ {
		first := 1
		if u > 20 {
			first = 7
		}
		for m := first; m < first+6; m++ {
			r := Rating{User: u, Item: m, Score: 5, At: at.Add(time.Duration(u*m) * time.Minute)}
			if (m-first)%6 == u%6 {
				test = append(test, r)
			} else {
				train = append(train, r)
			}
		}
	}
	ds.Folds = []Fold{{Name: "g1", Train: train, Test: test}}
	return ds, test
}

func TestOfflineTunesOnTrainingDataOnly(t *testing.T) {
	ds, test := groups()
	cfg := OfflineConfig{K: 3, CosineK: []int{3, 5}, Learn: learn.Config{
		KNN:  []learn.KNNConfig{{K: 5}, {K: 5, Shrink: 2, IDF: true}},
		ALS:  []learn.ALSConfig{{Factors: 3, Reg: 0.1, Alpha: 5, Iterations: 4, Seed: 1}},
		EASE: []learn.EASEConfig{{Lambda: 2, Head: 20}, {Lambda: 20, Head: 20}},
		Seed: 1, Workers: 2,
	}}
	res, err := Offline(ds, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if got := res.Mean[Learned]; got.Users != 40 || got.HitRate < 0.9 {
		t.Fatalf("learned blend on two clean groups: %+v", got)
	}
	if !strings.Contains(res.Tuning[0], "tuned on validation") || !strings.Contains(res.Tuning[0], "Reported on g1 test ratings only") {
		t.Fatalf("tuning note: %s", res.Tuning[0])
	}
	// Another test split (every user's relevant movie moved to the other
	// group) changes what is reported but nothing that was tuned.
	moved := make([]Rating, len(test))
	for k, r := range test {
		r.Item = (r.Item+5)%12 + 1
		moved[k] = r
	}
	ds.Folds[0].Test = moved
	other, err := Offline(ds, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if other.Tuning[0] != res.Tuning[0] {
		t.Fatalf("tuning depends on the test split:\n%s\n%s", res.Tuning[0], other.Tuning[0])
	}
	if other.Mean[Learned].NDCG >= res.Mean[Learned].NDCG {
		t.Fatalf("the test split is not what is scored: NDCG %v with the real split, %v with the moved one", res.Mean[Learned].NDCG, other.Mean[Learned].NDCG)
	}
}
