package api

import "github.com/gin-gonic/gin"

// router is what a feature registers its endpoints on. Each feature is a
// handler struct holding its dependencies, with a register method; routes
// lists them all.
type router struct {
	// root takes endpoints outside /v1's authentication (guests, console).
	root gin.IRoutes
	// v1 is the authenticated API.
	v1 *gin.RouterGroup
	// admin is /v1/admin: audited, merchandisers and admins only.
	admin func() *gin.RouterGroup
	// idempotent honours Idempotency-Key; limitIP spends the per-IP budget.
	idempotent, limitIP gin.HandlerFunc
	// bodyLimit lets route take bodies up to n bytes.
	bodyLimit func(route string, n int64)
	// spendWith makes route's rate-limit spend go with its handler's work
	// instead of before it: with its first feed read (one Redis round trip
	// for both), or while its body is decoded.
	spendWith func(route string, m spendMode)
}

// routes registers every feature whose dependency was passed in Options.
func (s *Server) routes(o Options) {
	r := router{
		root: s.engine, v1: s.v1, admin: s.adminGroup, idempotent: s.idempotent, limitIP: s.limitIP,
		bodyLimit: func(route string, n int64) { s.bodyLimits[route] = n },
		spendWith: func(route string, m spendMode) { s.spendModes[route] = m },
	}
	r.v1.GET("/me", me)
	if o.Privacy != nil {
		privacyHandlers{privacy: o.Privacy, audit: o.Audit}.register(r)
	}
	if o.Insights != nil {
		insightHandlers{insights: o.Insights, stats: o.SearchStats}.register(r)
		auditHandlers{audit: o.Audit}.register(r)
	}
	if o.Catalog != nil {
		catalogHandlers{cat: o.Catalog}.register(r)
	}
	if o.Events != nil {
		eventHandlers{events: o.Events}.register(r)
	}
	if o.Recommender != nil {
		recommendHandlers{r: o.Recommender}.register(r)
	}
	if o.Feeds != nil {
		feedHandlers{f: o.Feeds, drain: s.drain}.register(r)
		postHandlers{posts: o.Feeds, likes: o.Feeds, comments: o.Feeds}.register(r)
		followHandlers{follows: o.Feeds, profiles: o.Feeds}.register(r)
	}
	if o.GuestTokens != nil && o.Guests != nil {
		guestHandlers{minter: o.GuestTokens, guests: o.Guests, auth: s.auth}.register(r)
	}
	if o.Tags != nil {
		tagHandlers{t: o.Tags}.register(r)
	}
	if o.Notifications != nil {
		notificationHandlers{n: o.Notifications}.register(r)
	}
	if o.Search != nil {
		searchHandlers{searcher: o.Search, activity: o.SearchActivity, log: s.log}.register(r)
	}
	if o.Explorer != nil {
		exploreHandlers{explorer: o.Explorer}.register(r)
	}
	if o.Recommender != nil && o.Feeds != nil && o.Search != nil {
		previewHandlers{recommender: o.Recommender, feed: o.Feeds, searcher: o.Search}.register(r)
	}
	if o.Console != nil {
		consoleHandlers{assets: o.Console, devTokens: o.DevSignIn}.register(r)
	}
}
