package search

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/stylegraph/stylegraph"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// TestQueryBodiesMatchGoldenFiles pins the OpenSearch requests the engine
// builds. After an intended change run `go test ./search -run Golden -update`
// and review the diff.
func TestQueryBodiesMatchGoldenFiles(t *testing.T) {
	lo, hi := 20.0, 80.0
	tests := []struct {
		golden string
		body   map[string]any
	}{
		{"query_text_filters", plan{req: stylegraph.SearchRequest{
			Query: "men navy shirt", Brands: []string{"Roadster", "Puma"}, Colors: []string{"Navy Blue"},
			PriceMin: &lo, PriceMax: &hi, Sort: stylegraph.SortRelevance, Limit: 20,
		}}.body()},
		{"query_personalised_browse", plan{
			req: stylegraph.SearchRequest{Categories: []string{"Apparel > Topwear"}, Sort: stylegraph.SortRelevance, Limit: 10},
			profile: stylegraph.TasteProfile{
				Brands:          map[string]float64{"Nova": 12, "Puma": 3},
				Tags:            map[string]float64{"streetwear": 5},
				LikedByFollowed: map[int64]int{42: 2, 7: 1},
			},
		}.body()},
		{"query_cursor_price_sort", plan{
			req:   stylegraph.SearchRequest{Query: "청바지", Genders: []string{"Women"}, Sort: stylegraph.SortPriceDesc, Limit: 5},
			after: []any{json.Number("49.99"), json.Number("123")},
		}.body()},
		{"query_relaxed", plan{req: stylegraph.SearchRequest{Query: "xeans", Sort: stylegraph.SortRelevance, Limit: 20}, relaxed: true, bare: true}.body()},
		{"suggest", suggestBody("nik", 8)},
	}
	for _, tt := range tests {
		t.Run(tt.golden, func(t *testing.T) {
			got, err := json.MarshalIndent(tt.body, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", tt.golden+".json")
			if *update {
				if err := os.WriteFile(path, append(got, '\n'), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if diff := cmp.Diff(string(want), string(got)+"\n"); diff != "" {
				t.Errorf("%s (-want +got):\n%s", path, diff)
			}
		})
	}
}

func TestCursorRoundTripAndRejectsForeignCursors(t *testing.T) {
	req := stylegraph.SearchRequest{Query: "tee", Sort: stylegraph.SortRelevance}
	after := []any{json.Number("12.5"), json.Number("9007199254740991")}
	c := encodeCursor(after, requestKey(req))
	got, err := decodeCursor(c, requestKey(req))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(after, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	other := req
	other.Query = "shirt"
	for name, s := range map[string]string{"other query": c, "garbage": "!!!", "not json": "bm90IGpzb24", "wrong arity": encodeCursor([]any{json.Number("1")}, requestKey(req))} {
		key := requestKey(req)
		if name == "other query" {
			key = requestKey(other)
		}
		if _, err := decodeCursor(s, key); stylegraph.ErrorField(err) != "cursor" {
			t.Errorf("%s: err %v, want invalid cursor", name, err)
		}
	}
}

func FuzzDecodeCursor(f *testing.F) {
	key := requestKey(stylegraph.SearchRequest{Query: "tee"})
	f.Add(encodeCursor([]any{json.Number("1.5"), json.Number("2")}, key))
	f.Add("")
	f.Add("eyJhIjpbIngiLDFdLCJrIjoiIn0")
	f.Fuzz(func(t *testing.T, s string) {
		after, err := decodeCursor(s, key)
		if err != nil {
			if stylegraph.ErrorCode(err) != stylegraph.EINVALID {
				t.Fatalf("error %v is not EINVALID", err)
			}
			return
		}
		if len(after) != 2 {
			t.Fatalf("accepted cursor with %d sort values", len(after))
		}
	})
}
