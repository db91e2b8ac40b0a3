package graph_test

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/graph"
	"github.com/stylegraph/stylegraph/internal/testenv"
)

// relProps runs a read query and returns its rows.
func relProps(t *testing.T, g *graph.Stores, query string, params map[string]any) []map[string]any {
	t.Helper()
	rows, err := g.Inspect(context.Background(), query, params)
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func TestApplyActivityIsIdempotentAndOrderIndependent(t *testing.T) {
	g := testenv.Graph(t)
	ctx := context.Background()
	base := testenv.IDBase(t)
	user, other, product := base+1, base+2, base+3
	tag := "test-tag-" + time.Now().Format("150405.000000")
	brand := "Test Brand " + tag
	t0 := time.Now().UTC().Add(-time.Hour).Truncate(time.Millisecond)
	if err := g.Catalog.UpsertProducts(ctx, []stylegraph.Product{{
		ID: product, Title: "Tee", Brand: brand, CategoryPath: []string{"Test " + tag, "Tees"}, Tags: []string{tag}, CreatedAt: t0,
	}}); err != nil {
		t.Fatal(err)
	}
	at := func(min int) time.Time { return t0.Add(time.Duration(min) * time.Minute) }
	a := stylegraph.Activity{
		Follows:   []stylegraph.Toggle{{EventID: "f1", UserID: user, Kind: "user", ID: other, At: at(1)}, {EventID: "f2", UserID: user, Kind: "tag", Name: tag, At: at(1)}},
		Unfollows: []stylegraph.Toggle{{EventID: "u1", UserID: user, Kind: "tag", Name: tag, At: at(2)}},
		// The unlike is older than the like: the like stands.
		Likes:     []stylegraph.Toggle{{EventID: "l1", UserID: user, Kind: "product", ID: product, At: at(3)}},
		Unlikes:   []stylegraph.Toggle{{EventID: "l0", UserID: user, Kind: "product", ID: product, At: at(2)}},
		Views:     []stylegraph.Counted{{EventID: "v1", UserID: user, Kind: "product", ID: product, At: at(1)}, {EventID: "v2", UserID: user, Kind: "product", ID: product, At: at(4)}},
		CartAdds:  []stylegraph.Counted{{EventID: "c1", UserID: user, ID: product, Quantity: 2, At: at(5)}},
		Purchases: []stylegraph.Counted{{EventID: "p1", UserID: user, ID: product, Quantity: 2, Amount: 39, At: at(6)}},
		Interests: []stylegraph.Interest{{EventID: "v1", UserID: user, Kind: "product", ID: product, Weight: 1, At: at(1)}},
	}
	for i := 0; i < 2; i++ {
		if err := g.Activity.ApplyActivity(ctx, a); err != nil {
			t.Fatalf("apply #%d: %v", i+1, err)
		}
	}
	// Same events again, reversed within each list: nothing changes.
	rev := a
	rev.Views = []stylegraph.Counted{a.Views[1], a.Views[0]}
	if err := g.Activity.ApplyActivity(ctx, rev); err != nil {
		t.Fatal(err)
	}

	got := relProps(t, g, `MATCH (u:User {id: $u})-[r]->(x)
		RETURN type(r) AS rel, coalesce(x.id, x.path, x.name) AS target, r.count AS count, r.quantity AS quantity, r.amount AS amount
		ORDER BY rel, toString(target)`, map[string]any{"u": user})
	want := []map[string]any{
		{"rel": "CARTED", "target": product, "count": int64(1), "quantity": int64(2), "amount": nil},
		{"rel": "FOLLOWS", "target": other, "count": nil, "quantity": nil, "amount": nil},
		{"rel": "INTERESTED_IN", "target": stylegraph.BrandID(brand), "count": nil, "quantity": nil, "amount": nil},
		{"rel": "INTERESTED_IN", "target": "Test " + tag + " > Tees", "count": nil, "quantity": nil, "amount": nil},
		{"rel": "INTERESTED_IN", "target": tag, "count": nil, "quantity": nil, "amount": nil},
		{"rel": "LIKED", "target": product, "count": nil, "quantity": nil, "amount": nil},
		{"rel": "PURCHASED", "target": product, "count": int64(1), "quantity": int64(2), "amount": 39.0},
		{"rel": "UNFOLLOWED", "target": tag, "count": nil, "quantity": nil, "amount": nil},
		{"rel": "VIEWED", "target": product, "count": int64(2), "quantity": nil, "amount": nil},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("relationships (-want +got):\n%s", diff)
	}
}

func TestInterestDecays(t *testing.T) {
	g := testenv.Graph(t)
	ctx := context.Background()
	user := testenv.IDBase(t) + 1
	tag := "test-decay-" + time.Now().Format("150405.000000")
	t0 := time.Now().UTC().Add(-90 * 24 * time.Hour).Truncate(time.Second)
	in := func(id string, w float64, at time.Time) stylegraph.Interest {
		return stylegraph.Interest{EventID: id, UserID: user, Kind: "tag", Name: tag, Weight: w, At: at}
	}
	steps := []struct {
		in   stylegraph.Interest
		want float64
	}{
		{in("a", 4, t0), 4},
		{in("b", 1, t0.Add(stylegraph.InterestHalfLife)), 4*0.5 + 1},
		// Older than updatedAt: added decayed to updatedAt.
		{in("c", 2, t0), 4*0.5 + 1 + 2*0.5},
		// A redelivery adds nothing.
		{in("b", 1, t0.Add(stylegraph.InterestHalfLife)), 4*0.5 + 1 + 2*0.5},
		{in("d", 0, t0.Add(3*stylegraph.InterestHalfLife)), (4*0.5 + 1 + 2*0.5) * 0.25},
	}
	for i, st := range steps {
		if err := g.Activity.ApplyActivity(ctx, stylegraph.Activity{Interests: []stylegraph.Interest{st.in}}); err != nil {
			t.Fatal(err)
		}
		rows := relProps(t, g, `MATCH (:User {id: $u})-[i:INTERESTED_IN]->(:Tag {name: $tag}) RETURN i.weight AS w`, map[string]any{"u": user, "tag": tag})
		if len(rows) != 1 {
			t.Fatalf("step %d: %d interest edges", i, len(rows))
		}
		if w := rows[0]["w"].(float64); math.Abs(w-st.want) > 1e-9 {
			t.Errorf("step %d: weight = %v, want %v", i, w, st.want)
		}
	}
}
