package api

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/stylegraph/stylegraph"
)

// GuestTTL is how long an anonymous session's token lasts (within
// JWT_MAX_TTL's default); the app starts a new session after.
const GuestTTL = 24 * time.Hour

// Guests moves an anonymous session's activity onto an account (graph.GuestStore).
type Guests interface {
	MergeGuest(ctx context.Context, guestID, userID int64) (int64, error)
}

// guestRoutes are what a guest token may call: browsing and its own
// browsing events.
var guestRoutes = map[string]bool{
	"GET /v1/search":               true,
	"GET /v1/search/suggest":       true,
	"GET /v1/trending":             true,
	"GET /v1/recommendations":      true,
	"GET /v1/products/:id":         true,
	"GET /v1/products/:id/similar": true,
	"POST /v1/events":              true,
	"GET /v1/me":                   true,
}

// scopeGuests keeps guest tokens to browsing: everything that writes
// social content, reads other people or belongs to staff needs a sign-in.
var scopeGuests = scopeRole(stylegraph.RoleGuest, guestRoutes, "guests may search, browse and get recommendations; sign in for this")

// guestHandlers serve the anonymous session endpoint (no credentials, the
// per-IP budget only) and the merge at sign-in.
type guestHandlers struct {
	minter TokenMinter
	guests Guests
	auth   Authenticator
}

func (h guestHandlers) register(r router) {
	r.root.POST("/v1/guests", r.limitIP, h.create)
	r.v1.POST("/me/guest-merge", asUser, h.merge)
}

// GuestSession is the answer to POST /v1/guests.
type GuestSession struct {
	Token     string    `json:"token"`
	GuestID   int64     `json:"guestId"`
	ExpiresAt time.Time `json:"expiresAt"`
}

func (h guestHandlers) create(c *gin.Context) {
	var b [8]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	id := stylegraph.MinGuestID + int64(binary.BigEndian.Uint64(b[:])%stylegraph.MinGuestID)
	tok, err := h.minter.Mint(id, stylegraph.RoleGuest, GuestTTL)
	if err != nil {
		writeError(c, err)
		return
	}
	c.JSON(http.StatusCreated, GuestSession{Token: tok, GuestID: id, ExpiresAt: time.Now().Add(GuestTTL).UTC().Truncate(time.Second)})
}

func (h guestHandlers) merge(c *gin.Context) {
	var body struct {
		GuestToken string `json:"guestToken"`
	}
	if err := decodeStrict(c.Request.Body, &body); err != nil {
		writeError(c, err)
		return
	}
	gp, err := h.auth.VerifyToken(strings.TrimSpace(body.GuestToken))
	if err != nil || gp.Role != stylegraph.RoleGuest {
		writeError(c, stylegraph.Invalid("guestToken", "must be a live token from POST /v1/guests"))
		return
	}
	moved, err := h.guests.MergeGuest(c.Request.Context(), gp.UserID, principal(c).UserID)
	reply(c, http.StatusOK, gin.H{"guestId": gp.UserID, "moved": moved}, err)
}
