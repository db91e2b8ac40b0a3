package catalog_test

import (
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/catalog"
	"github.com/stylegraph/stylegraph/internal/testenv"
)

func read(t *testing.T, src string, format catalog.Layout) ([]stylegraph.Product, []catalog.RowError, catalog.Layout) {
	t.Helper()
	r, err := catalog.NewReader(strings.NewReader(src), format)
	if err != nil {
		t.Fatalf("NewReader: %v", err)
	}
	ps, bad, err := catalog.ReadAll(r)
	if err != nil {
		t.Fatalf("ReadAll: %v", err)
	}
	return ps, bad, r.Layout()
}

func TestReadLayouts(t *testing.T) {
	tests := []struct {
		name       string
		format     catalog.Layout
		src        string
		wantLayout catalog.Layout
		want       []stylegraph.Product
		wantBad    []catalog.RowError
	}{
		{
			name:   "styles.csv",
			format: catalog.LayoutCSV,
			src: "id,gender,masterCategory,subCategory,articleType,baseColour,season,year,usage,productDisplayName\n" +
				"15970,Men,Apparel,Topwear,Shirts,Navy Blue,Fall,2011,Casual,Turtle Check Men Navy Blue Shirt\n" +
				"42878,Women,Accessories,Bags,Clutches,Maroon,Summer,2012,Casual,NA\n" +
				"x1,Men,Apparel,Topwear,Shirts,Blue,Fall,2011,Casual,Bad Id Shirt\n" +
				`11,Men,Personal Care,Fragrance,Perfume,NA,,,NA,"Boss Men Perfume, After Shave Balm"` + "\n" +
				"12,Men,Apparel,Topwear,Shirts,Blue,Fall,20x,Casual,Bad Year Men Shirt\n" +
				"13,Men,Apparel,Topwear\n" +
				"14,Women,Footwear,Shoes,Heels,Red,Winter,2016,Party,Catwalk Red Heels\n",
			wantLayout: catalog.LayoutStyles,
			want: []stylegraph.Product{
				{ID: 15970, Title: "Turtle Check Men Navy Blue Shirt", Brand: "Turtle Check", CategoryPath: []string{"Apparel", "Topwear", "Shirts"},
					Color: "Navy Blue", Gender: "Men", Season: "Fall", Usage: "Casual", Tags: []string{"casual", "fall", "navy blue"},
					CreatedAt: time.Date(2011, 1, 1, 0, 0, 0, 0, time.UTC)},
				{ID: 11, Title: "Boss Men Perfume, After Shave Balm", Brand: "Boss", CategoryPath: []string{"Personal Care", "Fragrance", "Perfume"},
					Gender: "Men"},
				{ID: 14, Title: "Catwalk Red Heels", Brand: "Catwalk", CategoryPath: []string{"Footwear", "Shoes", "Heels"},
					Color: "Red", Gender: "Women", Season: "Winter", Usage: "Party", Tags: []string{"party", "winter", "red"},
					CreatedAt: time.Date(2016, 1, 1, 0, 0, 0, 0, time.UTC)},
			},
			wantBad: []catalog.RowError{
				{Line: 3, Field: "productDisplayName", Reason: "is missing"},
				{Line: 4, Field: "id", Reason: "must be a positive integer below 2^53"},
				{Line: 6, Field: "year", Reason: "must be a year such as 2012"},
				{Line: 7, Reason: "has 4 fields, the header has 10"},
			},
		},
		{
			name:   "myntra",
			format: catalog.LayoutCSV,
			src: "ProductID,ProductName,ProductBrand,Gender,Price (INR),NumImages,Description,PrimaryColor\n" +
				"10009781,SPYKAR Women Pink Cropped Jeans,SPYKAR,Women,899,7,\"Pink jeans, clean look,\u00a0no fade\", Pink\n" +
				"10009782,Free Shirt,Brand,Men,-5,7,\"x\", Blue\n" +
				"10009783,,Brand,Men,5,7,\"multi\nline\", Blue\n" +
				"10009784,Plain Tee,Roadster,Men,499.5,3,plain,\n" +
				"10009785,DKNY Unisex Black Medium Trolley Bag,DKNY,Unisex,11745,7,bag, Black\n",
			wantLayout: catalog.LayoutMyntra,
			want: []stylegraph.Product{
				{ID: 10009781, Title: "SPYKAR Women Pink Cropped Jeans", Brand: "SPYKAR", Gender: "Women", Price: 899, Currency: "INR",
					CategoryPath: []string{"Apparel", "Bottomwear", "Jeans"},
					Description:  "Pink jeans, clean look,\u00a0no fade", Color: "Pink", Tags: []string{"pink"}},
				{ID: 10009784, Title: "Plain Tee", Brand: "Roadster", Gender: "Men", Price: 499.5, Currency: "INR", Description: "plain"},
				{ID: 10009785, Title: "DKNY Unisex Black Medium Trolley Bag", Brand: "DKNY", Gender: "Unisex", Price: 11745, Currency: "INR",
					Description: "bag", Color: "Black", Tags: []string{"black"}, CategoryPath: []string{"Accessories", "Bags", "Trolley Bag"}},
			},
			wantBad: []catalog.RowError{
				{Line: 3, Field: "Price (INR)", Reason: "must be a number between 0 and 1e+09"},
				{Line: 4, Field: "ProductName", Reason: "is required"},
			},
		},
		{
			name:   "own csv",
			format: catalog.LayoutCSV,
			src: "\ufefftitle,id,brand,categoryPath,sizes,price,currency,images,tags,createdAt,stock\n" +
				"Linen Shirt,7,Acme,Apparel > Topwear > Shirts,S|M|L,49.9,usd,https://img/7.jpg,Summer|linen|summer,2026-03-01,12\n" +
				"No Currency,8,Acme,,,10,,,,,\n" +
				"Bad Date,9,Acme,,,,,,,yesterday,\n" +
				"\n" +
				"Minimal,10,,,,,,,,2026-03-01T10:00:00+02:00,\n" +
				"Bad\xff,11,,,,,,,,,\n" +
				"Bad Stock,12,,,,,,,,,-3\n",
			wantLayout: catalog.LayoutCSV,
			want: []stylegraph.Product{
				{ID: 7, Title: "Linen Shirt", Brand: "Acme", CategoryPath: []string{"Apparel", "Topwear", "Shirts"}, Sizes: []string{"S", "M", "L"},
					Price: 49.9, Currency: "USD", Images: []string{"https://img/7.jpg"}, Tags: []string{"summer", "linen"},
					Stock: ptr(12), CreatedAt: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)},
				{ID: 10, Title: "Minimal", CreatedAt: time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)},
			},
			wantBad: []catalog.RowError{
				{Line: 3, Field: "currency", Reason: "is required with a price"},
				{Line: 4, Field: "createdAt", Reason: "must be an RFC 3339 timestamp or a date"},
				{Line: 7, Field: "title", Reason: "must be valid UTF-8"},
				{Line: 8, Field: "stock", Reason: "must be a whole number between 0 and 1000000000"},
			},
		},
		{
			name:   "ndjson",
			format: catalog.LayoutNDJSON,
			src: `{"id":1,"title":"A","price":5,"currency":"EUR","categoryPath":["Apparel","Tops"]}` + "\n" +
				"\n" +
				`{"id":2,"title":"B","colour":"red"}` + "\n" +
				`{"id":"3","title":"C"}` + "\n" +
				`{"id":4,"title":"D"} {"id":5}` + "\n" +
				`{"id":6,"title":"E","categoryPath":["A > B"]}` + "\n" +
				`{"id":7,"title":"` + "\xff" + `"}` + "\n" +
				`{"id":8,"title":"F","createdAt":"2026-01-02T03:04:05Z"}`,
			wantLayout: catalog.LayoutNDJSON,
			want: []stylegraph.Product{
				{ID: 1, Title: "A", Price: 5, Currency: "EUR", CategoryPath: []string{"Apparel", "Tops"}},
				{ID: 8, Title: "F", CreatedAt: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)},
			},
			wantBad: []catalog.RowError{
				{Line: 3, Field: "colour", Reason: "unknown field"},
				{Line: 4, Field: "id", Reason: "must be an integer"},
				{Line: 5, Reason: "unexpected data after the JSON object"},
				{Line: 6, Field: "categoryPath", Reason: "a level must not contain '>'"},
				{Line: 7, Field: "title", Reason: "must be valid UTF-8"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, bad, layout := read(t, tt.src, tt.format)
			if layout != tt.wantLayout {
				t.Errorf("layout = %s, want %s", layout, tt.wantLayout)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("products (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantBad, bad); diff != "" {
				t.Errorf("bad rows (-want +got):\n%s", diff)
			}
		})
	}
}

func TestReaderRejectsUnknownHeaders(t *testing.T) {
	for _, src := range []string{"", "sku,name\n1,x\n", "id,gender,masterCategory,productDisplayName\n1,Men,Apparel,X\n"} {
		_, err := catalog.NewReader(strings.NewReader(src), catalog.LayoutCSV)
		if stylegraph.ErrorCode(err) != stylegraph.EINVALID {
			t.Errorf("header %q: err = %v, want invalid", src, err)
		}
	}
}

func TestNDJSONLongLineIsOneBadRow(t *testing.T) {
	src := `{"id":1,"title":"` + strings.Repeat("x", catalog.MaxLineBytes) + `"}` + "\n" + `{"id":2,"title":"ok"}` + "\n"
	got, bad, _ := read(t, src, catalog.LayoutNDJSON)
	if len(got) != 1 || got[0].ID != 2 {
		t.Errorf("products = %+v, want only id 2", got)
	}
	if diff := cmp.Diff([]catalog.RowError{{Line: 1, Reason: "line is over 1048576 bytes"}}, bad); diff != "" {
		t.Errorf("bad rows (-want +got):\n%s", diff)
	}
}

func TestNormalizeNamesTheField(t *testing.T) {
	tests := []struct {
		name  string
		p     stylegraph.Product
		field string
	}{
		{"no id", stylegraph.Product{Title: "x"}, "id"},
		{"huge id", stylegraph.Product{ID: 1 << 60, Title: "x"}, "id"},
		{"blank title", stylegraph.Product{ID: 1, Title: " \u00a0 "}, "title"},
		{"negative price", stylegraph.Product{ID: 1, Title: "x", Price: -1, Currency: "USD"}, "price"},
		{"bad currency", stylegraph.Product{ID: 1, Title: "x", Price: 1, Currency: "US"}, "currency"},
		{"deep category", stylegraph.Product{ID: 1, Title: "x", CategoryPath: []string{"a", "b", "c", "d", "e", "f"}}, "categoryPath"},
		{"image with space", stylegraph.Product{ID: 1, Title: "x", Images: []string{"a b"}}, "images"},
		{"too many tags", stylegraph.Product{ID: 1, Title: "x", Tags: make([]string, 51)}, "tags"},
		{"future", stylegraph.Product{ID: 1, Title: "x", CreatedAt: time.Now().Add(48 * time.Hour)}, "createdAt"},
		{"brand id without brand", stylegraph.Product{ID: 1, Title: "x", BrandID: 5}, "brand"},
		{"negative stock", stylegraph.Product{ID: 1, Title: "x", Stock: ptr(-1)}, "stock"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := catalog.Normalize(&tt.p)
			if stylegraph.ErrorCode(err) != stylegraph.EINVALID || stylegraph.ErrorField(err) != tt.field {
				t.Fatalf("Normalize = %v, want invalid %s", err, tt.field)
			}
		})
	}
}

// TestRealCatalogs reads both public catalogs whole: every row maps except
// the seven styles.csv rows whose name is the literal NA (see its SOURCE.md).
func TestRealCatalogs(t *testing.T) {
	tests := []struct {
		file       string
		layout     catalog.Layout
		products   int
		badLines   []int
		brands     int
		firstTitle string
		firstBrand string
	}{
		{"fashion-product-images-styles/styles.csv", catalog.LayoutStyles, 44439,
			[]int{3679, 14304, 17654, 22104, 23499, 37551, 40699}, 1057, "Turtle Check Men Navy Blue Shirt", "Turtle Check"},
		{"myntra-products-catalog/myntra_products_catalog.csv", catalog.LayoutMyntra, 12491, nil, 677,
			"DKNY Unisex Black & Grey Printed Medium Trolley Bag", "DKNY"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			r, closer, err := catalog.Open(testenv.Dataset(t, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			defer closer.Close()
			ps, bad, err := catalog.ReadAll(r)
			if err != nil {
				t.Fatal(err)
			}
			if r.Layout() != tt.layout || len(ps) != tt.products {
				t.Errorf("layout %s with %d products, want %s with %d", r.Layout(), len(ps), tt.layout, tt.products)
			}
			var lines []int
			for _, b := range bad {
				lines = append(lines, b.Line)
			}
			if diff := cmp.Diff(tt.badLines, lines); diff != "" {
				t.Errorf("bad lines (-want +got):\n%s", diff)
			}
			brands, ids := map[string]bool{}, map[int64]bool{}
			for _, p := range ps {
				brands[p.Brand] = true
				ids[p.ID] = true
				if p.Brand == "" || p.Title == "" {
					t.Fatalf("product %d lacks brand or title: %+v", p.ID, p)
				}
			}
			if len(brands) != tt.brands || len(ids) != len(ps) {
				t.Errorf("%d brands and %d distinct ids, want %d and %d", len(brands), len(ids), tt.brands, len(ps))
			}
			categorised := 0
			for _, p := range ps {
				if len(p.CategoryPath) == 3 {
					categorised++
				}
			}
			if categorised < len(ps)*8/10 {
				t.Errorf("%d of %d products have a category, want at least 80%%", categorised, len(ps))
			}
			if ps[0].Title != tt.firstTitle || ps[0].Brand != tt.firstBrand {
				t.Errorf("first product %q by %q", ps[0].Title, ps[0].Brand)
			}
		})
	}
}

func FuzzReadCSV(f *testing.F) {
	f.Add("id,title,price,currency,categoryPath\n1,A,2,USD,a>b\n")
	f.Add("id,gender,masterCategory,subCategory,articleType,baseColour,season,year,usage,productDisplayName\n1,Men,A,B,C,NA,,2011,NA,\"x, y\"\n")
	f.Add("ProductID,ProductName,ProductBrand,Gender,Price (INR),NumImages,Description,PrimaryColor\n1,a,b,c,1e400,1,\"d\n")
	f.Fuzz(func(t *testing.T, src string) {
		r, err := catalog.NewReader(strings.NewReader(src), catalog.LayoutCSV)
		if err != nil {
			return
		}
		for range 10000 {
			p, err := r.Next()
			var re *catalog.RowError
			switch {
			case errors.Is(err, io.EOF):
				return
			case errors.As(err, &re):
				if re.Line <= 0 {
					t.Fatalf("row error without a line: %+v", re)
				}
			case err != nil:
				t.Fatalf("fatal error on in-memory input: %v", err)
			default:
				if err := catalog.Normalize(&p); err != nil {
					t.Fatalf("a returned product does not validate: %v", err)
				}
			}
		}
	})
}

func FuzzDecodeProduct(f *testing.F) {
	f.Add([]byte(`{"id":1,"title":"x","tags":["A","a"],"price":1,"currency":"usd"}`))
	f.Add([]byte(`{"id":1e3,"title":null}`))
	f.Add([]byte(`{"id":1,"title":"x","createdAt":"nope"}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := catalog.DecodeProduct(b)
		if err != nil {
			if stylegraph.ErrorCode(err) != stylegraph.EINVALID {
				t.Fatalf("decode error %v is not invalid", err)
			}
			return
		}
		if err := catalog.Normalize(&p); err != nil {
			t.Fatalf("normalised product does not normalise again: %v", err)
		}
	})
}

func ptr[T any](v T) *T { return &v }
