// Package audit keeps the append-only record of privileged access: every
// admin or insight call and every export, with who, what and how many rows.
// Entries go to a Redis stream (queried by admins) and, when a directory is
// configured, to daily JSON Lines files beside the activity archive.
package audit

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/stylegraph/stylegraph"
)

// Entry is one audited action.
type Entry struct {
	ID        string            `json:"id,omitempty"`
	At        time.Time         `json:"at"`
	UserID    int64             `json:"userId,omitempty"`
	KeyID     string            `json:"keyId,omitempty"`
	Role      stylegraph.Role   `json:"role"`
	Action    string            `json:"action"`
	Params    map[string]string `json:"params,omitempty"`
	Status    int               `json:"status"`
	Rows      int               `json:"rows"`
	RequestID string            `json:"requestId,omitempty"`
}

// Log appends and lists audit entries.
type Log struct {
	rdb    redis.UniversalClient
	stream string
	dir    string
	mu     sync.Mutex
}

// New returns a log on the Redis stream key; dir, when not empty, also gets
// a copy of every entry under dir/audit/dt=YYYY-MM-DD/audit.jsonl.
func New(rdb redis.UniversalClient, stream, dir string) *Log {
	return &Log{rdb: rdb, stream: stream, dir: dir}
}

// Record appends e. The stream is never trimmed: the audit log is kept.
func (l *Log) Record(ctx context.Context, e Entry) error {
	if e.At.IsZero() {
		e.At = time.Now()
	}
	e.At = e.At.UTC()
	b, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("encode audit entry: %w", err)
	}
	if err := l.rdb.XAdd(ctx, &redis.XAddArgs{Stream: l.stream, Values: []string{"entry", string(b)}}).Err(); err != nil {
		return fmt.Errorf("append audit entry: %w", err)
	}
	if l.dir != "" {
		return l.appendFile(e.At, b)
	}
	return nil
}

func (l *Log) appendFile(at time.Time, line []byte) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	dir := filepath.Join(l.dir, "audit", "dt="+at.Format("2006-01-02"))
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return fmt.Errorf("audit dir: %w", err)
	}
	f, err := os.OpenFile(filepath.Join(dir, "audit.jsonl"), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o640)
	if err != nil {
		return fmt.Errorf("open audit file: %w", err)
	}
	defer f.Close()
	if _, err := f.Write(append(line, '\n')); err != nil {
		return fmt.Errorf("write audit file: %w", err)
	}
	return f.Sync()
}

// List returns up to limit entries, newest first, older than cursor ("" for
// the newest), and the cursor for the next page ("" at the end).
func (l *Log) List(ctx context.Context, cursor string, limit int) ([]Entry, string, error) {
	end := "+"
	if cursor != "" {
		if !validID(cursor) {
			return nil, "", stylegraph.Invalid("cursor", "is not a cursor this endpoint returned")
		}
		end = "(" + cursor
	}
	msgs, err := l.rdb.XRevRangeN(ctx, l.stream, end, "-", int64(limit)).Result()
	if err != nil {
		return nil, "", fmt.Errorf("read audit log: %w", err)
	}
	out := make([]Entry, 0, len(msgs))
	for _, m := range msgs {
		var e Entry
		s, _ := m.Values["entry"].(string)
		if err := json.Unmarshal([]byte(s), &e); err != nil {
			continue
		}
		e.ID = m.ID
		out = append(out, e)
	}
	next := ""
	if len(msgs) == limit {
		next = msgs[len(msgs)-1].ID
	}
	return out, next, nil
}

// validID accepts a Redis stream ID "ms-seq".
func validID(s string) bool {
	ms, seq, ok := strings.Cut(s, "-")
	if !ok {
		return false
	}
	_, err1 := strconv.ParseUint(ms, 10, 64)
	_, err2 := strconv.ParseUint(seq, 10, 64)
	return err1 == nil && err2 == nil
}
