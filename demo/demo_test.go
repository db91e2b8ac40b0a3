package demo

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestGenerateIsDeterministicAndConsistent(t *testing.T) {
	a := Generate(7, Size{Users: 50, Products: 200})
	b := Generate(7, Size{Users: 50, Products: 200})
	if diff := cmp.Diff(a, b); diff != "" {
		t.Fatalf("same seed, different data (-a +b):\n%s", diff)
	}
	if len(a.Users) != 50 || len(a.Products) != 200 {
		t.Fatalf("sizes: %d users, %d products", len(a.Users), len(a.Products))
	}
	users := map[int64]bool{}
	for _, u := range a.Users {
		users[u.ID] = true
	}
	for _, f := range a.Follows {
		if !users[f.From] || !users[f.To] || f.From == f.To {
			t.Fatalf("bad follow %+v", f)
		}
	}
	for _, p := range a.Products {
		if p.Title == "" || p.Brand == "" || len(p.CategoryPath) != 3 || p.Price <= 0 {
			t.Fatalf("incomplete product %+v", p)
		}
	}
}
