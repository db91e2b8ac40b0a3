package graph

// RecStore runs the recommenders' graph queries and the online filter's
// reads and writes (cards, hides, stock); its methods are in recommend.go.
type RecStore struct{ db *DB }

// NewRecStore returns the recommendation store over db.
func NewRecStore(db *DB) *RecStore { return &RecStore{db: db} }
