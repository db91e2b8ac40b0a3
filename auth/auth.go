// Package auth turns credentials into a stylegraph.Principal: HS256 bearer
// tokens for people and API keys for backends. It knows nothing of HTTP.
package auth

import (
	"crypto/subtle"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/stylegraph/stylegraph"
)

// Authenticator verifies tokens and API keys.
type Authenticator struct {
	secret []byte
	keys   map[string]string // key -> key ID
	now    func() time.Time
}

// New returns an Authenticator for the HS256 secret and the service API keys
// (key -> key ID).
func New(secret string, apiKeys map[string]string) *Authenticator {
	return &Authenticator{secret: []byte(secret), keys: apiKeys, now: time.Now}
}

type claims struct {
	Role string `json:"role"`
	jwt.RegisteredClaims
}

// Mint signs a token for user sub with role, valid for ttl.
func (a *Authenticator) Mint(sub int64, role stylegraph.Role, ttl time.Duration) (string, error) {
	if !role.Valid() {
		return "", stylegraph.Invalid("role", "unknown role %q", role)
	}
	if sub <= 0 {
		return "", stylegraph.Invalid("sub", "must be a positive user ID")
	}
	if ttl <= 0 {
		return "", stylegraph.Invalid("ttl", "must be positive")
	}
	now := a.now()
	tok := jwt.NewWithClaims(jwt.SigningMethodHS256, claims{
		Role: string(role),
		RegisteredClaims: jwt.RegisteredClaims{
			Subject:   strconv.FormatInt(sub, 10),
			IssuedAt:  jwt.NewNumericDate(now),
			ExpiresAt: jwt.NewNumericDate(now.Add(ttl)),
		},
	})
	s, err := tok.SignedString(a.secret)
	if err != nil {
		return "", fmt.Errorf("sign token: %w", err)
	}
	return s, nil
}

// VerifyToken checks signature, algorithm and expiry and returns the caller.
func (a *Authenticator) VerifyToken(token string) (stylegraph.Principal, error) {
	var c claims
	_, err := jwt.ParseWithClaims(token, &c, func(*jwt.Token) (any, error) { return a.secret, nil },
		jwt.WithValidMethods([]string{"HS256"}), jwt.WithExpirationRequired(), jwt.WithTimeFunc(a.now))
	if err != nil {
		msg := "invalid bearer token"
		if errors.Is(err, jwt.ErrTokenExpired) {
			msg = "bearer token expired"
		}
		return stylegraph.Principal{}, stylegraph.Errorf(stylegraph.EUNAUTHORIZED, "%s", msg)
	}
	sub, err := strconv.ParseInt(c.Subject, 10, 64)
	if err != nil || sub <= 0 {
		return stylegraph.Principal{}, stylegraph.Errorf(stylegraph.EUNAUTHORIZED, "bearer token subject must be a positive user ID")
	}
	role := stylegraph.Role(c.Role)
	if !role.Valid() {
		return stylegraph.Principal{}, stylegraph.Errorf(stylegraph.EUNAUTHORIZED, "bearer token role is unknown")
	}
	return stylegraph.Principal{UserID: sub, Role: role, Via: "jwt"}, nil
}

// VerifyAPIKey returns the service principal for a known key. Comparison is
// constant-time per key so timing does not reveal a prefix.
func (a *Authenticator) VerifyAPIKey(key string) (stylegraph.Principal, error) {
	for k, id := range a.keys {
		if subtle.ConstantTimeCompare([]byte(k), []byte(key)) == 1 {
			return stylegraph.Principal{Role: stylegraph.RoleService, Via: "api_key", KeyID: id}, nil
		}
	}
	return stylegraph.Principal{}, stylegraph.Errorf(stylegraph.EUNAUTHORIZED, "unknown API key")
}
