package api

import (
	"io"

	"github.com/stylegraph/stylegraph"
)

// decodeStrict is how every handler reads a JSON request body: one object,
// names matched case-sensitively, no duplicate or unknown names, nothing
// after it (stylegraph.DecodeJSON). Errors name the field; a body over the
// route's limit stays *http.MaxBytesError (413).
func decodeStrict(r io.Reader, v any) error {
	return stylegraph.DecodeJSONFrom(r, v)
}
