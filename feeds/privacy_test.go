package feeds_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/stylegraph/stylegraph/feeds"
)

func TestExportAndEraseUser(t *testing.T) {
	e := newEnv(t, feeds.Config{})
	e.makeUsers(2)
	e.follow(e.user(2), e.user(1))
	a := e.post(e.user(1), "one", nil)
	b := e.post(e.user(1), "two", nil)
	e.consume()
	got, err := e.svc.ExportUser(e.ctx, e.user(2))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string]any{"timeline": []int64{b.ID, a.ID}}, got); diff != "" {
		t.Errorf("export (-want +got):\n%s", diff)
	}
	if err := e.svc.EraseUser(e.ctx, e.user(1), []int64{a.ID}); err != nil {
		t.Fatal(err)
	}
	if n, _ := e.r.Exists(e.ctx, e.svc.TimelineKey(e.user(1))).Result(); n != 0 {
		t.Errorf("erased user's list survived")
	}
	page, err := e.svc.Read(e.ctx, e.user(2), "", 20)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]int64{b.ID}, ids(page.Items)); diff != "" {
		t.Errorf("follower's feed after erasure buried item %d (-want +got):\n%s", a.ID, diff)
	}
}
