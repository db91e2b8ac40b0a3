package main

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/api/client"
	"github.com/stylegraph/stylegraph/internal/testenv"
)

// TestBrandDropThroughGeneratedClient: a shopper follows a brand; a new
// product of it (PUT) reaches them as a brand_drop notification from the
// worker; replacing that product tells nobody again; two more new products in
// one batch (POST) aggregate into the same notification. A non-follower hears
// nothing.
func TestBrandDropThroughGeneratedClient(t *testing.T) {
	base, d := startServerWith(t, isolate(t))
	ctx := context.Background()
	ids := testenv.IDBase(t)
	fan, other := ids+1, ids+2
	if err := d.Graph.Catalog.UpsertUsers(ctx, []stylegraph.User{{ID: fan, Name: "Fan"}, {ID: other, Name: "Other"}}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = d.Graph.Seed.PurgeUsers(context.Background(), ids, ids+10)
		for i := int64(1); i <= 3; i++ {
			_, _ = d.Graph.Catalog.DeleteProduct(context.Background(), ids+100+i)
		}
	})
	startWorker(t, d)
	api := newAPIClients(t, base, d)
	brand := fmt.Sprintf("Drop Brand %d", ids)
	brandID := stylegraph.BrandID(brand)

	put := func(id int64, title string) {
		t.Helper()
		r, err := api.service.PutProductWithResponse(ctx, id, client.Product{Title: title, Brand: ptr(brand), Price: ptr(80.0), Currency: ptr("USD")})
		if err != nil {
			t.Fatal(err)
		}
		status(t, "PUT product", r.StatusCode(), 200, r.Body)
	}
	// The brand exists once it has a product; the first one predates the
	// follow. It is written to the graph directly: through the API its own
	// drop event could reach the worker after the follow and notify the fan.
	if err := d.Graph.Catalog.UpsertProducts(ctx, []stylegraph.Product{{ID: ids + 100, Title: "Before", Brand: brand, Price: 80, Currency: "USD"}}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _, _ = d.Graph.Catalog.DeleteProduct(context.Background(), ids+100) })
	fol, err := api.as(fan, stylegraph.RoleShopper).FollowWithResponse(ctx, "brands", brandID)
	if err != nil {
		t.Fatal(err)
	}
	status(t, "follow brand", fol.StatusCode(), 204, fol.Body)

	put(ids+101, "Linen Jacket")
	want := brand + " dropped Linen Jacket"
	p := api.awaitNotifications(fan, func(p client.NotificationPage) bool { return len(p.Items) == 1 && p.Items[0].Text == want })
	if len(p.Items) != 1 || p.Items[0].Type != "brand_drop" || p.Items[0].Text != brand+" dropped Linen Jacket" ||
		p.Items[0].Target.Id != ids+101 || p.Items[0].ActorCount != 1 || p.Unread != 1 {
		t.Fatalf("fan's notifications after the drop: %+v", p)
	}
	put(ids+101, "Linen Jacket, renamed") // not new: no drop

	body := fmt.Sprintf(`[{"id": %d, "title": "Silk Scarf", "brand": %q, "price": 30, "currency": "USD"},
		{"id": %d, "title": "Wool Cap", "brand": %q, "price": 20, "currency": "USD"}]`, ids+102, brand, ids+103, brand)
	r, err := api.service.UpsertProductsWithBodyWithResponse(ctx, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	status(t, "POST /v1/products", r.StatusCode(), 200, r.Body)
	got := api.awaitNotifications(fan, func(p client.NotificationPage) bool { return len(p.Items) == 1 && p.Items[0].ActorCount == 3 })
	if len(got.Items) != 1 || got.Items[0].ActorCount != 3 || !strings.HasSuffix(got.Items[0].Text, " and 2 more") {
		t.Fatalf("fan's notifications after the batch: %+v, want one brand_drop of 3 products", got)
	}
	if p := api.notifications(other); len(p.Items) != 0 {
		t.Errorf("a non-follower's notifications: %+v, want none", p)
	}
}
