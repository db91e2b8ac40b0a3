package api

import (
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/stylegraph/stylegraph"
)

// TokenMinter mints bearer tokens (auth.Auth). Set only in dev, where the
// console offers a sign-in that picks any user and role.
type TokenMinter interface {
	Mint(sub int64, role stylegraph.Role, ttl time.Duration) (string, error)
}

// consolePolicy is the console's Content-Security-Policy: scripts, styles
// and API calls from this origin only, no inline code, no framing. Images
// may come from https (catalog and post images live on CDNs).
const consolePolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: https:; " +
	"connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// devTokenTTL bounds a dev sign-in.
const devTokenTTL = 8 * time.Hour

// consoleHandlers serve the embedded web console under /console/. It calls
// the same /v1 endpoints as any client, with a bearer token it keeps in
// sessionStorage, so every screen is subject to the server's role checks.
type consoleHandlers struct {
	assets    fs.FS
	devTokens TokenMinter // nil: no dev sign-in
}

func (h consoleHandlers) register(r router) {
	r.root.GET("/console/*filepath", consoleHeaders, h.file)
	if h.devTokens != nil {
		r.root.POST("/console/dev-token", consoleHeaders, r.limitIP, h.devToken)
	}
}

// consoleHeaders locks the console's pages down in the browser.
func consoleHeaders(c *gin.Context) {
	h := c.Writer.Header()
	h.Set("Content-Security-Policy", consolePolicy)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	h.Set("Cache-Control", "no-cache")
	c.Next()
}

// file answers one embedded file; "/" is index.html and config.json
// tells the page which sign-in this deployment offers.
func (h consoleHandlers) file(c *gin.Context) {
	name := strings.TrimPrefix(path.Clean("/"+c.Param("filepath")), "/")
	switch name {
	case "":
		name = "index.html"
	case "config.json":
		c.JSON(http.StatusOK, gin.H{"devSignIn": h.devTokens != nil})
		return
	}
	b, err := fs.ReadFile(h.assets, name)
	if err != nil {
		writeError(c, stylegraph.Errorf(stylegraph.ENOTFOUND, "no console file %q", name))
		return
	}
	ctype := mime.TypeByExtension(path.Ext(name))
	if ctype == "" {
		ctype = "application/octet-stream"
	}
	c.Data(http.StatusOK, ctype, b)
}

// devSignIn is the body of POST /console/dev-token.
type devSignIn struct {
	UserID int64           `json:"userId"`
	Role   stylegraph.Role `json:"role"`
}

// devToken mints a token for any user and role (not service): only wired in
// dev, where the signing secret is public anyway.
func (h consoleHandlers) devToken(c *gin.Context) {
	var in devSignIn
	if err := decodeStrict(c.Request.Body, &in); err != nil {
		writeError(c, err)
		return
	}
	if !validID(in.UserID) {
		writeError(c, stylegraph.Invalid("userId", "must be a positive integer below 2^53"))
		return
	}
	if !in.Role.Valid() || in.Role == stylegraph.RoleService {
		writeError(c, stylegraph.Invalid("role", "must be shopper, merchandiser or admin"))
		return
	}
	tok, err := h.devTokens.Mint(in.UserID, in.Role, devTokenTTL)
	if err != nil {
		writeError(c, err)
		return
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, gin.H{"token": tok, "expiresIn": int(devTokenTTL.Seconds())})
}
