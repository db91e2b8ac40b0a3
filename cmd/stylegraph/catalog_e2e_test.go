package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/internal/e2e"
	"github.com/stylegraph/stylegraph/internal/testenv"
	"github.com/stylegraph/stylegraph/search"
)

// call sends a JSON request as the given role and user and returns the
// status and the body.
func call(t *testing.T, method, url, token, body string) (int, []byte) {
	t.Helper()
	var header map[string]string
	if token != "" {
		header = map[string]string{"Authorization": "Bearer " + token}
	}
	return e2e.Send(t, method, url, header, body)
}

type errBody struct {
	Error struct {
		Code  string `json:"code"`
		Field string `json:"field"`
	} `json:"error"`
}

func TestCatalogAPI(t *testing.T) {
	base, d := startServer(t)
	ctx := context.Background()
	idb := testenv.IDBase(t)
	u := fmt.Sprint(idb)
	shopper := e2e.Token(t, d.Cfg.JWTSecret, idb+100, stylegraph.RoleShopper)
	merch := e2e.Token(t, d.Cfg.JWTSecret, idb+101, stylegraph.RoleMerchandiser)
	service := e2e.Token(t, d.Cfg.JWTSecret, idb+103, stylegraph.RoleService)
	admin := e2e.Token(t, d.Cfg.JWTSecret, idb+102, stylegraph.RoleAdmin)
	pid := idb + 1
	purl := fmt.Sprintf("%s/v1/products/%d", base, pid)
	body := fmt.Sprintf(`{"title":" Linen  Shirt ","brand":"Brand%s","categoryPath":["Apparel%s","Topwear","Shirts"],
		"color":"White","sizes":["S","M"],"price":49.5,"currency":"eur","images":["https://img.example/1.jpg"],
		"tags":["Linen%s","linen%s"],"gender":"Men","season":"Summer","usage":"Casual","createdAt":"2026-03-01T10:00:00Z"}`, u, u, u, u)

	for _, tt := range []struct {
		name, method, token string
		want                int
	}{
		{"no credentials", http.MethodPut, "", 401},
		{"shopper may not put", http.MethodPut, shopper, 403},
		{"shopper may not delete", http.MethodDelete, shopper, 403},
	} {
		if code, b := call(t, tt.method, purl, tt.token, body); code != tt.want {
			t.Errorf("%s: %d %s, want %d", tt.name, code, b, tt.want)
		}
	}

	code, b := call(t, http.MethodPut, purl, merch, body)
	if code != 200 {
		t.Fatalf("PUT = %d %s", code, b)
	}
	want := stylegraph.Product{
		ID: pid, Title: "Linen Shirt", Brand: "Brand" + u, BrandID: stylegraph.BrandID("Brand" + u),
		CategoryPath: []string{"Apparel" + u, "Topwear", "Shirts"}, Color: "White", Sizes: []string{"S", "M"},
		Price: 49.5, Currency: "EUR", Images: []string{"https://img.example/1.jpg"}, Tags: []string{"linen" + u},
		Gender: "Men", Season: "Summer", Usage: "Casual", CreatedAt: time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC),
	}
	var got stylegraph.Product
	if code, b := call(t, http.MethodGet, purl, shopper, ""); code != 200 || json.Unmarshal(b, &got) != nil {
		t.Fatalf("GET = %d %s", code, b)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("GET product (-want +got):\n%s", diff)
	}
	if !indexed(t, d, pid) {
		t.Errorf("product %d is not in the search index after PUT", pid)
	}

	for _, tt := range []struct {
		name, url, body, field string
	}{
		{"unknown field", purl, `{"title":"x","colour":"red"}`, "colour"},
		{"missing title", purl, `{"brand":"x"}`, "title"},
		{"price is text", purl, `{"title":"x","price":"cheap"}`, "price"},
		{"price without currency", purl, `{"title":"x","price":3}`, "currency"},
		{"id differs", purl, fmt.Sprintf(`{"id":%d,"title":"x"}`, pid+1), "id"},
		{"id is text", purl, `{"id":"1","title":"x"}`, "id"},
		{"bad path id", base + "/v1/products/abc", `{"title":"x"}`, "id"},
		{"bad date", purl, `{"title":"x","createdAt":"yesterday"}`, "createdAt"},
		{"not an object", purl, `[1]`, ""},
		{"trailing data", purl, `{"title":"x"} {}`, ""},
	} {
		code, b := call(t, http.MethodPut, tt.url, merch, tt.body)
		var e errBody
		_ = json.Unmarshal(b, &e)
		if code != 400 || e.Error.Code != "invalid" || e.Error.Field != tt.field {
			t.Errorf("%s: %d %s, want 400 invalid field %q", tt.name, code, b, tt.field)
		}
	}

	if code, b := call(t, http.MethodDelete, purl, service, ""); code != 204 {
		t.Fatalf("DELETE = %d %s", code, b)
	}
	if code, _ := call(t, http.MethodGet, purl, shopper, ""); code != 404 {
		t.Errorf("GET after DELETE = %d, want 404", code)
	}
	if code, _ := call(t, http.MethodDelete, purl, admin, ""); code != 404 {
		t.Errorf("second DELETE = %d, want 404", code)
	}
	if indexed(t, d, pid) {
		t.Errorf("product %d still in the search index after DELETE", pid)
	}

	// Users: the user themself, admin and service may edit a profile.
	me := idb + 100
	uurl := fmt.Sprintf("%s/v1/users/%d", base, me)
	for _, tt := range []struct {
		name, url, token, body string
		want                   int
		field                  string
	}{
		{"self", uurl, shopper, `{"name":" Ann ","imageURL":"https://img.example/a.png","home":"Seoul"}`, 200, ""},
		{"other shopper", fmt.Sprintf("%s/v1/users/%d", base, me+1), shopper, `{"name":"x"}`, 403, ""},
		{"merchandiser is not admin", uurl, merch, `{"name":"x"}`, 403, ""},
		{"bad image", uurl, shopper, `{"name":"Ann","imageURL":"javascript:alert(1)"}`, 400, "imageURL"},
		{"no name", uurl, shopper, `{"home":"Seoul"}`, 400, "name"},
		{"unknown field", uurl, shopper, `{"name":"Ann","email":"a@b"}`, 400, "email"},
		{"admin", fmt.Sprintf("%s/v1/users/%d", base, me+1), admin, `{"name":"Bo"}`, 200, ""},
	} {
		code, b := call(t, http.MethodPut, tt.url, tt.token, tt.body)
		var e errBody
		_ = json.Unmarshal(b, &e)
		if code != tt.want || e.Error.Field != tt.field {
			t.Errorf("PUT user %s: %d %s, want %d field %q", tt.name, code, b, tt.want, tt.field)
		}
	}
	gotUser, err := d.Graph.Catalog.User(ctx, me)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(stylegraph.User{ID: me, Name: "Ann", ImageURL: "https://img.example/a.png", Home: "Seoul"}, gotUser); diff != "" {
		t.Errorf("user in graph (-want +got):\n%s", diff)
	}
}

func indexed(t *testing.T, d *deps, id int64) bool {
	t.Helper()
	var doc struct {
		Found bool `json:"found"`
	}
	err := d.Search.Do(context.Background(), http.MethodGet, fmt.Sprintf("/%s/_doc/%d", d.Search.Alias("products"), id), nil, &doc)
	if err != nil && !search.IsStatus(err, http.StatusNotFound) {
		t.Fatal(err)
	}
	return doc.Found
}
