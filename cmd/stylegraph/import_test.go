package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/catalog"
	"github.com/stylegraph/stylegraph/internal/testenv"
)

// TestImportProducts imports small files in the styles.csv layout and in
// NDJSON into the real Neo4j and OpenSearch. Brand, category and tag names
// carry the test's ID base so the shared graph keeps them apart.
func TestImportProducts(t *testing.T) {
	g, ix := testenv.Graph(t), testenv.Search(t)
	ctx := context.Background()
	if err := ix.Migrate(ctx, slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
		t.Fatal(err)
	}
	base := testenv.IDBase(t)
	u := fmt.Sprint(base) // unique word for names the graph shares
	dir := t.TempDir()
	styles := filepath.Join(dir, "styles.csv")
	writeFile(t, styles, "id,gender,masterCategory,subCategory,articleType,baseColour,season,year,usage,productDisplayName\n"+
		fmt.Sprintf("%d,Men,Apparel%s,Topwear,Shirts,Navy Blue,Fall,2011,Casual%s,Brand%s Check Men Navy Blue Shirt\n", base+1, u, u, u)+
		fmt.Sprintf("%d,Women,Apparel%s,Topwear,Tops,NA,Summer,2012,NA,NA\n", base+2, u)+
		fmt.Sprintf("%d,Women,Apparel%s,Topwear,Tops,Red,Summer,2012,Casual%s,Brand%s Women Red Top\n", base+3, u, u, u)+
		fmt.Sprintf("%d,Women,Apparel%s,Topwear\n", base+4, u))
	var out bytes.Buffer
	// Batch 1 and twice: every batch path runs and a re-import changes nothing.
	for range 2 {
		out.Reset()
		st, err := importProducts(ctx, g.Catalog, ix, styles, 1, &out)
		if err != nil {
			t.Fatal(err)
		}
		if st.Imported != 2 || len(st.Refused) != 0 {
			t.Fatalf("stats %+v\n%s", st, out.String())
		}
		if diff := cmp.Diff([]catalog.RowError{
			{Line: 3, Field: "productDisplayName", Reason: "is missing"},
			{Line: 5, Reason: "has 4 fields, the header has 10"},
		}, st.Bad); diff != "" {
			t.Fatalf("bad rows (-want +got):\n%s", diff)
		}
	}
	for _, want := range []string{"skipped 2 bad rows", "bad row line 3: productDisplayName: is missing", "bad row line 5: has 4 fields"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	got, err := g.Catalog.Product(ctx, base+1)
	if err != nil {
		t.Fatal(err)
	}
	want := stylegraph.Product{
		ID: base + 1, Title: "Brand" + u + " Check Men Navy Blue Shirt", Brand: "Brand" + u + " Check",
		BrandID: stylegraph.BrandID("Brand" + u + " Check"), CategoryPath: []string{"Apparel" + u, "Topwear", "Shirts"},
		Color: "Navy Blue", Gender: "Men", Season: "Fall", Usage: "Casual" + u, Sizes: []string{}, Images: []string{},
		Tags: []string{"casual" + u, "fall", "navy blue"}, CreatedAt: time.Date(2011, 1, 1, 0, 0, 0, 0, time.UTC),
	}
	if diff := cmp.Diff(want, got, sortStrings); diff != "" {
		t.Errorf("graph product (-want +got):\n%s", diff)
	}
	if _, err := g.Catalog.Product(ctx, base+2); stylegraph.ErrorCode(err) != stylegraph.ENOTFOUND {
		t.Errorf("bad row reached the graph: %v", err)
	}

	ndjson := filepath.Join(dir, "more.ndjson")
	writeFile(t, ndjson, fmt.Sprintf(`{"id":%d,"title":"Linen Shirt","brand":"Brand%s","price":49.5,"currency":"EUR","tags":["linen%s"]}`+"\n", base+5, u, u)+
		fmt.Sprintf(`{"id":%d,"title":"Oops","price":"cheap"}`+"\n", base+6))
	st, err := importProducts(ctx, g.Catalog, ix, ndjson, 100, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if st.Imported != 1 || len(st.Bad) != 1 || st.Bad[0].Line != 2 || st.Bad[0].Field != "price" {
		t.Fatalf("ndjson stats %+v", st)
	}

	for _, id := range []int64{base + 1, base + 3, base + 5} {
		var doc struct {
			Found  bool           `json:"found"`
			Source map[string]any `json:"_source"`
		}
		if err := ix.Do(ctx, http.MethodGet, fmt.Sprintf("/%s/_doc/%d", ix.Alias("products"), id), nil, &doc); err != nil || !doc.Found {
			t.Fatalf("search doc %d: found=%v err=%v", id, doc.Found, err)
		}
	}
	var count struct {
		Count int `json:"count"`
	}
	if err := ix.Do(ctx, http.MethodGet, "/"+ix.Alias("products")+"/_count", nil, &count); err != nil || count.Count != 3 {
		t.Fatalf("search count = %d, %v; want 3", count.Count, err)
	}
}

var sortStrings = cmpopts.SortSlices(func(a, b string) bool { return a < b })

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestImportAndReplayUsage(t *testing.T) {
	ctx := context.Background()
	for _, args := range [][]string{{"import"}, {"import", "users", "x.csv"}, {"import", "products"}, {"replay", "--since", "yesterday"}, {"replay", "--batch", "0"}} {
		if err := run(ctx, args, io.Discard, io.Discard); err == nil {
			t.Errorf("run %v succeeded, want a usage error", args)
		}
	}
}
