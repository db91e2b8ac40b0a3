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

//go:embed *.cypher schema/*.cypher
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

// Queries returns every top-level query file by name (file name without
// .cypher). Callers load them once at start-up.
func Queries() (map[string]string, error) {
	names, err := fs.Glob(files, "*.cypher")
	if err != nil {
		return nil, err
	}
	m := make(map[string]string, len(names))
	for _, n := range names {
		b, err := files.ReadFile(n)
		if err != nil {
			return nil, fmt.Errorf("load query %s: %w", n, err)
		}
		m[strings.TrimSuffix(n, ".cypher")] = strings.TrimSpace(string(b))
	}
	return m, nil
}
