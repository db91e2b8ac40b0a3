package stylegraph

import "time"

// Activity is a batch of shopper events translated to graph changes, one
// list per kind of change. The graph store writes it in one transaction.
type Activity struct {
	Follows, Unfollows []Toggle
	Likes, Unlikes     []Toggle
	Hides              []Toggle
	Views              []Counted
	CartAdds           []Counted
	CartRemoves        []Counted
	Purchases          []Counted
	Interests          []Interest
}

// Toggle is a relationship that is on or off: follow, like, hide. Kind is
// the target's kind ("user", "brand", "tag", "product", "post"); tags are
// addressed by Name, everything else by ID.
type Toggle struct {
	EventID string
	UserID  int64
	Kind    string
	ID      int64
	Name    string
	At      time.Time
}

// Counted is one occurrence on a counted relationship: view, cart, purchase.
type Counted struct {
	EventID  string
	UserID   int64
	Kind     string // "product" or "post" (views only)
	ID       int64
	Quantity int
	Amount   float64
	At       time.Time
}

// Interest adds Weight to the user's interest in what the target is about:
// a product's tags, brand and category, a post's tags, or a brand or tag.
type Interest struct {
	EventID string
	UserID  int64
	Kind    string
	ID      int64
	Name    string
	Weight  float64
	At      time.Time
}

// Empty reports whether a has nothing to write.
func (a Activity) Empty() bool {
	return len(a.Follows)+len(a.Unfollows)+len(a.Likes)+len(a.Unlikes)+len(a.Hides)+len(a.Views)+
		len(a.CartAdds)+len(a.CartRemoves)+len(a.Purchases)+len(a.Interests) == 0
}
