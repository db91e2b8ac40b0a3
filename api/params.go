package api

import (
	"context"
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/stylegraph/stylegraph"
)

// This file is the one parser of path and query parameters: IDs, integers
// and limits, offset cursors, and the accumulating query reader the admin
// endpoints use. Every bad value becomes stylegraph.Invalid naming the
// parameter, so api answers 400 with the field set.

// maxID is the largest ID the API takes: IDs must stay exact as JavaScript
// numbers (2^53-1).
const maxID = 1<<53 - 1

// validID says whether id is a positive integer below 2^53.
func validID(id int64) bool { return id >= 1 && id <= maxID }

// parseID reads s, the value of the parameter field, as a positive ID.
func parseID(field, s string) (int64, error) {
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || !validID(id) {
		return 0, stylegraph.Invalid(field, "must be a positive integer below 2^53")
	}
	return id, nil
}

// pathID reads the path parameter name (":id", ":productId", ...) as an ID.
func pathID(c *gin.Context, name string) (int64, error) {
	return parseID(name, c.Param(name))
}

// parseInt reads s, the value of the parameter field, as an integer from lo
// to hi (hi 0: no upper bound); empty s gives def.
func parseInt(field, s string, def, lo, hi int) (int, error) {
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	switch {
	case hi == 0 && (err != nil || n < lo):
		if lo == 1 {
			return 0, stylegraph.Invalid(field, "must be a positive integer")
		}
		return 0, stylegraph.Invalid(field, "must be an integer of at least %d", lo)
	case hi != 0 && (err != nil || n < lo || n > hi):
		return 0, stylegraph.Invalid(field, "must be an integer from %d to %d", lo, hi)
	}
	return n, nil
}

// queryLimit reads ?limit= from 1 to max; absent, it is def. A max of 0
// leaves the cap (and a def of 0 the default) to the service.
func queryLimit(c *gin.Context, def, max int) (int, error) {
	return parseInt("limit", c.Query("limit"), def, 1, max)
}

// Offset cursors are opaque to clients: "o" and the offset of the next
// page, base64url-encoded.
func offsetCursor(offset int) string {
	return base64.RawURLEncoding.EncodeToString([]byte("o" + strconv.Itoa(offset)))
}

// maxCursorOffset bounds how deep an offset cursor can page.
const maxCursorOffset = 10_000

// parseOffsetCursor reads an offsetCursor; empty is the first page.
func parseOffsetCursor(s string) (int, error) {
	if s == "" {
		return 0, nil
	}
	bad := stylegraph.Invalid("cursor", "cursor is malformed; pass the next value of the previous page")
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || len(b) < 2 || b[0] != 'o' {
		return 0, bad
	}
	n, err := strconv.Atoi(string(b[1:]))
	if err != nil || n < 0 || n > maxCursorOffset {
		return 0, bad
	}
	return n, nil
}

// query reads several query parameters and keeps the first error, so a
// handler validates all its inputs and checks err once.
type query struct {
	c   *gin.Context
	err error
}

func (q *query) int(name string, def, lo, hi int) int {
	n, err := parseInt(name, q.c.Query(name), def, lo, hi)
	q.fail(err)
	return n
}

func (q *query) id(name string, required bool) int64 {
	v := q.c.Query(name)
	if v == "" {
		if required {
			q.fail(stylegraph.Invalid(name, "is required"))
		}
		return 0
	}
	n, err := parseID(name, v)
	q.fail(err)
	return n
}

func (q *query) oneOf(name, def string, allowed ...string) string {
	v := q.c.DefaultQuery(name, def)
	for _, a := range allowed {
		if v == a {
			return v
		}
	}
	q.fail(stylegraph.Invalid(name, "must be one of %s", strings.Join(allowed, ", ")))
	return def
}

func (q *query) text(name string, max int) string {
	v := strings.TrimSpace(q.c.Query(name))
	if len(v) > max {
		q.fail(stylegraph.Invalid(name, "must be at most %d bytes", max))
	}
	return v
}

// window parses window=7d (hours h or days d, up to 365 days) ending now.
func (q *query) window() window {
	now := time.Now().UTC()
	d, ok := parseWindow(q.c.DefaultQuery("window", "7d"))
	if !ok {
		q.fail(stylegraph.Invalid("window", "must be a number of hours or days such as 24h or 7d, from 1h to 365d"))
		d = 7 * 24 * time.Hour
	}
	return window{From: now.Add(-d), To: now}
}

// fail keeps err unless an earlier error is kept already (nil is ignored).
func (q *query) fail(err error) {
	if q.err == nil {
		q.err = err
	}
}

// maxWindow is the longest window an insight looks back over.
const maxWindow = 365 * 24 * time.Hour

// parseWindow reads "<n>h" or "<n>d": n in plain decimal without sign or
// leading zeros and one unit letter. n is range-checked before it is
// multiplied, so no value can overflow into a date centuries away.
func parseWindow(v string) (time.Duration, bool) {
	if len(v) < 2 || len(v) > 5 {
		return 0, false
	}
	digits, unit := v[:len(v)-1], time.Duration(0)
	switch v[len(v)-1] {
	case 'h':
		unit = time.Hour
	case 'd':
		unit = 24 * time.Hour
	default:
		return 0, false
	}
	if digits[0] == '0' {
		return 0, false
	}
	n := 0
	for _, r := range digits {
		if r < '0' || r > '9' {
			return 0, false
		}
		n = n*10 + int(r-'0') // at most 4 digits: no overflow
	}
	if int64(n) > int64(maxWindow/unit) {
		return 0, false
	}
	return time.Duration(n) * unit, true
}

// cursorPage answers a cursor-paged list: the limit is validated before
// fetch runs with the cursor as sent.
func cursorPage(c *gin.Context, fetch func(ctx context.Context, cursor string, limit int) (any, error)) {
	limit, err := queryLimit(c, 0, 0)
	if err != nil {
		writeError(c, err)
		return
	}
	page, err := fetch(c.Request.Context(), c.Query("cursor"), limit)
	reply(c, http.StatusOK, page, err)
}

// pageOf answers a cursor-paged list about the resource in the path: the ID,
// then the limit, are validated before fetch runs.
func pageOf(c *gin.Context, fetch func(ctx context.Context, id int64, cursor string, limit int) (any, error)) {
	id, err := pathID(c, "id")
	if err != nil {
		writeError(c, err)
		return
	}
	cursorPage(c, func(ctx context.Context, cursor string, limit int) (any, error) {
		return fetch(ctx, id, cursor, limit)
	})
}
