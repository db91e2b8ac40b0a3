package api

import (
	"context"
	"strconv"
	"strings"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/audit"
)

// auditFilter narrows GET /v1/admin/audit: role, a substring of the action,
// the caller's user ID and a status (404) or status class (4xx).
type auditFilter struct {
	role   stylegraph.Role
	action string
	userID int64
	status string
}

// auditScanMax bounds how many entries one filtered page reads, so a filter
// that matches little cannot make a request walk the whole log; the page then
// ends early with a cursor to go on from.
const auditScanMax = 5000

func parseAuditFilter(q *query) auditFilter {
	f := auditFilter{action: q.text("action", 200), userID: q.id("userId", false), status: q.text("status", 3)}
	if r := q.c.Query("role"); r != "" {
		f.role = stylegraph.Role(q.oneOf("role", "", "shopper", "merchandiser", "admin", "service"))
	}
	if s := f.status; s != "" {
		ok := len(s) == 3 && s[0] >= '1' && s[0] <= '5'
		if ok && !strings.HasSuffix(s, "xx") {
			_, err := strconv.Atoi(s)
			ok = err == nil
		}
		if !ok {
			q.fail(stylegraph.Invalid("status", "must be a status such as 403 or a class such as 4xx"))
		}
	}
	return f
}

func (f auditFilter) empty() bool { return f == auditFilter{} }

func (f auditFilter) match(e audit.Entry) bool {
	switch {
	case f.role != "" && e.Role != f.role:
		return false
	case f.action != "" && !strings.Contains(strings.ToLower(e.Action), strings.ToLower(f.action)):
		return false
	case f.userID != 0 && e.UserID != f.userID:
		return false
	case f.status != "" && strings.HasSuffix(f.status, "xx"):
		return strconv.Itoa(e.Status)[0] == f.status[0]
	case f.status != "":
		return strconv.Itoa(e.Status) == f.status
	}
	return true
}

// listAudit pages through the log newest first, keeping the entries f
// matches, until limit of them or auditScanMax read.
func (h auditHandlers) listAudit(ctx context.Context, f auditFilter, cursor string, limit int) ([]audit.Entry, string, error) {
	if f.empty() {
		return h.audit.List(ctx, cursor, limit)
	}
	out := []audit.Entry{}
	for scanned := 0; scanned < auditScanMax; {
		entries, next, err := h.audit.List(ctx, cursor, 500)
		if err != nil {
			return nil, "", err
		}
		for _, e := range entries {
			scanned++
			if f.match(e) {
				out = append(out, e)
				if len(out) == limit {
					return out, e.ID, nil
				}
			}
		}
		if next == "" {
			return out, "", nil
		}
		cursor = next
	}
	return out, cursor, nil
}
