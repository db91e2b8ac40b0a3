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

// RecommendationQuery asks for one page of a shopper's recommendations.
type RecommendationQuery struct {
	UserID int64
	Limit  int
	// Offset is how many items earlier pages showed.
	Offset int
	// Category keeps products in this category path or below it ("" = all).
	Category string
}

// RecommendationPage is one page of recommendations. Next is the offset of
// the following page, 0 when there is none.
type RecommendationPage struct {
	Items []Recommendation
	Next  int
}
