package graph

import (
	"context"

	"github.com/stylegraph/stylegraph"
)

// Aliases while callers move to the root package.
type (
	NodeRef       = stylegraph.NodeRef
	ExploreNode   = stylegraph.ExploreNode
	ExploreLink   = stylegraph.ExploreLink
	Neighbourhood = stylegraph.Neighbourhood
)

var (
	ExploreKinds     = stylegraph.ExploreKinds
	ExploreRelations = stylegraph.ExploreRelations
)

// Neighbours returns start with up to limit neighbours per relationship type
// (graph type names from ExploreRelations), or ENOTFOUND.
func (s *Store) Neighbours(ctx context.Context, start NodeRef, types []string, limit int) (Neighbourhood, error) {
	res, err := s.runNamed(ctx, "explore_neighbours", map[string]any{
		"kind": start.Kind, "id": start.ID, "key": start.Key, "types": types, "limit": limit,
	})
	if err != nil {
		return Neighbourhood{}, err
	}
	if len(res.Records) == 0 {
		return Neighbourhood{}, stylegraph.Errorf(stylegraph.ENOTFOUND, "no %s %s in the graph", start.Kind, start.String()[len(start.Kind)+1:])
	}
	m := res.Records[0].AsMap()
	center := ExploreNode{NodeRef: start, Ref: start.String(), Name: str(m["name"])}
	out := Neighbourhood{Center: center, Nodes: []ExploreNode{}, Links: []ExploreLink{}}
	seen := map[string]bool{center.Ref: true}
	links, _ := m["links"].([]any)
	for _, l := range links {
		x, _ := l.(map[string]any)
		ref := NodeRef{Kind: str(x["kind"])}
		if ref.Kind == "tag" || ref.Kind == "category" {
			ref.Key = str(x["key"])
		} else {
			ref.ID = i64(x["id"])
		}
		n := ExploreNode{NodeRef: ref, Ref: ref.String(), Name: str(x["name"])}
		if !seen[n.Ref] {
			seen[n.Ref] = true
			out.Nodes = append(out.Nodes, n)
		}
		from, to := center.Ref, n.Ref
		if outgoing, _ := x["outgoing"].(bool); !outgoing {
			from, to = to, from
		}
		out.Links = append(out.Links, ExploreLink{From: from, To: to, Type: str(x["type"]), Weight: num(x["weight"])})
	}
	return out, nil
}
