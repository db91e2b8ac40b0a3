package testenv

import (
	"os"
	"path/filepath"
	"testing"
)

// Dataset returns the path of a file under the shared datasets folder
// (STYLEGRAPH_DATASETS, default ../shared/datasets from the repository root).
// A missing file fails the test in CI (CI set) and skips it elsewhere, so a
// contributor without the data sets can still run the rest.
func Dataset(t testing.TB, rel string) string {
	t.Helper()
	dir := os.Getenv("STYLEGRAPH_DATASETS")
	if dir == "" {
		dir = filepath.Join(repoRoot(t), "..", "shared", "datasets")
	}
	p := filepath.Join(dir, rel)
	if _, err := os.Stat(p); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("dataset %s is missing (%v): CI must provide ../shared/datasets or STYLEGRAPH_DATASETS", rel, err)
		}
		t.Skipf("dataset %s is missing (%v); set STYLEGRAPH_DATASETS to run this test", rel, err)
	}
	return p
}

// repoRoot is the nearest parent of the working directory holding go.mod.
func repoRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d
		}
		if filepath.Dir(d) == d {
			t.Fatalf("no go.mod above %s", dir)
		}
	}
}
