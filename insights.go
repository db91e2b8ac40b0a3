package stylegraph

import "time"

// Types of the merchandiser insights (graph analytics).

// Influencer is a user or brand ranked by followers and engagement reach.
type Influencer struct {
	Kind      string `json:"kind"`
	ID        int64  `json:"id"`
	Name      string `json:"name"`
	Followers int64  `json:"followers"`
	Reach     int64  `json:"reach"`
}

// TrendFilter selects what Trending ranks.
type TrendFilter struct {
	Kind          string // product | tag | brand
	Category      string // a category path, or "" for all
	Since, Now    time.Time
	HalfLifeHours float64
	Limit         int
}

// Trend is one ranked product, tag or brand. Current and Previous are the
// raw weighted engagement of this window and the one before it; Series
// splits Current into TrendBuckets equal slices of the window, oldest first.
type Trend struct {
	ID       int64     `json:"id,omitempty"`
	Name     string    `json:"name"`
	Score    float64   `json:"score"`
	Current  float64   `json:"current"`
	Previous float64   `json:"previous"`
	Series   []float64 `json:"series"`
}

// TrendBuckets is how many slices of the window a Trend's Series has.
const TrendBuckets = 8

// Segment is an interest or a brand shared by part of an audience.
type Segment struct {
	Kind  string `json:"kind,omitempty"`
	ID    int64  `json:"id,omitempty"`
	Name  string `json:"name"`
	Users int64  `json:"users"`
}

// Audience describes who engages with a product or brand.
type Audience struct {
	Size     int64     `json:"size"`
	Segments []Segment `json:"segments"`
	Brands   []Segment `json:"brands"`
}

// ProductPair is two products engaged with by the same shoppers.
type ProductPair struct {
	A          int64   `json:"a"`
	ATitle     string  `json:"aTitle"`
	B          int64   `json:"b"`
	BTitle     string  `json:"bTitle"`
	Both       int64   `json:"both"`
	Support    float64 `json:"support"`
	Confidence float64 `json:"confidence"`
	Lift       float64 `json:"lift"`
}

// BrandOverlap is the shared audience of two brands.
type BrandOverlap struct {
	A       int64   `json:"a"`
	B       int64   `json:"b"`
	Shared  int64   `json:"shared"`
	Jaccard float64 `json:"jaccard"`
}

// Funnel counts distinct shoppers per step.
type Funnel struct {
	Views     int64 `json:"views"`
	Likes     int64 `json:"likes"`
	Carts     int64 `json:"carts"`
	Purchases int64 `json:"purchases"`
}
