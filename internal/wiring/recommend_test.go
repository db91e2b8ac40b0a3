package wiring

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/stylegraph/stylegraph/config"
	"github.com/stylegraph/stylegraph/recommend"
)

// TestRecsDefaultsAgree: with no RECS_* set, the blend the server builds is
// recommend.DefaultConfig, since both read the root package's defaults.
func TestRecsDefaultsAgree(t *testing.T) {
	cfg, err := config.LoadFrom(func(string) (string, bool) { return "", false })
	if err != nil {
		t.Fatal(err)
	}
	got := (&Deps{Cfg: cfg}).RecsConfig()
	want := recommend.DefaultConfig()
	// IgnoreAfter and the rest are not RECS_* settings: New fills them.
	opts := cmpopts.IgnoreFields(recommend.Config{}, "IgnoreAfter", "TrendingTTL", "LiveTTL", "Budget")
	if diff := cmp.Diff(want, got, opts, cmpopts.IgnoreUnexported(recommend.Config{})); diff != "" {
		t.Errorf("server blend differs from recommend.DefaultConfig (-want +got):\n%s", diff)
	}
}
