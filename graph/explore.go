package graph

import (
	"context"

	"github.com/stylegraph/stylegraph"
)

// ExploreStore walks the graph one neighbourhood at a time for the explorer.
type ExploreStore struct{ db *DB }

// NewExploreStore returns the explore store over db.
func NewExploreStore(db *DB) *ExploreStore { return &ExploreStore{db: db} }

// Neighbours returns start with up to limit neighbours per relationship type
// (graph type names from stylegraph.ExploreRelations), or ENOTFOUND.
func (s *ExploreStore) Neighbours(ctx context.Context, start stylegraph.NodeRef, types []string, limit int) (stylegraph.Neighbourhood, error) {
	res, err := s.db.runNamed(ctx, "explore_neighbours", map[string]any{
		"kind": start.Kind, "id": start.ID, "key": start.Key, "types": types, "limit": limit,
	})
	if err != nil {
		return stylegraph.Neighbourhood{}, err
	}
	if len(res.Records) == 0 {
		return stylegraph.Neighbourhood{}, stylegraph.Errorf(stylegraph.ENOTFOUND, "no %s %s in the graph", start.Kind, start.String()[len(start.Kind)+1:])
	}
	m := res.Records[0].AsMap()
	center := stylegraph.ExploreNode{NodeRef: start, Ref: start.String(), Name: str(m["name"])}
	out := stylegraph.Neighbourhood{Center: center, Nodes: []stylegraph.ExploreNode{}, Links: []stylegraph.ExploreLink{}}
	seen := map[string]bool{center.Ref: true}
	links, _ := m["links"].([]any)
	for _, l := range links {
		x, _ := l.(map[string]any)
		ref := stylegraph.NodeRef{Kind: str(x["kind"])}
		if ref.Kind == "tag" || ref.Kind == "category" {
			ref.Key = str(x["key"])
		} else {
			ref.ID = i64(x["id"])
		}
		n := stylegraph.ExploreNode{NodeRef: ref, Ref: ref.String(), Name: str(x["name"])}
		if !seen[n.Ref] {
			seen[n.Ref] = true
			out.Nodes = append(out.Nodes, n)
		}
		from, to := center.Ref, n.Ref
		if outgoing, _ := x["outgoing"].(bool); !outgoing {
			from, to = to, from
		}
		out.Links = append(out.Links, stylegraph.ExploreLink{From: from, To: to, Type: str(x["type"]), Weight: num(x["weight"])})
	}
	return out, nil
}
