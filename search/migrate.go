package search

import (
	"bufio"
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"path"
	"strings"
)

//go:embed mappings/*.json
var mappingFS embed.FS

//go:embed synonyms.txt
var synonymsFile string

// Synonyms returns the search-time synonym rules from synonyms.txt.
func Synonyms() []string {
	var out []string
	sc := bufio.NewScanner(strings.NewReader(synonymsFile))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		out = append(out, line)
	}
	return out
}

// IndexBody returns the create-index body for the named mapping
// (mappings/<name>.json) with the synonym rules filled in, and a short content
// hash that versions it: a changed mapping gets a new physical index.
func IndexBody(name string) (map[string]any, string, error) {
	raw, err := mappingFS.ReadFile("mappings/" + name + ".json")
	if err != nil {
		return nil, "", fmt.Errorf("mapping %s: %w", name, err)
	}
	var body map[string]any
	if err := json.Unmarshal(raw, &body); err != nil {
		return nil, "", fmt.Errorf("mapping %s: %w", name, err)
	}
	if f, ok := dig(body, "settings", "analysis", "filter", "shop_synonyms").(map[string]any); ok {
		f["synonyms"] = Synonyms()
	}
	canon, _ := json.Marshal(body)
	sum := sha256.Sum256(canon)
	return body, hex.EncodeToString(sum[:4]), nil
}

func dig(m map[string]any, keys ...string) any {
	var cur any = m
	for _, k := range keys {
		mm, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = mm[k]
	}
	return cur
}

// Alias is the stable name callers use for the named index.
func (c *Client) Alias(name string) string { return c.prefix + "-" + name }

// Migrate makes sure each embedded mapping has an index behind its alias. An
// existing alias is left alone even when the mapping changed: `stylegraph
// search reindex` builds the new version and swaps the alias.
func (c *Client) Migrate(ctx context.Context, log *slog.Logger) error {
	names, err := mappingNames()
	if err != nil {
		return err
	}
	for _, name := range names {
		alias := c.Alias(name)
		current, err := c.AliasTarget(ctx, alias)
		if err != nil {
			return err
		}
		body, version, err := IndexBody(name)
		if err != nil {
			return err
		}
		want := alias + "-" + version
		if current != "" {
			// Reindexed indices carry a timestamp after the version.
			if current != want && !strings.HasPrefix(current, want+"-") {
				log.Warn("search mapping changed; run `stylegraph search reindex`", "alias", alias, "current", current, "wanted", want)
			}
			continue
		}
		body["aliases"] = map[string]any{alias: map[string]any{}}
		err = c.Do(ctx, http.MethodPut, "/"+want, body, nil)
		if err != nil && !isAlreadyExists(err) {
			return fmt.Errorf("create index %s: %w", want, err)
		}
		if isAlreadyExists(err) {
			// A previous run created the index but not the alias.
			if err := c.Do(ctx, http.MethodPut, "/"+want+"/_alias/"+alias, nil, nil); err != nil {
				return fmt.Errorf("alias %s: %w", alias, err)
			}
		}
		log.Info("search index created", "index", want, "alias", alias)
	}
	return nil
}

// AliasTarget returns the index behind alias, or "" when there is none.
func (c *Client) AliasTarget(ctx context.Context, alias string) (string, error) {
	var out map[string]any
	err := c.Do(ctx, http.MethodGet, "/_alias/"+alias, nil, &out)
	if IsStatus(err, http.StatusNotFound) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("get alias %s: %w", alias, err)
	}
	for idx := range out {
		return idx, nil
	}
	return "", nil
}

// DropPrefix deletes every index of this client's prefix; tests use it to
// clean up after themselves.
func (c *Client) DropPrefix(ctx context.Context) error {
	err := c.Do(ctx, http.MethodDelete, "/"+c.prefix+"-*?expand_wildcards=all", nil, nil)
	if IsStatus(err, http.StatusNotFound) {
		return nil
	}
	return err
}

func isAlreadyExists(err error) bool {
	var se *StatusError
	return errors.As(err, &se) && se.Type == "resource_already_exists_exception"
}

func mappingNames() ([]string, error) {
	entries, err := mappingFS.ReadDir("mappings")
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range entries {
		names = append(names, strings.TrimSuffix(e.Name(), path.Ext(e.Name())))
	}
	return names, nil
}
