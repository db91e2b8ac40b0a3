package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/api/client"
	"github.com/stylegraph/stylegraph/internal/testenv"
)

// TestBatchProductUpsertThroughGeneratedClient sends one batch of good and
// bad products through the generated client: every item gets its result in
// request order, the bad ones name their field, the good ones are stored
// (graph and search index) and the batch limits and roles hold.
func TestBatchProductUpsertThroughGeneratedClient(t *testing.T) {
	base, d := startServerWith(t, isolate(t))
	ctx := context.Background()
	ids := testenv.IDBase(t)
	api := newAPIClients(t, base, d)
	t.Cleanup(func() {
		for i := int64(1); i <= 3; i++ {
			_, _ = d.Graph.Catalog.DeleteProduct(context.Background(), ids+i)
		}
	})
	title := fmt.Sprintf("Batchlinen%d dress", ids)
	// Raw JSON, so the batch can hold what the typed client would not send.
	body := fmt.Sprintf(`[
		{"id": %[1]d, "title": %[2]q, "brand": "Seaside", "price": 59, "currency": "EUR", "stock": 3},
		{"id": %[3]d, "title": "Cheap", "price": "cheap"},
		{"id": %[4]d, "title": "Typo", "colour": "red"},
		{"id": %[5]d, "title": "Minus", "stock": -1},
		{"id": %[1]d, "title": "Again"},
		{"id": -4, "title": "Bad ID"},
		{"id": %[6]d, "title": "Second good", "tags": ["Linen"]}
	]`, ids+1, title, ids+9, ids+8, ids+7, ids+2)
	r, err := api.service.UpsertProductsWithBodyWithResponse(ctx, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	status(t, "POST /v1/products", r.StatusCode(), 200, r.Body)
	type item struct {
		Index  int64
		ID     int64
		Status string
		Field  string
	}
	var got []item
	for _, it := range r.JSON200.Results {
		g := item{Index: it.Index, Status: string(it.Status)}
		if it.Id != nil {
			g.ID = *it.Id
		}
		if it.Error != nil && it.Error.Field != nil {
			g.Field = *it.Error.Field
		}
		got = append(got, g)
	}
	want := []item{
		{0, ids + 1, "upserted", ""},
		{1, 0, "rejected", "price"},
		{2, 0, "rejected", "colour"},
		{3, ids + 7, "rejected", "stock"},
		{4, ids + 1, "rejected", "id"},
		{5, 0, "rejected", "id"},
		{6, ids + 2, "upserted", ""},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("results (-want +got):\n%s", diff)
	}
	if c := r.JSON200; c.Upserted != 2 || c.Rejected != 5 || c.Failed != 0 {
		t.Errorf("counts = %d upserted, %d rejected, %d failed; want 2, 5, 0", c.Upserted, c.Rejected, c.Failed)
	}

	// The good items are stored as sent, the rejected ones not at all.
	p, err := api.service.GetProductWithResponse(ctx, ids+1)
	if err != nil {
		t.Fatal(err)
	}
	status(t, "GET the first product", p.StatusCode(), 200, p.Body)
	if p.JSON200.Title != title || p.JSON200.Stock == nil || *p.JSON200.Stock != 3 {
		t.Errorf("stored = %s, want the first item (not its later duplicate)", p.Body)
	}
	for _, id := range []int64{ids + 7, ids + 8, ids + 9} {
		p, err := api.service.GetProductWithResponse(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		status(t, fmt.Sprintf("GET rejected product %d", id), p.StatusCode(), 404, p.Body)
	}
	// ... and searchable: the batch went to the index too.
	shopper := api.as(ids+100, stylegraph.RoleShopper)
	// The index refreshes about once a second; a loaded machine takes longer.
	deadline := time.Now().Add(30 * time.Second)
	for {
		s, err := shopper.SearchProductsWithResponse(ctx, &client.SearchProductsParams{Q: ptr(fmt.Sprintf("Batchlinen%d", ids))})
		if err != nil {
			t.Fatal(err)
		}
		status(t, "search", s.StatusCode(), 200, s.Body)
		if len(s.JSON200.Hits) == 1 && s.JSON200.Hits[0].Product.Title == title {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("search for the batch's product = %s", s.Body)
		}
		time.Sleep(200 * time.Millisecond)
	}

	// Whole-request problems: not an array, empty, over the batch size;
	// and shoppers may not write the catalog.
	big := make([]client.Product, 501)
	for i := range big {
		big[i] = client.Product{Id: ptr(ids + 10 + int64(i)), Title: "x"}
	}
	bigBody, _ := json.Marshal(big)
	for _, tc := range []struct {
		name string
		c    *client.ClientWithResponses
		body []byte
		want int
	}{
		{"an object", api.service, []byte(`{"id": 1, "title": "x"}`), 400},
		{"an empty array", api.service, []byte(`[]`), 400},
		{"malformed", api.service, []byte(`[{"id": 1,`), 400},
		{"501 products", api.service, bigBody, 413},
		{"a shopper", shopper, []byte(`[{"id": 1, "title": "x"}]`), 403},
	} {
		r, err := tc.c.UpsertProductsWithBodyWithResponse(ctx, "application/json", bytes.NewReader(tc.body))
		if err != nil {
			t.Fatal(err)
		}
		if r.StatusCode() != tc.want || !strings.Contains(string(r.Body), `"error"`) {
			t.Errorf("%s: %d %s, want %d with a JSON error", tc.name, r.StatusCode(), r.Body, tc.want)
		}
	}
	for i := range big {
		if p, _ := api.service.GetProductWithResponse(ctx, *big[i].Id); p != nil && p.StatusCode() != 404 {
			t.Fatalf("product %d of the refused batch was stored", *big[i].Id)
		}
		if i > 3 {
			break // a few suffice
		}
	}
}
