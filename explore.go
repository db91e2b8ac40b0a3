package stylegraph

import "strconv"

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
