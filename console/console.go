// Package console holds the web console's static files (HTML, CSS, ES
// modules and the vendored chart library), embedded in the binary so the
// console works offline with no build step. The api package serves them; this
// package imports nothing of stylegraph's.
package console

import (
	"embed"
	"io/fs"
)

//go:embed assets
var assets embed.FS

// Assets returns the console's files, rooted at index.html.
func Assets() fs.FS {
	sub, err := fs.Sub(assets, "assets")
	if err != nil {
		panic(err) // the directory is embedded at build time
	}
	return sub
}
