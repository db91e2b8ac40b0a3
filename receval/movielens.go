// Package receval evaluates the recommenders offline on MovieLens-100K: it
// loads the data into the graph under an ID range of its own, replays the
// official 5-fold splits and reports ranking metrics for each recommender
// and the blend next to a most-popular baseline computed in the same run. It
// must not import api, feeds, search or ingest.
package receval

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Rating is one rating of a data set (a line of u.data or a split file).
type Rating struct {
	User, Item int
	Score      float64
	// At is when it was given (zero when the data set has no times).
	At time.Time
}

// Movie is one line of u.item.
type Movie struct {
	ID     int
	Title  string
	Genres []string
}

// Dataset is a rating data set as the evaluation needs it.
type Dataset struct {
	// Name is how the report calls it.
	Name   string
	Movies []Movie
	// Folds are the train/test splits (MovieLens: the official u1..u5), in
	// order.
	Folds []Fold
	// LikeAt is the rating from which a rating is a like (and relevant in a
	// test split); below it is a view.
	LikeAt float64
	// Follows are directed [follower, followee] user pairs (nil: none).
	Follows [][2]int
}

// Fold is one train/test split.
type Fold struct {
	Name        string
	Train, Test []Rating
}

var genres = []string{"unknown", "action", "adventure", "animation", "children's", "comedy", "crime", "documentary",
	"drama", "fantasy", "film-noir", "horror", "musical", "mystery", "romance", "sci-fi", "thriller", "war", "western"}

// Load reads u.item and the folds named (e.g. "u1") from dir.
func Load(dir string, folds []string) (Dataset, error) {
	ds := Dataset{Name: "MovieLens-100K", LikeAt: 4}
	movies, err := readMovies(filepath.Join(dir, "u.item"))
	if err != nil {
		return ds, err
	}
	ds.Movies = movies
	for _, f := range folds {
		train, err := readRatings(filepath.Join(dir, f+".base"))
		if err != nil {
			return ds, err
		}
		test, err := readRatings(filepath.Join(dir, f+".test"))
		if err != nil {
			return ds, err
		}
		ds.Folds = append(ds.Folds, Fold{Name: f, Train: train, Test: test})
	}
	return ds, nil
}

// latin1 decodes ISO-8859-1, which maps every byte to the code point of the
// same value (u.item is not UTF-8).
func latin1(b []byte) string {
	rs := make([]rune, len(b))
	for i, c := range b {
		rs[i] = rune(c)
	}
	return string(rs)
}

func readMovies(path string) ([]Movie, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read movies: %w", err)
	}
	defer f.Close()
	var out []Movie
	sc := bufio.NewScanner(f)
	line := 0
	for sc.Scan() {
		line++
		if len(sc.Bytes()) == 0 {
			continue
		}
		fields := strings.Split(latin1(sc.Bytes()), "|")
		if len(fields) != 5+len(genres) {
			return nil, fmt.Errorf("%s:%d: %d fields, want %d", path, line, len(fields), 5+len(genres))
		}
		id, err := strconv.Atoi(fields[0])
		if err != nil || id < 1 {
			return nil, fmt.Errorf("%s:%d: bad movie id %q", path, line, fields[0])
		}
		m := Movie{ID: id, Title: fields[1]}
		for g, flag := range fields[5:] {
			if flag == "1" {
				m.Genres = append(m.Genres, genres[g])
			}
		}
		out = append(out, m)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read movies: %w", err)
	}
	return out, nil
}

func readRatings(path string) ([]Rating, error) {
	var out []Rating
	err := eachRow(path, 4, func(line int, fs []string) error {
		var n [4]int64
		for i, s := range fs {
			v, err := strconv.ParseInt(s, 10, 64)
			if err != nil || v < 0 {
				return fmt.Errorf("%s:%d: bad number %q", path, line, s)
			}
			n[i] = v
		}
		if n[0] < 1 || n[1] < 1 || n[2] < 1 || n[2] > 5 {
			return fmt.Errorf("%s:%d: bad rating line", path, line)
		}
		out = append(out, Rating{User: int(n[0]), Item: int(n[1]), Score: float64(n[2]), At: time.Unix(n[3], 0).UTC()})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read ratings: %w", err)
	}
	return out, nil
}
