package search_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/stylegraph/stylegraph/internal/testenv"
)

// TestNodeHasProductSearchModules proves the node `make services` assembles
// carries the modules product search depends on, and that they work.
func TestNodeHasProductSearchModules(t *testing.T) {
	c := testenv.Search(t)
	ctx := context.Background()

	var nodes struct {
		Nodes map[string]struct {
			Modules []struct {
				Name string `json:"name"`
			} `json:"modules"`
		} `json:"nodes"`
	}
	if err := c.Do(ctx, http.MethodGet, "/_nodes/plugins", nil, &nodes); err != nil {
		t.Fatal(err)
	}
	have := map[string]bool{}
	for _, n := range nodes.Nodes {
		for _, m := range n.Modules {
			have[m.Name] = true
		}
	}
	for _, want := range []string{"transport-netty4", "analysis-common", "mapper-extras", "lang-painless", "reindex"} {
		if !have[want] {
			t.Errorf("module %s not loaded; have %v", want, have)
		}
	}

	idx := c.Prefix() + "-modules"
	body := map[string]any{
		"settings": map[string]any{"analysis": map[string]any{
			"filter": map[string]any{"syn": map[string]any{"type": "synonym_graph", "synonyms": []string{"tee, t-shirt, 티셔츠"}}},
			"analyzer": map[string]any{
				"ko":     map[string]any{"type": "cjk"},
				"en_syn": map[string]any{"type": "custom", "tokenizer": "standard", "filter": []string{"lowercase", "syn"}},
			},
		}},
		"mappings": map[string]any{"properties": map[string]any{
			"title":      map[string]any{"type": "text", "analyzer": "standard", "search_analyzer": "en_syn"},
			"title_ko":   map[string]any{"type": "text", "analyzer": "ko"},
			"instant":    map[string]any{"type": "search_as_you_type"},
			"popularity": map[string]any{"type": "rank_feature"},
			"price":      map[string]any{"type": "scaled_float", "scaling_factor": 100},
		}},
	}
	if err := c.Do(ctx, http.MethodPut, "/"+idx, body, nil); err != nil {
		t.Fatalf("create index with cjk, synonym_graph, search_as_you_type, rank_feature: %v", err)
	}
	doc := map[string]any{"title": "Cotton t-shirt", "title_ko": "면 반팔 티셔츠", "instant": "Cotton crew t-shirt", "popularity": 12.5, "price": 19.99}
	if err := c.Do(ctx, http.MethodPut, "/"+idx+"/_doc/1?refresh=true", doc, nil); err != nil {
		t.Fatal(err)
	}
	for name, q := range map[string]any{
		"synonym":      map[string]any{"match": map[string]any{"title": "tee"}},
		"cjk bigram":   map[string]any{"match": map[string]any{"title_ko": "티셔츠"}},
		"as you type":  map[string]any{"multi_match": map[string]any{"query": "cotton cr", "type": "bool_prefix", "fields": []string{"instant", "instant._2gram", "instant._3gram"}}},
		"rank feature": map[string]any{"rank_feature": map[string]any{"field": "popularity"}},
	} {
		var res struct {
			Hits struct {
				Total struct {
					Value int `json:"value"`
				} `json:"total"`
			} `json:"hits"`
		}
		if err := c.Do(ctx, http.MethodPost, "/"+idx+"/_search", map[string]any{"query": q}, &res); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if res.Hits.Total.Value != 1 {
			t.Errorf("%s query found %d docs, want 1", name, res.Hits.Total.Value)
		}
	}
}
