// Package cypher holds every Cypher statement stylegraph runs, as .cypher files
// embedded at build time. Statements always take $parameters; no Go code
// builds Cypher from strings. The schema/ folder holds idempotent migrations
// applied in file-name order.
package cypher

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
)

//go:embed schema/*.cypher
var files embed.FS

// Migration is one schema statement with where it came from.
type Migration struct {
	File      string
	Statement string
}

// Schema returns the schema statements in apply order. Files are split on
// semicolons at line ends; comment lines start with //.
func Schema() ([]Migration, error) {
	names, err := fs.Glob(files, "schema/*.cypher")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	var out []Migration
	for _, n := range names {
		b, err := files.ReadFile(n)
		if err != nil {
			return nil, err
		}
		for _, stmt := range Split(string(b)) {
			out = append(out, Migration{File: path.Base(n), Statement: stmt})
		}
	}
	return out, nil
}

// Split cuts a file into statements, dropping // comment lines and blanks.
func Split(src string) []string {
	var out []string
	var cur strings.Builder
	for _, line := range strings.Split(src, "\n") {
		t := strings.TrimSpace(line)
		if t == "" || strings.HasPrefix(t, "//") {
			continue
		}
		cur.WriteString(line)
		cur.WriteString("\n")
		if strings.HasSuffix(t, ";") {
			out = append(out, strings.TrimSuffix(strings.TrimSpace(cur.String()), ";"))
			cur.Reset()
		}
	}
	if s := strings.TrimSpace(cur.String()); s != "" {
		out = append(out, s)
	}
	return out
}

// Load reads the named query files from fsys (a package's own embed.FS) once
// at start-up, so a missing file fails fast rather than on first use.
func Load(fsys fs.FS, names ...string) (map[string]string, error) {
	m := make(map[string]string, len(names))
	for _, n := range names {
		b, err := fs.ReadFile(fsys, n+".cypher")
		if err != nil {
			return nil, fmt.Errorf("load query %s: %w", n, err)
		}
		m[n] = strings.TrimSpace(string(b))
	}
	return m, nil
}
