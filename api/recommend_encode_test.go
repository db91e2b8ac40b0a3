package api

import (
	"encoding/json"
	"net/http/httptest"
	"testing"

	"github.com/gin-gonic/gin"
	"github.com/google/go-cmp/cmp"

	"github.com/stylegraph/stylegraph"
)

// Spliced answers are byte for byte what encoding/json writes for the
// list, with or without the items' kept encodings.
func TestRecommendationListsSpliceEncodedItems(t *testing.T) {
	items := []stylegraph.Recommendation{
		{Product: stylegraph.Product{ID: 1, Title: "Tee <&>"}, Score: 2.5, Reasons: []stylegraph.Reason{{Kind: "social", Text: "liked by Ana"}}},
		{Product: stylegraph.Product{ID: 2, Title: "Jeans"}, Score: 1e-9},
	}
	encoded := make([]stylegraph.Recommendation, len(items))
	for i, it := range items {
		b, err := json.Marshal(it)
		if err != nil {
			t.Fatal(err)
		}
		encoded[i] = it
		encoded[i].Encoded = b
	}
	for _, tc := range []struct {
		name string
		body RecommendationList
	}{
		{"spliced", RecommendationList{Items: encoded, Next: "b2Zmc2V0OjIw", Degraded: true}},
		{"spliced, last page", RecommendationList{Items: encoded}},
		{"partly encoded", RecommendationList{Items: append([]stylegraph.Recommendation{items[0]}, encoded[1:]...), Next: "x"}},
		{"empty", RecommendationList{Items: []stylegraph.Recommendation{}}},
		{"none", RecommendationList{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			c, _ := gin.CreateTestContext(rec)
			writeRecommendations(c, tc.body)
			want, err := json.Marshal(tc.body)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(string(want), rec.Body.String()); diff != "" {
				t.Fatalf("body (-encoding/json +written):\n%s", diff)
			}
			if ct := rec.Header().Get("Content-Type"); ct != "application/json; charset=utf-8" {
				t.Fatalf("Content-Type %q", ct)
			}
		})
	}
}
