package api

import "github.com/stylegraph/stylegraph/ingest"

// routes registers every feature's endpoints. Each feature keeps its handlers
// in a file of its own and is registered here only when its dependency was
// passed in Options.
func (s *Server) routes(o Options) {
	s.v1.GET("/me", s.me)
	if o.Privacy != nil {
		s.registerPrivacy()
	}
	if o.Insights != nil {
		insightHandlers{insights: o.Insights, stats: o.SearchStats}.register(s.adminGroup())
		auditHandlers{audit: o.Audit}.register(s.adminGroup())
	}
	if o.Catalog != nil {
		s.catalogRoutes(o.Catalog)
	}
	if o.Events != nil {
		s.events = o.Events
		s.bodyLimits["/v1/events"] = ingest.MaxRequestBytes
		s.v1.POST("/events", s.postEvents)
	}
	if o.Recommender != nil {
		s.recommendRoutes(o.Recommender)
	}
	if o.Feeds != nil {
		s.feedRoutes(o.Feeds)
	}
	if o.GuestTokens != nil && o.Guests != nil {
		s.registerGuests(o.GuestTokens, o.Guests)
	}
	if o.Tags != nil {
		s.tagRoutes(o.Tags)
	}
	if o.Notifications != nil {
		s.notificationRoutes(o.Notifications)
	}
	if o.Search != nil {
		s.registerSearch(o)
	}
	if o.Explorer != nil {
		s.registerExplorer(o.Explorer)
	}
	if o.Recommender != nil && o.Feeds != nil && o.Search != nil {
		s.recommender, s.feeds = o.Recommender, o.Feeds
		s.registerPreview()
	}
	if o.Console != nil {
		s.registerConsole(o)
	}
}
