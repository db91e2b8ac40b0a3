// Package catalog reads product catalogs (the project's own CSV and NDJSON
// formats and the public Myntra CSV layouts) into stylegraph.Product values
// and validates products from any source. A bad row is reported with its line
// number and skipped; good rows are kept. Service keeps the graph and the
// search index in step for the catalog API. catalog must not import api or
// ingest.
package catalog

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/stylegraph/stylegraph"
)

// Limits on one product.
const (
	MaxTitleRunes       = 300
	MaxDescriptionRunes = 10000
	MaxListItems        = 50
	MaxNameRunes        = 100
	MaxURLBytes         = 2048
	MaxPrice            = 1e9
	maxID               = 1<<53 - 1
)

// MaxStock bounds a product's stock.
const MaxStock = 1_000_000_000

// Normalize trims and validates p in place, returning an EINVALID error that
// names the first bad field (JSON names, as in the API and NDJSON files).
func Normalize(p *stylegraph.Product) error {
	if p.ID <= 0 || p.ID > maxID {
		return stylegraph.Invalid("id", "must be a positive integer below 2^53")
	}
	if err := normalizeScalars(p); err != nil {
		return err
	}
	if err := normalizeLists(p); err != nil {
		return err
	}
	if !p.CreatedAt.IsZero() {
		p.CreatedAt = p.CreatedAt.UTC()
		if p.CreatedAt.Year() < 1900 || p.CreatedAt.After(time.Now().Add(24*time.Hour)) {
			return stylegraph.Invalid("createdAt", "must be between 1900 and now")
		}
	}
	return nil
}

// normalizeScalars trims p's texts and checks them, the brand ID, price,
// currency and stock.
func normalizeScalars(p *stylegraph.Product) error {
	p.Title = clean(p.Title)
	p.Description = strings.TrimSpace(p.Description)
	p.Brand = clean(p.Brand)
	p.Color = clean(p.Color)
	p.Currency = strings.ToUpper(strings.TrimSpace(p.Currency))
	p.Gender = clean(p.Gender)
	p.Season = clean(p.Season)
	p.Usage = clean(p.Usage)
	texts := [...]struct{ field, v string }{{"title", p.Title}, {"description", p.Description}, {"brand", p.Brand},
		{"color", p.Color}, {"gender", p.Gender}, {"season", p.Season}, {"usage", p.Usage}}
	for _, t := range texts {
		if !utf8.ValidString(t.v) {
			return stylegraph.Invalid(t.field, "must be valid UTF-8")
		}
	}
	switch {
	case p.Title == "":
		return stylegraph.Invalid("title", "is required")
	case utf8.RuneCountInString(p.Title) > MaxTitleRunes:
		return stylegraph.Invalid("title", "must be at most %d characters", MaxTitleRunes)
	case utf8.RuneCountInString(p.Description) > MaxDescriptionRunes:
		return stylegraph.Invalid("description", "must be at most %d characters", MaxDescriptionRunes)
	case p.BrandID < 0 || p.BrandID > maxID:
		return stylegraph.Invalid("brandId", "must be a positive integer below 2^53")
	case p.BrandID != 0 && p.Brand == "":
		return stylegraph.Invalid("brand", "is required with brandId")
	case p.Price < 0 || p.Price > MaxPrice || p.Price != p.Price:
		return stylegraph.Invalid("price", "must be between 0 and %g", float64(MaxPrice))
	case p.Currency != "" && !isCurrency(p.Currency):
		return stylegraph.Invalid("currency", "must be an ISO 4217 code such as USD")
	case p.Price > 0 && p.Currency == "":
		return stylegraph.Invalid("currency", "is required with a price")
	case p.Stock != nil && (*p.Stock < 0 || *p.Stock > MaxStock):
		return stylegraph.Invalid("stock", "must be between 0 and %d", MaxStock)
	}
	for _, t := range texts[2:] {
		if utf8.RuneCountInString(t.v) > MaxNameRunes {
			return stylegraph.Invalid(t.field, "must be at most %d characters", MaxNameRunes)
		}
	}
	return nil
}

// normalizeLists cleans p's category path, sizes, tags and image URLs.
func normalizeLists(p *stylegraph.Product) error {
	var err error
	if p.CategoryPath, err = names("categoryPath", p.CategoryPath, false); err != nil {
		return err
	}
	if len(p.CategoryPath) > 5 {
		return stylegraph.Invalid("categoryPath", "at most 5 levels")
	}
	for _, c := range p.CategoryPath {
		if strings.Contains(c, ">") {
			return stylegraph.Invalid("categoryPath", "a level must not contain '>'")
		}
	}
	if p.Sizes, err = names("sizes", p.Sizes, false); err != nil {
		return err
	}
	if p.Tags, err = names("tags", p.Tags, true); err != nil {
		return err
	}
	if len(p.Images) > MaxListItems {
		return stylegraph.Invalid("images", "at most %d images", MaxListItems)
	}
	for i, u := range p.Images {
		u = strings.TrimSpace(u)
		if u == "" || len(u) > MaxURLBytes || !utf8.ValidString(u) || strings.ContainsAny(u, " \t\r\n") {
			return stylegraph.Invalid("images", "image %d must be a URL of at most %d bytes", i, MaxURLBytes)
		}
		p.Images[i] = u
	}
	return nil
}

// names cleans a list of short names, dropping empties and duplicates;
// lower folds tags so "Casual" and "casual" are one Tag node.
func names(field string, in []string, lower bool) ([]string, error) {
	if len(in) > MaxListItems {
		return nil, stylegraph.Invalid(field, "at most %d items", MaxListItems)
	}
	var out []string
	for _, s := range in {
		s = clean(s)
		if lower {
			s = strings.ToLower(s)
		}
		if s == "" || slices.Contains(out, s) {
			continue
		}
		if !utf8.ValidString(s) || utf8.RuneCountInString(s) > MaxNameRunes {
			return nil, stylegraph.Invalid(field, "items must be valid UTF-8 of at most %d characters", MaxNameRunes)
		}
		out = append(out, s)
	}
	return out, nil
}

func isCurrency(s string) bool {
	if len(s) != 3 {
		return false
	}
	for _, r := range s {
		if r < 'A' || r > 'Z' {
			return false
		}
	}
	return true
}

// clean trims spaces (including no-break spaces) and collapses inner runs.
func clean(s string) string {
	if tidy(s) {
		return s
	}
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool {
		return r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\u00a0'
	}), " ")
}

// RowError is one row that was skipped, with where it is and why.
type RowError struct {
	Line   int    `json:"line"`
	Field  string `json:"field,omitempty"`
	Reason string `json:"reason"`
}

func (e *RowError) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("line %d: %s: %s", e.Line, e.Field, e.Reason)
	}
	return fmt.Sprintf("line %d: %s", e.Line, e.Reason)
}

func rowError(line int, err error) *RowError {
	return &RowError{Line: line, Field: stylegraph.ErrorField(err), Reason: stylegraph.ErrorMessage(err)}
}

// tidy reports whether clean would leave s as it is: no leading, trailing or
// doubled ASCII spaces and no other whitespace (the common case, kept
// allocation-free).
func tidy(s string) bool {
	prev := byte(' ')
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '\t' || c == '\n' || c == '\r' || c >= 0x80 && c == 0xc2 && i+1 < len(s) && s[i+1] == 0xa0 {
			return false
		}
		if c == ' ' && prev == ' ' {
			return false
		}
		prev = c
	}
	return prev != ' ' || s == ""
}
