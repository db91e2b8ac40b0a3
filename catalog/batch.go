package catalog

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"

	"github.com/stylegraph/stylegraph"
)

// Limits of one batch upsert (POST /v1/products).
const (
	// MaxBatch is how many products one call may carry.
	MaxBatch = 500
	// MaxBatchBytes caps the request body: a full batch of large products.
	MaxBatchBytes = 4 << 20
	// MaxProductBytes caps one product's JSON.
	MaxProductBytes = 16 << 10
)

// Item outcomes of a batch upsert.
const (
	// Upserted: the product is in the graph and the search index.
	Upserted = "upserted"
	// Rejected: the item is bad input; sending it again will not help.
	Rejected = "rejected"
	// Failed: the graph has the product but the index refused it; the
	// upsert may be repeated as it is.
	Failed = "failed"
)

// ItemResult is the outcome for one product of a batch, in request order.
type ItemResult struct {
	Index  int        `json:"index"`
	ID     int64      `json:"id,omitempty"`
	Status string     `json:"status"`
	Error  *ItemError `json:"error,omitempty"`
}

// ItemError says why an item was not upserted, in the API's error vocabulary.
type ItemError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
}

func itemError(err error) *ItemError {
	return &ItemError{Code: stylegraph.ErrorCode(err), Message: stylegraph.ErrorMessage(err), Field: stylegraph.ErrorField(err)}
}

// SplitProducts reads a batch body: a JSON array of 1..MaxBatch product
// objects, each kept raw so a bad one is judged alone.
func SplitProducts(body []byte) ([]json.RawMessage, error) {
	if len(body) > MaxBatchBytes {
		return nil, stylegraph.Errorf(stylegraph.ETOOLARGE, "request body is over %d bytes", MaxBatchBytes)
	}
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 || trimmed[0] != '[' {
		return nil, stylegraph.Invalid("", "send a JSON array of products")
	}
	raws, ok := stylegraph.SplitJSONArray[json.RawMessage](trimmed)
	if !ok {
		return nil, stylegraph.Invalid("", "malformed JSON array of products")
	}
	switch {
	case len(raws) == 0:
		return nil, stylegraph.Invalid("", "the array of products is empty")
	case len(raws) > MaxBatch:
		return nil, stylegraph.Errorf(stylegraph.ETOOLARGE, "a batch holds at most %d products, got %d", MaxBatch, len(raws))
	}
	return raws, nil
}

// PutProducts validates each raw product on its own and upserts the good
// ones together: one graph write, one bulk index request. Every item gets
// a result in request order; an error is returned only when nothing could be
// written (the graph failed), and then the whole call may be retried.
func (s *Service) PutProducts(ctx context.Context, raws []json.RawMessage) ([]ItemResult, error) {
	results, good, at := validateBatch(raws)
	if len(good) == 0 {
		return results, nil
	}
	fresh, err := s.newOfBrands(ctx, good)
	if err != nil {
		return nil, err
	}
	if err := s.Graph.UpsertProducts(ctx, good); err != nil {
		return nil, fmt.Errorf("upsert %d products: %w", len(good), err)
	}
	if err := s.dropped(ctx, fresh); err != nil {
		return nil, err
	}
	for _, p := range good {
		results[at[p.ID]].Status = Upserted
	}
	if !s.indexBatch(ctx, good, at, results) {
		return results, nil
	}
	ids := make([]int64, 0, len(good))
	for _, p := range good {
		ids = append(ids, p.ID)
	}
	if s.Changed != nil {
		if err := s.Changed.ProductsChanged(ctx, ids); err != nil {
			return nil, fmt.Errorf("%d products changed: %w", len(ids), err)
		}
	}
	return results, nil
}

// validateBatch decodes and normalises each item: results holds one per
// item (the refused ones with their error), good the products to write and
// at each good product's item index.
func validateBatch(raws []json.RawMessage) (results []ItemResult, good []stylegraph.Product, at map[int64]int) {
	results = make([]ItemResult, len(raws))
	good = make([]stylegraph.Product, 0, len(raws))
	at = make(map[int64]int, len(raws)) // product ID -> index of its item
	for i, raw := range raws {
		results[i] = ItemResult{Index: i}
		p, err := decodeItem(raw)
		if p.ID > 0 && p.ID < 1<<53 {
			results[i].ID = p.ID // a bad ID is not echoed: the index says which item it was
		}
		if err == nil {
			if j, dup := at[p.ID]; dup {
				err = stylegraph.Invalid("id", "product %d is also item %d of this batch", p.ID, j)
			}
		}
		if err != nil {
			results[i].Status, results[i].Error = Rejected, itemError(err)
			continue
		}
		if p.Brand != "" && p.BrandID == 0 {
			p.BrandID = stylegraph.BrandID(p.Brand)
		}
		at[p.ID] = i
		good = append(good, p)
	}
	return results, good, at
}

// indexBatch indexes the stored products, marking in results the items the
// index refused; false when the index request failed as a whole (every item
// then says so, and the caller repeats the batch).
func (s *Service) indexBatch(ctx context.Context, good []stylegraph.Product, at map[int64]int, results []ItemResult) bool {
	rep, err := s.Index.IndexProducts(ctx, good)
	if err != nil {
		// The graph has them all; the index has none for sure.
		for _, p := range good {
			results[at[p.ID]].Status = Failed
			results[at[p.ID]].Error = &ItemError{Code: stylegraph.EUNAVAILABLE, Message: "stored, but the search index could not be written; send it again"}
		}
		return false
	}
	for _, f := range rep.Failed {
		if i, ok := at[f.ID]; ok {
			results[i].Status = Failed
			results[i].Error = &ItemError{Code: stylegraph.EUNAVAILABLE, Message: fmt.Sprintf("stored, but the search index refused it (status %d); send it again", f.Status)}
		}
	}
	return true
}

// decodeItem decodes one batch item strictly and normalises it.
func decodeItem(raw json.RawMessage) (stylegraph.Product, error) {
	if len(raw) > MaxProductBytes {
		return stylegraph.Product{}, stylegraph.Errorf(stylegraph.ETOOLARGE, "a product is at most %d bytes", MaxProductBytes)
	}
	if t := bytes.TrimSpace(raw); len(t) == 0 || t[0] != '{' {
		return stylegraph.Product{}, stylegraph.Invalid("", "each item must be a product object")
	}
	return DecodeProduct(raw)
}
