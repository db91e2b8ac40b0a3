package search_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/internal/testenv"
)

func TestMigrateIsIdempotentAndIndexes(t *testing.T) {
	c := testenv.Search(t)
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	for i := 0; i < 2; i++ {
		if err := c.Migrate(ctx, log); err != nil {
			t.Fatalf("migrate #%d: %v", i+1, err)
		}
	}
	target, err := c.AliasTarget(ctx, c.Alias("products"))
	if err != nil || target == "" {
		t.Fatalf("alias target %q, %v", target, err)
	}
	rep, err := c.IndexProducts(ctx, []stylegraph.Product{
		{ID: 1, Title: "Black Leather Sneakers", Brand: "Nova Footwear", CategoryPath: []string{"Footwear", "Shoes", "Sneakers"}, Price: 89.5, CreatedAt: time.Now()},
		{ID: 2, Title: "청바지 슬림핏", Brand: "Seoulstreet", CategoryPath: []string{"Apparel", "Bottomwear", "Jeans"}, Price: 49, CreatedAt: time.Now()},
	})
	if err != nil || rep.Indexed != 2 || len(rep.Failed) != 0 {
		t.Fatalf("index: %+v, %v", rep, err)
	}
	if err := c.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	// The synonym file maps sneaker to sneakers and jeans to 청바지.
	for q, want := range map[string]string{"sneaker": "1", "jeans": "2"} {
		var res struct {
			Hits struct {
				Hits []struct {
					ID string `json:"_id"`
				} `json:"hits"`
			} `json:"hits"`
		}
		query := map[string]any{"query": map[string]any{"multi_match": map[string]any{"query": q, "fields": []string{"title", "title.en", "category3.text"}}}}
		if err := c.Do(ctx, http.MethodPost, "/"+c.Alias("products")+"/_search", query, &res); err != nil {
			t.Fatal(err)
		}
		if len(res.Hits.Hits) == 0 || res.Hits.Hits[0].ID != want {
			t.Errorf("query %q: hits %+v, want product %s first", q, res.Hits.Hits, want)
		}
	}
	if rep, err := c.DeleteProducts(ctx, []int64{1, 999}); err != nil || len(rep.Failed) != 0 {
		t.Fatalf("delete: %+v %v", rep, err)
	}
}
