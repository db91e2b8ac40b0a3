package search

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"
)

// ReindexReport says what a reindex did.
type ReindexReport struct {
	Alias    string
	Old, New string
	Copied   int64
	// CaughtUp counts documents written to the old index while the copy ran.
	CaughtUp int64
}

// Reindex builds a new physical index for the named mapping from the
// embedded mapping and synonyms, copies every document into it, and swaps
// the alias in one atomic action, so searches never see a missing or half
// filled index. Writes that reached the old index during the copy are copied
// again after the swap (newer document versions win), then the old index is
// deleted unless keepOld is set.
func (c *Client) Reindex(ctx context.Context, name string, keepOld bool, log *slog.Logger) (ReindexReport, error) {
	alias := c.Alias(name)
	rep := ReindexReport{Alias: alias}
	old, err := c.AliasTarget(ctx, alias)
	if err != nil {
		return rep, err
	}
	body, version, err := IndexBody(name)
	if err != nil {
		return rep, err
	}
	rep.Old = old
	rep.New = fmt.Sprintf("%s-%s-%s", alias, version, time.Now().UTC().Format("20060102t150405.000"))
	rep.New = strings.ReplaceAll(rep.New, ".", "")
	settings, _ := body["settings"].(map[string]any)
	if settings == nil {
		settings = map[string]any{}
		body["settings"] = settings
	}
	// No refreshes while bulk copying; restored before the swap.
	settings["refresh_interval"] = "-1"
	if err := c.Do(ctx, http.MethodPut, "/"+rep.New, body, nil); err != nil {
		return rep, fmt.Errorf("create index %s: %w", rep.New, err)
	}
	start := time.Now().UTC().Add(-time.Second)
	if old != "" {
		if rep.Copied, err = c.copyDocs(ctx, old, rep.New, nil); err != nil {
			return rep, err
		}
	}
	if err := c.Do(ctx, http.MethodPut, "/"+rep.New+"/_settings", map[string]any{"index": map[string]any{"refresh_interval": "1s"}}, nil); err != nil {
		return rep, fmt.Errorf("restore refresh on %s: %w", rep.New, err)
	}
	if err := c.Do(ctx, http.MethodPost, "/"+rep.New+"/_refresh", nil, nil); err != nil {
		return rep, fmt.Errorf("refresh %s: %w", rep.New, err)
	}
	actions := []any{map[string]any{"add": map[string]any{"index": rep.New, "alias": alias}}}
	if old != "" {
		actions = append([]any{map[string]any{"remove": map[string]any{"index": old, "alias": alias}}}, actions...)
	}
	if err := c.Do(ctx, http.MethodPost, "/_aliases", map[string]any{"actions": actions}, nil); err != nil {
		return rep, fmt.Errorf("swap alias %s to %s: %w", alias, rep.New, err)
	}
	log.Info("search alias swapped", "alias", alias, "from", old, "to", rep.New, "copied", rep.Copied)
	if old == "" {
		return rep, nil
	}
	since := map[string]any{"range": map[string]any{"indexedAt": map[string]any{"gte": start.Format(time.RFC3339Nano)}}}
	if rep.CaughtUp, err = c.copyDocs(ctx, old, rep.New, since); err != nil {
		return rep, fmt.Errorf("catch up after swap: %w", err)
	}
	if keepOld {
		return rep, nil
	}
	if err := c.Do(ctx, http.MethodDelete, "/"+old, nil, nil); err != nil && !IsStatus(err, http.StatusNotFound) {
		return rep, fmt.Errorf("delete old index %s: %w", old, err)
	}
	return rep, nil
}

// copyDocs runs a server-side _reindex from one index to another as a task
// and waits for it. External versioning keeps a newer copy in dest from
// being overwritten by an older one.
func (c *Client) copyDocs(ctx context.Context, from, to string, query map[string]any) (int64, error) {
	// _reindex reads what a search sees: make the latest writes visible.
	if err := c.Do(ctx, http.MethodPost, "/"+from+"/_refresh", nil, nil); err != nil {
		return 0, fmt.Errorf("refresh %s: %w", from, err)
	}
	source := map[string]any{"index": from, "size": 1000}
	if query != nil {
		source["query"] = query
	}
	req := map[string]any{
		"conflicts": "proceed",
		"source":    source,
		"dest":      map[string]any{"index": to, "version_type": "external"},
	}
	var started struct {
		Task string `json:"task"`
	}
	if err := c.Do(ctx, http.MethodPost, "/_reindex?wait_for_completion=false&refresh=true", req, &started); err != nil {
		return 0, fmt.Errorf("reindex %s into %s: %w", from, to, err)
	}
	for {
		var task struct {
			Completed bool `json:"completed"`
			Response  struct {
				Created  int64 `json:"created"`
				Updated  int64 `json:"updated"`
				Failures []any `json:"failures"`
			} `json:"response"`
			Error map[string]any `json:"error"`
		}
		if err := c.Do(ctx, http.MethodGet, "/_tasks/"+started.Task+"?wait_for_completion=true&timeout=20s", nil, &task); err != nil && !IsStatus(err, http.StatusRequestTimeout) {
			return 0, fmt.Errorf("wait for reindex task %s: %w", started.Task, err)
		}
		if task.Error != nil {
			return 0, fmt.Errorf("reindex %s into %s failed: %v", from, to, task.Error["reason"])
		}
		if task.Completed {
			if len(task.Response.Failures) > 0 {
				return 0, fmt.Errorf("reindex %s into %s: %d failures", from, to, len(task.Response.Failures))
			}
			return task.Response.Created + task.Response.Updated, nil
		}
		if err := ctx.Err(); err != nil {
			return 0, err
		}
	}
}
