package feeds

import (
	"encoding/base64"
	"strconv"
	"strings"

	"github.com/stylegraph/stylegraph"
)

// MaxLimit is the largest page size.
const MaxLimit = 100

func checkLimit(limit int) (int, error) {
	switch {
	case limit == 0:
		return 20, nil
	case limit < 1 || limit > MaxLimit:
		return 0, stylegraph.Invalid("limit", "must be between 1 and %d", MaxLimit)
	}
	return limit, nil
}

// EncodeCursor turns the last ID of a page into an opaque cursor.
func EncodeCursor(id int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte("v1:" + itoa(id)))
}

// DecodeCursor returns the ID a cursor continues below; "" means from the
// top. A malformed cursor is an EINVALID error naming "cursor".
func DecodeCursor(c string) (int64, error) {
	if c == "" {
		return maxID + 1, nil
	}
	bad := stylegraph.Invalid("cursor", "is not a cursor this API returned")
	if len(c) > 64 {
		return 0, bad
	}
	raw, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return 0, bad
	}
	rest, ok := strings.CutPrefix(string(raw), "v1:")
	if !ok {
		return 0, bad
	}
	id, err := strconv.ParseInt(rest, 10, 64)
	if err != nil || id <= 0 || id > maxID+1 {
		return 0, bad
	}
	return id, nil
}

// pageOf is items as a page: a full one (limit items) has a next cursor,
// which cursor makes from its last item.
func pageOf[T any](items []T, limit int, cursor func(T) string) stylegraph.Page[T] {
	page := stylegraph.Page[T]{Items: items}
	if len(items) == limit {
		next := cursor(items[len(items)-1])
		page.NextCursor = &next
	}
	return page
}
