package graph

import (
	"context"
	"strconv"

	"github.com/stylegraph/stylegraph"
)

// ExploreKinds are the node kinds the graph explorer starts from; tags and
// categories are named by key (name, path), the rest by id.
var ExploreKinds = []string{"product", "brand", "user", "post", "tag", "category"}

// ExploreRelations maps the explorer's relation names to relationship types.
var ExploreRelations = map[string]string{
	"follows": "FOLLOWS", "likes": "LIKED", "purchases": "PURCHASED", "carts": "CARTED",
	"similar": "SIMILAR", "brand": "MADE_BY", "tags": "TAGGED", "category": "IN_CATEGORY",
	"posts": "POSTED", "features": "FEATURES",
}

// NodeRef names one node: Kind with ID, or with Key for tags and categories.
type NodeRef struct {
	Kind string `json:"kind"`
	ID   int64  `json:"id,omitempty"`
	Key  string `json:"key,omitempty"`
}

// String is the node's stable reference ("product:17", "tag:denim"),
// unique across kinds.
func (r NodeRef) String() string {
	if r.Key != "" {
		return r.Kind + ":" + r.Key
	}
	return r.Kind + ":" + strconv.FormatInt(r.ID, 10)
}

// ExploreNode is a node drawn in the explorer.
type ExploreNode struct {
	NodeRef
	Ref  string `json:"ref"`
	Name string `json:"name"`
}

// ExploreLink is one relationship between two drawn nodes, From → To in the
// graph's direction.
type ExploreLink struct {
	From   string  `json:"from"`
	To     string  `json:"to"`
	Type   string  `json:"type"`
	Weight float64 `json:"weight"`
}

// Neighbourhood is a node with its neighbours and the links to them.
type Neighbourhood struct {
	Center ExploreNode   `json:"center"`
	Nodes  []ExploreNode `json:"nodes"`
	Links  []ExploreLink `json:"links"`
}

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
