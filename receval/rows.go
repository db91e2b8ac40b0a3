package receval

import (
	"bufio"
	"fmt"
	"os"
	"strings"
)

// eachRow calls fn with the whitespace-separated fields of every non-blank
// line of path (line numbers from 1), after checking there are want of them.
// Both data sets (MovieLens, FilmTrust) are read this way.
func eachRow(path string, want int, fn func(line int, fs []string) error) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	line := 0
	for sc.Scan() {
		line++
		fs := strings.Fields(sc.Text())
		if len(fs) == 0 {
			continue
		}
		if len(fs) != want {
			return fmt.Errorf("%s:%d: %d fields, want %d", path, line, len(fs), want)
		}
		if err := fn(line, fs); err != nil {
			return err
		}
	}
	return sc.Err()
}
