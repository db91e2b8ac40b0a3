package catalog

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/stylegraph/stylegraph"
)

// Layout is the shape of a catalog file.
type Layout string

// Layouts the reader understands. The CSV layout is picked from the header.
const (
	// LayoutCSV is the project's own CSV: id,title,description,brand,
	// categoryPath,color,sizes,price,currency,images,tags,gender,season,usage,
	// stock,createdAt (only id and title required, any column order; an empty
	// stock leaves the stored stock as it is).
	LayoutCSV Layout = "stylegraph-csv"
	// LayoutNDJSON is one Product JSON object per line.
	LayoutNDJSON Layout = "ndjson"
	// LayoutStyles is the Kaggle "Fashion Product Images" styles.csv.
	LayoutStyles Layout = "fashion-styles"
	// LayoutMyntra is the Kaggle "Myntra products catalog" CSV.
	LayoutMyntra Layout = "myntra"
)

// MaxLineBytes bounds one NDJSON line.
const MaxLineBytes = 1 << 20

// Reader yields products one by one. Next returns a *RowError for a bad row
// (call Next again to go on), io.EOF at the end, and any other error when the
// input cannot be read further.
type Reader struct {
	layout Layout
	next   func() (stylegraph.Product, error)
}

// Layout is the layout the reader detected.
func (r *Reader) Layout() Layout { return r.layout }

// Next returns the next product.
func (r *Reader) Next() (stylegraph.Product, error) { return r.next() }

// Open returns a reader for the file, choosing NDJSON for .ndjson/.jsonl
// names and a CSV layout from the header otherwise. Closing the returned
// closer closes the file.
func Open(path string) (*Reader, io.Closer, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, fmt.Errorf("open catalog: %w", err)
	}
	format := LayoutCSV
	switch strings.ToLower(filepath.Ext(path)) {
	case ".ndjson", ".jsonl":
		format = LayoutNDJSON
	}
	r, err := NewReader(f, format)
	if err != nil {
		f.Close()
		return nil, nil, fmt.Errorf("read %s: %w", filepath.Base(path), err)
	}
	return r, f, nil
}

// NewReader reads NDJSON when format is LayoutNDJSON and CSV otherwise, the
// CSV layout being detected from the header row.
func NewReader(in io.Reader, format Layout) (*Reader, error) {
	if format == LayoutNDJSON {
		return newNDJSON(in), nil
	}
	return newCSV(in)
}

// ReadAll reads every product, collecting the bad rows.
func ReadAll(r *Reader) ([]stylegraph.Product, []RowError, error) {
	var ps []stylegraph.Product
	var bad []RowError
	for {
		p, err := r.Next()
		var re *RowError
		switch {
		case err == nil:
			ps = append(ps, p)
		case errors.Is(err, io.EOF):
			return ps, bad, nil
		case errors.As(err, &re):
			bad = append(bad, *re)
		default:
			return ps, bad, err
		}
	}
}

func newNDJSON(in io.Reader) *Reader {
	br := bufio.NewReaderSize(in, 64<<10)
	line := 0
	next := func() (stylegraph.Product, error) {
		for {
			b, err := readLine(br)
			if errors.Is(err, io.EOF) && len(b) == 0 {
				return stylegraph.Product{}, io.EOF
			}
			line++
			if errors.Is(err, errLongLine) {
				return stylegraph.Product{}, &RowError{Line: line, Reason: fmt.Sprintf("line is over %d bytes", MaxLineBytes)}
			}
			if err != nil && !errors.Is(err, io.EOF) {
				return stylegraph.Product{}, fmt.Errorf("read line %d: %w", line, err)
			}
			b = bytes.TrimSpace(b)
			if len(b) == 0 {
				continue
			}
			p, derr := decodeProduct(b)
			if derr == nil {
				derr = Normalize(&p)
			}
			if derr != nil {
				return stylegraph.Product{}, rowError(line, derr)
			}
			return p, nil
		}
	}
	return &Reader{layout: LayoutNDJSON, next: next}
}

var errLongLine = errors.New("line too long")

// readLine returns one line without its newline, discarding the rest of a
// line over MaxLineBytes.
func readLine(br *bufio.Reader) ([]byte, error) {
	var buf []byte
	for {
		chunk, err := br.ReadSlice('\n')
		if len(buf)+len(chunk) > MaxLineBytes {
			for errors.Is(err, bufio.ErrBufferFull) {
				_, err = br.ReadSlice('\n')
			}
			if err != nil && !errors.Is(err, io.EOF) {
				return nil, err
			}
			return []byte{0}, errLongLine
		}
		buf = append(buf, chunk...)
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		return bytes.TrimSuffix(buf, []byte("\n")), err
	}
}

// decodeProduct parses one product strictly (stylegraph.DecodeJSON).
func decodeProduct(b []byte) (stylegraph.Product, error) {
	var p stylegraph.Product
	if err := stylegraph.DecodeJSON(b, &p); err != nil {
		return stylegraph.Product{}, err
	}
	return p, nil
}

// DecodeProduct parses one product JSON object strictly and normalises it.
func DecodeProduct(b []byte) (stylegraph.Product, error) {
	p, err := decodeProduct(b)
	if err != nil {
		return p, err
	}
	return p, Normalize(&p)
}

// csvLayout maps one CSV layout's columns to a product.
type csvLayout struct {
	name Layout
	// detect lists columns whose presence identifies the layout.
	detect []string
	// required columns must be present.
	required []string
	// columns renames Product JSON fields to this layout's column names in
	// row errors.
	columns map[string]string
	row     func(col func(string) string) (stylegraph.Product, error)
}

var csvLayouts = []csvLayout{
	{
		name:     LayoutStyles,
		detect:   []string{"productDisplayName", "masterCategory"},
		required: []string{"id", "gender", "masterCategory", "subCategory", "articleType", "baseColour", "season", "year", "usage", "productDisplayName"},
		columns:  map[string]string{"title": "productDisplayName", "color": "baseColour", "createdAt": "year", "categoryPath": "articleType"},
		row:      stylesRow,
	},
	{
		name:     LayoutMyntra,
		detect:   []string{"ProductID", "ProductBrand"},
		required: []string{"ProductID", "ProductName", "ProductBrand", "Gender", "Price (INR)", "Description", "PrimaryColor"},
		columns: map[string]string{"id": "ProductID", "title": "ProductName", "brand": "ProductBrand", "gender": "Gender",
			"price": "Price (INR)", "description": "Description", "color": "PrimaryColor"},
		row: myntraRow,
	},
	{
		name:     LayoutCSV,
		detect:   []string{"id", "title"},
		required: []string{"id", "title"},
		row:      ownRow,
	},
}

func newCSV(in io.Reader) (*Reader, error) {
	cr := csv.NewReader(in)
	cr.FieldsPerRecord = -1
	header, index, err := readCSVHeader(cr)
	if err != nil {
		return nil, err
	}
	lay, err := detectCSVLayout(index)
	if err != nil {
		return nil, err
	}
	return &Reader{layout: lay.name, next: csvRows(cr, len(header), index, lay)}, nil
}

// readCSVHeader reads the header row (without a byte-order mark) and
// indexes its column names.
func readCSVHeader(cr *csv.Reader) ([]string, map[string]int, error) {
	header, err := cr.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, nil, stylegraph.Invalid("", "empty catalog: no header row")
		}
		return nil, nil, stylegraph.Invalid("", "unreadable header row: %s", err.Error())
	}
	if len(header) > 0 {
		header[0] = strings.TrimPrefix(header[0], "\ufeff")
	}
	index := map[string]int{}
	for i, h := range header {
		index[strings.TrimSpace(h)] = i
	}
	return header, index, nil
}

// detectCSVLayout returns the first layout whose detecting columns the
// header has, once it also has the layout's required ones.
func detectCSVLayout(index map[string]int) (*csvLayout, error) {
	var lay *csvLayout
	for i := range csvLayouts {
		l := &csvLayouts[i]
		ok := true
		for _, c := range l.detect {
			_, has := index[c]
			ok = ok && has
		}
		if ok {
			lay = l
			break
		}
	}
	if lay == nil {
		return nil, stylegraph.Invalid("", "unknown CSV layout: the header needs id,title (stylegraph), id,…,productDisplayName (styles.csv) or ProductID,…,ProductBrand (Myntra)")
	}
	for _, c := range lay.required {
		if _, ok := index[c]; !ok {
			return nil, stylegraph.Invalid(c, "column missing from the %s header", lay.name)
		}
	}
	return lay, nil
}

// csvRows returns the Reader's next: each row of width fields read as a
// normalised product of the layout, blank lines skipped, a bad row a
// RowError naming the layout's column.
func csvRows(cr *csv.Reader, width int, index map[string]int, lay *csvLayout) func() (stylegraph.Product, error) {
	return func() (stylegraph.Product, error) {
		for {
			rec, err := cr.Read()
			if errors.Is(err, io.EOF) {
				return stylegraph.Product{}, io.EOF
			}
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return stylegraph.Product{}, &RowError{Line: pe.StartLine, Reason: "malformed CSV: " + pe.Err.Error()}
			}
			if err != nil {
				return stylegraph.Product{}, fmt.Errorf("read CSV: %w", err)
			}
			line, _ := cr.FieldPos(0)
			if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
				continue
			}
			if len(rec) != width {
				return stylegraph.Product{}, &RowError{Line: line, Reason: fmt.Sprintf("has %d fields, the header has %d", len(rec), width)}
			}
			col := func(name string) string {
				if i, ok := index[name]; ok {
					return rec[i]
				}
				return ""
			}
			p, err := lay.row(col)
			if err == nil {
				err = Normalize(&p)
			}
			if err != nil {
				re := rowError(line, err)
				if c, ok := lay.columns[re.Field]; ok {
					re.Field = c
				}
				return stylegraph.Product{}, re
			}
			return p, nil
		}
	}
}

func parseID(field, s string) (int64, error) {
	id, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil || id <= 0 || id > maxID {
		return 0, stylegraph.Invalid(field, "must be a positive integer below 2^53")
	}
	return id, nil
}

// idAndPrice parses a row's ID and price from the named columns.
func idAndPrice(col func(string) string, idCol, priceCol string) (int64, float64, error) {
	id, err := parseID(idCol, col(idCol))
	if err != nil {
		return 0, 0, err
	}
	price, err := parsePrice(priceCol, col(priceCol))
	return id, price, err
}

func parsePrice(field, s string) (float64, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || v < 0 || v > MaxPrice || v != v {
		return 0, stylegraph.Invalid(field, "must be a number between 0 and %g", float64(MaxPrice))
	}
	return v, nil
}

// na maps the Kaggle files' missing-value markers to "".
func na(s string) string {
	s = clean(s)
	if s == "NA" || s == "NaN" || s == "nan" {
		return ""
	}
	return s
}

func stylesRow(col func(string) string) (stylegraph.Product, error) {
	id, err := parseID("id", col("id"))
	if err != nil {
		return stylegraph.Product{}, err
	}
	name := na(col("productDisplayName"))
	if name == "" {
		return stylegraph.Product{}, stylegraph.Invalid("productDisplayName", "is missing")
	}
	p := stylegraph.Product{
		ID:     id,
		Title:  name,
		Color:  na(col("baseColour")),
		Gender: na(col("gender")),
		Season: na(col("season")),
		Usage:  na(col("usage")),
	}
	p.Brand = brandFromName(name, p.Color)
	for _, c := range []string{"masterCategory", "subCategory", "articleType"} {
		if v := na(col(c)); v != "" {
			p.CategoryPath = append(p.CategoryPath, v)
		}
	}
	if y := na(col("year")); y != "" {
		n, err := strconv.Atoi(y)
		if err != nil || n < 1900 || n > 2100 {
			return stylegraph.Product{}, stylegraph.Invalid("year", "must be a year such as 2012")
		}
		// The catalog only knows the year a product was added.
		p.CreatedAt = time.Date(n, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	p.Tags = []string{p.Usage, p.Season, p.Color}
	return p, nil
}

// genderWords end the brand prefix of a styles.csv product name.
var genderWords = map[string]bool{
	"men": true, "women": true, "unisex": true, "boys": true, "girls": true, "kids": true, "boy": true, "girl": true,
	"man": true, "woman": true, "men's": true, "women's": true, "boy's": true, "girls'": true, "girl's": true,
	"boys'": true, "for": true, "mens": true, "womens": true,
}

// brandFromName takes the leading words of a styles.csv display name up to a
// gender word ("Peter England Men Party Blue Jeans" → "Peter England") or the
// colour, at most four words; with neither, the first word.
func brandFromName(name, colour string) string {
	words := strings.Fields(name)
	first := ""
	if cw := strings.Fields(colour); len(cw) > 0 {
		first = strings.ToLower(cw[0])
	}
	stop := -1
	for i, w := range words {
		lw := strings.ToLower(w)
		if genderWords[lw] || (first != "" && lw == first) {
			stop = i
			break
		}
	}
	if stop <= 0 || stop > 4 {
		stop = 1
	}
	return strings.Join(words[:stop], " ")
}

func myntraRow(col func(string) string) (stylegraph.Product, error) {
	id, price, err := idAndPrice(col, "ProductID", "Price (INR)")
	if err != nil {
		return stylegraph.Product{}, err
	}
	p := stylegraph.Product{
		ID:          id,
		Title:       col("ProductName"),
		Brand:       col("ProductBrand"),
		Gender:      na(col("Gender")),
		Price:       price,
		Currency:    "INR",
		Description: col("Description"),
		Color:       na(col("PrimaryColor")),
	}
	// The file has no category column; the name ends with the article.
	p.CategoryPath = categoryFromName(p.Title)
	p.Tags = []string{p.Color}
	return p, nil
}

func ownRow(col func(string) string) (stylegraph.Product, error) {
	id, price, err := idAndPrice(col, "id", "price")
	if err != nil {
		return stylegraph.Product{}, err
	}
	p := stylegraph.Product{
		ID: id, Title: col("title"), Description: col("description"), Brand: col("brand"),
		CategoryPath: split(col("categoryPath"), ">"), Color: col("color"), Sizes: split(col("sizes"), "|"),
		Price: price, Currency: col("currency"), Images: split(col("images"), "|"), Tags: split(col("tags"), "|"),
		Gender: col("gender"), Season: col("season"), Usage: col("usage"),
	}
	if s := strings.TrimSpace(col("stock")); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 || n > MaxStock {
			return stylegraph.Product{}, stylegraph.Invalid("stock", "must be a whole number between 0 and %d", MaxStock)
		}
		p.Stock = &n
	}
	if s := strings.TrimSpace(col("createdAt")); s != "" {
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			if t, err = time.Parse(time.DateOnly, s); err != nil {
				return stylegraph.Product{}, stylegraph.Invalid("createdAt", "must be an RFC 3339 timestamp or a date")
			}
		}
		p.CreatedAt = t
	}
	return p, nil
}

func split(s, sep string) []string {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	parts := strings.Split(s, sep)
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	return parts
}
