package stylegraph

// Recommendation is one recommended product and why a shopper sees it.
type Recommendation struct {
	Product Product  `json:"product"`
	Score   float64  `json:"score"`
	Reasons []Reason `json:"reasons"`
}

// Reason kinds.
const (
	ReasonCollaborative = "collaborative"
	ReasonSocial        = "social"
	ReasonInterest      = "interest"
	ReasonSimilar       = "similar"
	ReasonTrending      = "trending"
	ReasonRecommended   = "recommended"
)

// Reason is a sentence a shopper can read, with the people it names.
type Reason struct {
	Kind string `json:"kind"`
	Text string `json:"text"`
	Via  []User `json:"via,omitempty"`
}
