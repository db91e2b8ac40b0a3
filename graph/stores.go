package graph

// Stores is one of each feature store over one DB. The wiring, the offline
// commands and the tests that set up data across features hold one value
// instead of fifteen; each consumer is still handed only the store (or the
// stores) whose methods its own interface names, so nothing depends on the
// bundle's breadth. The embedded DB gives Close, Ping, Migrate, SetGuard,
// SetTracerProvider and Inspect.
type Stores struct {
	*DB
	Posts     *PostStore
	Follows   *FollowStore
	Timelines *TimelineStore
	Audience  *AudienceStore
	Profiles  *ProfileStore
	Catalog   *CatalogStore
	Insights  *InsightStore
	Privacy   *PrivacyStore
	Guests    *GuestStore
	Explore   *ExploreStore
	Batch     *BatchStore
	Taste     *TasteStore
	Seed      *SeedStore
	Activity  *ActivityStore
	Recs      *RecStore
}

// NewStores makes every feature store over db.
func NewStores(db *DB) *Stores {
	return &Stores{
		DB:        db,
		Posts:     NewPostStore(db),
		Follows:   NewFollowStore(db),
		Timelines: NewTimelineStore(db),
		Audience:  NewAudienceStore(db),
		Profiles:  NewProfileStore(db),
		Catalog:   NewCatalogStore(db),
		Insights:  NewInsightStore(db),
		Privacy:   NewPrivacyStore(db),
		Guests:    NewGuestStore(db),
		Explore:   NewExploreStore(db),
		Batch:     NewBatchStore(db),
		Taste:     NewTasteStore(db),
		Seed:      NewSeedStore(db),
		Activity:  NewActivityStore(db),
		Recs:      NewRecStore(db),
	}
}
