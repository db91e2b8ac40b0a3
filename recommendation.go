package stylegraph

import "time"

// Recommendation is one recommended product and why a shopper sees it.
type Recommendation struct {
	Product Product  `json:"product"`
	Score   float64  `json:"score"`
	Reasons []Reason `json:"reasons"`

	// Encoded is the item's JSON when its producer kept the parts encoded
	// (recommend's cached cards and stored reasons), so an answer can be
	// spliced rather than encoded per request; nil otherwise. It must
	// always equal what encoding/json writes for the item.
	Encoded []byte `json:"-"`
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

// The recommendation defaults: RecParams.WithDefaults, recommend.DefaultConfig
// and the RECS_* settings of config all read them, so they agree.
const (
	// DefaultRecHalfLife is how fast engagement loses weight.
	DefaultRecHalfLife = 14 * 24 * time.Hour
	// DefaultRecWindow bounds how far back social and trending look.
	DefaultRecWindow = 30 * 24 * time.Hour
	// DefaultRecLimit caps the candidates one recommender returns.
	DefaultRecLimit = 50
)

// RecSources are the sources the online blend draws from, in the order
// reasons are listed on ties; RECS_WEIGHTS may name only these.
var RecSources = []string{ReasonSocial, ReasonCollaborative, ReasonInterest, ReasonTrending}

// RecBlend is how the recommendation blend ranks, as the RECS_* variables set
// it: config reads it and recommend.Config embeds it, so the two cannot
// drift apart.
type RecBlend struct {
	// Weights per source (RecSources); a missing or zero weight turns the
	// source off.
	Weights map[string]float64
	// MaxPerBrand and MaxPerCategory cap items of one brand or leaf category
	// in one list (0: no cap). Capped items move down, after every item
	// within the caps; they are not dropped.
	MaxPerBrand    int
	MaxPerCategory int
	// HalfLife and Window are passed to the graph recommenders.
	HalfLife time.Duration
	Window   time.Duration
	// SimilarMaxAge is how old precomputed SIMILAR edges may be before the
	// item-based recommender ignores them.
	SimilarMaxAge time.Duration
}

// DefaultRecBlend is the blend when nothing is set.
func DefaultRecBlend() RecBlend {
	return RecBlend{
		Weights:        DefaultRecWeights(),
		MaxPerBrand:    3,
		MaxPerCategory: 4,
		HalfLife:       DefaultRecHalfLife,
		Window:         DefaultRecWindow,
		SimilarMaxAge:  7 * 24 * time.Hour,
	}
}

// DefaultRecWeights returns the blend weight of each source when none is set
// (a fresh map the caller may change).
func DefaultRecWeights() map[string]float64 {
	return map[string]float64{ReasonCollaborative: 1, ReasonSocial: 1, ReasonInterest: 0.2, ReasonTrending: 0.1}
}

// RecParams tune one recommender call. Zero values take the defaults below.
type RecParams struct {
	// Now is the reference time for recency; evaluations replay the past.
	Now time.Time
	// HalfLife is how fast engagement loses weight (default DefaultRecHalfLife).
	HalfLife time.Duration
	// Window bounds how far back social and trending look (default DefaultRecWindow).
	Window time.Duration
	// Limit caps the candidates returned (default DefaultRecLimit).
	Limit int
	// Neighbours is how many similar shoppers collaborative reads (default 50).
	Neighbours int
	// Damping is the popularity exponent collaborative divides by (default 0.2).
	Damping float64
	// TopInterests is how many interests the interest recommender reads (default 5).
	TopInterests int
	// FreshSince ignores SIMILAR edges computed before it (item-based).
	FreshSince time.Time
	// Budget bounds every hop; zero fields take DefaultRecBudget's.
	Budget RecBudget
}

// RecBudget is the fixed work per hop of the personal recommenders, so that a
// query costs the same whatever the size of the graph or the popularity of a
// product: nothing is expanded beyond these counts.
type RecBudget struct {
	// Scan is how many of the shopper's engagement (and interest) edges are
	// read; they are also what is left out of the results.
	Scan int
	// Seeds is how many of the most recent engagements seed collaborative.
	Seeds int
	// K is how many precomputed neighbours each seed contributes.
	K int
	// PerSeed is how many other shoppers of a seed live collaborative reads;
	// PerNeighbour how many engagements of each neighbour.
	PerSeed, PerNeighbour int
	// Followees, Brands: how many followed accounts and brands social reads;
	// ScanPer edges scanned per followee (per kind) and brand; PerFollowee
	// actions kept per followee or brand; Total actions scored in all.
	Followees, Brands, ScanPer, PerFollowee, Total int
	// PerInterest is how many of an interest's top products are read.
	PerInterest int
}

// DefaultRecBudget is the budget when none is set.
var DefaultRecBudget = RecBudget{Scan: 200, Seeds: 10, K: 30, PerSeed: 20, PerNeighbour: 20,
	Followees: 100, Brands: 20, ScanPer: 20, PerFollowee: 5, Total: 300, PerInterest: 50}

// WithDefaults fills zero fields from DefaultRecBudget.
func (b RecBudget) WithDefaults() RecBudget {
	d := DefaultRecBudget
	for _, f := range []struct{ v, def *int }{
		{&b.Scan, &d.Scan}, {&b.Seeds, &d.Seeds}, {&b.K, &d.K}, {&b.PerSeed, &d.PerSeed},
		{&b.PerNeighbour, &d.PerNeighbour}, {&b.Followees, &d.Followees}, {&b.Brands, &d.Brands},
		{&b.ScanPer, &d.ScanPer}, {&b.PerFollowee, &d.PerFollowee}, {&b.Total, &d.Total}, {&b.PerInterest, &d.PerInterest},
	} {
		if *f.v <= 0 {
			*f.v = *f.def
		}
	}
	return b
}

// WithDefaults fills zero fields with the defaults documented on each.
func (p RecParams) WithDefaults() RecParams {
	if p.Now.IsZero() {
		p.Now = time.Now()
	}
	p.Now = p.Now.UTC()
	if p.HalfLife <= 0 {
		p.HalfLife = DefaultRecHalfLife
	}
	if p.Window <= 0 {
		p.Window = DefaultRecWindow
	}
	if p.Limit <= 0 {
		p.Limit = DefaultRecLimit
	}
	if p.Neighbours <= 0 {
		p.Neighbours = 50
	}
	if p.Damping == 0 {
		p.Damping = 0.2
	}
	if p.TopInterests <= 0 {
		p.TopInterests = 5
	}
	p.Budget = p.Budget.WithDefaults()
	return p
}

// Candidate is one product a recommender proposes, with the evidence its
// reason is written from.
type Candidate struct {
	ProductID int64
	Score     float64
	// Count is how many shoppers support it (collaborative neighbours,
	// trending engagements) or how many liked products led to it (item-based).
	Count int
	// Because is the liked product that contributed most (item-based).
	Because *ProductRef
	// Actions are what followed people and brands did (social).
	Actions []SocialAction
	// Matched are the interests it matches, strongest first (interest).
	Matched []InterestMatch
	// Similar says what it shares with the product asked about (similar).
	Similar *SimilarEvidence
	// Category is its leaf category path (trending).
	Category string
}

// ProductRef names a product in a reason.
type ProductRef struct {
	ID    int64  `json:"id"`
	Title string `json:"title"`
}

// SocialAction is one kind of thing followed accounts did with a product.
type SocialAction struct {
	Action string // liked, bought, posted, new
	Count  int    // how many followed users did it
	Via    []User // up to three of them
	Brand  string // the followed brand, for "new"
}

// InterestMatch is one interest a product matches.
type InterestMatch struct {
	Kind string // tag, brand, category
	Name string
}

// SimilarEvidence is what a product shares with another.
type SimilarEvidence struct {
	SameBrand    bool
	SameCategory bool
	Tags         []string
	Together     int // shoppers who liked or bought both
}
