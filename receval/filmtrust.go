package receval

import (
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"strconv"
)

// FilmTrustLikeAt is the rating (0.5–4) from which a FilmTrust rating is a
// like.
const FilmTrustLikeAt = 3

// LoadFilmTrust reads ratings.txt and trust.txt from dir (trustor follows
// trustee; rating >= 3 is a like) and splits the ratings into folds: every
// rating is assigned to one of folds test sets at random (seed fixed), the
// rest of a fold's ratings are its training set. FilmTrust has no rating
// times.
func LoadFilmTrust(dir string, folds int) (Dataset, error) {
	ds := Dataset{Name: "FilmTrust", LikeAt: FilmTrustLikeAt}
	if folds < 2 {
		return ds, fmt.Errorf("filmtrust: need at least 2 folds, got %d", folds)
	}
	rows, err := readColumns(filepath.Join(dir, "ratings.txt"))
	if err != nil {
		return ds, err
	}
	items := map[int]bool{}
	var all []Rating
	// Three (user, film) pairs are rated twice; the later line wins, so a
	// rating is never both trained on and tested.
	at := map[[2]int]int{}
	for _, r := range rows {
		u, i := int(r[0]), int(r[1])
		if u < 1 || i < 1 || r[2] <= 0 || r[2] > 4 || r[0] != float64(u) || r[1] != float64(i) {
			return ds, fmt.Errorf("filmtrust ratings: bad row %v", r)
		}
		if k, ok := at[[2]int{u, i}]; ok {
			all[k].Score = r[2]
			continue
		}
		at[[2]int{u, i}] = len(all)
		all = append(all, Rating{User: u, Item: i, Score: r[2]})
		items[i] = true
	}
	trust, err := readColumns(filepath.Join(dir, "trust.txt"))
	if err != nil {
		return ds, err
	}
	for _, r := range trust {
		if r[0] < 1 || r[1] < 1 || r[0] == r[1] {
			continue
		}
		ds.Follows = append(ds.Follows, [2]int{int(r[0]), int(r[1])})
	}
	for i := 1; len(ds.Movies) < len(items); i++ {
		if items[i] {
			ds.Movies = append(ds.Movies, Movie{ID: i, Title: fmt.Sprintf("FilmTrust film %d", i)})
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	assign := make([]int, len(all))
	for k := range assign {
		assign[k] = k % folds
	}
	rng.Shuffle(len(assign), func(a, b int) { assign[a], assign[b] = assign[b], assign[a] })
	for f := 0; f < folds; f++ {
		fold := Fold{Name: fmt.Sprintf("f%d", f+1)}
		for k, r := range all {
			if assign[k] == f {
				fold.Test = append(fold.Test, r)
			} else {
				fold.Train = append(fold.Train, r)
			}
		}
		ds.Folds = append(ds.Folds, fold)
	}
	return ds, nil
}

// readColumns reads a file of space-separated numbers, three per line.
func readColumns(path string) ([][3]float64, error) {
	var out [][3]float64
	err := eachRow(path, 3, func(line int, fs []string) error {
		var row [3]float64
		for k, s := range fs {
			v, err := strconv.ParseFloat(s, 64)
			if err != nil {
				return fmt.Errorf("%s:%d: bad number %q", path, line, s)
			}
			row[k] = v
		}
		out = append(out, row)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", filepath.Base(path), err)
	}
	return out, nil
}
