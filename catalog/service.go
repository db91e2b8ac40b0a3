package catalog

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/search"
)

// Graph is what the catalog needs from the graph store.
type Graph interface {
	UpsertProducts(ctx context.Context, products []stylegraph.Product) error
	DeleteProduct(ctx context.Context, id int64) (bool, error)
	Product(ctx context.Context, id int64) (stylegraph.Product, error)
	UpsertUsers(ctx context.Context, users []stylegraph.User) error
	NewProductIDs(ctx context.Context, ids []int64) ([]int64, error)
}

// Index is what the catalog needs from the search index.
type Index interface {
	IndexProducts(ctx context.Context, products []stylegraph.Product) (search.BulkReport, error)
	DeleteProducts(ctx context.Context, ids []int64) (search.BulkReport, error)
}

// Service keeps products in the graph and the search index in step. The
// graph is written first: it is the source of truth, and every write is an
// upsert, so a caller retries a failed call until both agree.
type Service struct {
	Graph Graph
	Index Index
	// Changed, when set, hears of every product written or deleted (the
	// recommendation cache drops its cards of them).
	Changed Listener
	// Activity, when set, receives a product_created event for each product
	// of a brand that the graph did not hold before the write: the worker
	// tells the brand's followers (a brand drop).
	Activity Activity
}

// Activity receives the events catalog writes produce (the ingest Log).
type Activity interface {
	Append(ctx context.Context, events []stylegraph.Event) error
}

// newOfBrands returns the IDs among ps that have a brand and are not in the
// graph yet; nil when nobody listens.
func (s *Service) newOfBrands(ctx context.Context, ps []stylegraph.Product) ([]int64, error) {
	if s.Activity == nil {
		return nil, nil
	}
	var ids []int64
	for _, p := range ps {
		if p.BrandID != 0 {
			ids = append(ids, p.ID)
		}
	}
	fresh, err := s.Graph.NewProductIDs(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("find new products: %w", err)
	}
	return fresh, nil
}

// dropped records a product_created event per new product. Two writers
// racing to create one product may both record it: the notification store
// counts a product once.
func (s *Service) dropped(ctx context.Context, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	now := time.Now().UTC()
	evs := make([]stylegraph.Event, len(ids))
	for i, id := range ids {
		evs[i] = stylegraph.Event{Type: stylegraph.EventProductCreated, OccurredAt: now, Target: &stylegraph.EventTarget{Kind: stylegraph.TargetProduct, ID: id}}
	}
	if err := s.Activity.Append(ctx, evs); err != nil {
		return fmt.Errorf("record %d new products: %w", len(ids), err)
	}
	return nil
}

// Listener hears which products changed.
type Listener interface {
	ProductsChanged(ctx context.Context, ids []int64) error
}

func (s *Service) changed(ctx context.Context, id int64) error {
	if s.Changed == nil {
		return nil
	}
	if err := s.Changed.ProductsChanged(ctx, []int64{id}); err != nil {
		return fmt.Errorf("product %d changed: %w", id, err)
	}
	return nil
}

// Product returns one product or ENOTFOUND.
func (s *Service) Product(ctx context.Context, id int64) (stylegraph.Product, error) {
	return s.Graph.Product(ctx, id)
}

// PutProduct validates and upserts p, returning it as stored.
func (s *Service) PutProduct(ctx context.Context, p stylegraph.Product) (stylegraph.Product, error) {
	if err := Normalize(&p); err != nil {
		return p, err
	}
	if p.Brand != "" && p.BrandID == 0 {
		p.BrandID = stylegraph.BrandID(p.Brand)
	}
	fresh, err := s.newOfBrands(ctx, []stylegraph.Product{p})
	if err != nil {
		return p, err
	}
	if err := s.Graph.UpsertProducts(ctx, []stylegraph.Product{p}); err != nil {
		return p, fmt.Errorf("upsert product %d: %w", p.ID, err)
	}
	if err := s.dropped(ctx, fresh); err != nil {
		return p, err
	}
	rep, err := s.Index.IndexProducts(ctx, []stylegraph.Product{p})
	if err != nil {
		return p, fmt.Errorf("index product %d: %w", p.ID, err)
	}
	if len(rep.Failed) > 0 {
		return p, fmt.Errorf("index product %d: status %d: %s", p.ID, rep.Failed[0].Status, rep.Failed[0].Reason)
	}
	return p, s.changed(ctx, p.ID)
}

// DeleteProduct removes a product from the graph and the index; ENOTFOUND
// when the graph did not have it (the index is cleaned either way).
func (s *Service) DeleteProduct(ctx context.Context, id int64) error {
	existed, err := s.Graph.DeleteProduct(ctx, id)
	if err != nil {
		return fmt.Errorf("delete product %d: %w", id, err)
	}
	rep, err := s.Index.DeleteProducts(ctx, []int64{id})
	if err != nil {
		return fmt.Errorf("unindex product %d: %w", id, err)
	}
	for _, f := range rep.Failed {
		if f.Status != 404 {
			return fmt.Errorf("unindex product %d: status %d: %s", id, f.Status, f.Reason)
		}
	}
	if !existed {
		return stylegraph.Errorf(stylegraph.ENOTFOUND, "product %d not found", id)
	}
	return s.changed(ctx, id)
}

// PutUser validates and upserts a user profile.
func (s *Service) PutUser(ctx context.Context, u stylegraph.User) (stylegraph.User, error) {
	if err := NormalizeUser(&u); err != nil {
		return u, err
	}
	if err := s.Graph.UpsertUsers(ctx, []stylegraph.User{u}); err != nil {
		return u, fmt.Errorf("upsert user %d: %w", u.ID, err)
	}
	return u, nil
}

// NormalizeUser trims and validates a profile, naming the bad field.
func NormalizeUser(u *stylegraph.User) error {
	u.Name, u.Home, u.ImageURL = clean(u.Name), clean(u.Home), strings.TrimSpace(u.ImageURL)
	switch {
	case u.ID <= 0 || u.ID > maxID:
		return stylegraph.Invalid("id", "must be a positive integer below 2^53")
	case u.Name == "":
		return stylegraph.Invalid("name", "is required")
	case !utf8.ValidString(u.Name) || utf8.RuneCountInString(u.Name) > MaxNameRunes:
		return stylegraph.Invalid("name", "must be valid UTF-8 of at most %d characters", MaxNameRunes)
	case !utf8.ValidString(u.Home) || utf8.RuneCountInString(u.Home) > MaxNameRunes:
		return stylegraph.Invalid("home", "must be valid UTF-8 of at most %d characters", MaxNameRunes)
	}
	if u.ImageURL != "" {
		if !stylegraph.PublicHTTPURL(u.ImageURL) || len(u.ImageURL) > MaxURLBytes {
			return stylegraph.Invalid("imageURL", "must be an http(s) URL of a public host, at most %d bytes", MaxURLBytes)
		}
	}
	return nil
}
