package stylegraph_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/stylegraph/stylegraph"
)

func TestEngagementWeightsParams(t *testing.T) {
	want := map[string]any{"view": 1.0, "like": 3.0, "cart": 4.0, "purchase": 6.0, "follow": 5.0}
	if diff := cmp.Diff(want, stylegraph.EngagementWeights.Params()); diff != "" {
		t.Errorf("weights params (-want +got):\n%s", diff)
	}
}
