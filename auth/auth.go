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
	policy Policy
	now    func() time.Time
	seen   *verified
}

// Policy is what a bearer token must satisfy beyond its signature and expiry.
type Policy struct {
	// MaxLifetime caps how long a token may live (exp − iat, and exp − now);
	// 0 leaves it uncapped.
	MaxLifetime time.Duration
	// Issuer and Audience, when set, must be the token's iss and one of its
	// aud; Mint writes them.
	Issuer, Audience string
}

// DefaultPolicy caps tokens at a day and checks neither issuer nor audience.
var DefaultPolicy = Policy{MaxLifetime: 24 * time.Hour}

// maxID is the largest user ID: IDs must survive a JavaScript number.
const maxID = 1<<53 - 1

// leeway forgives clock skew in the lifetime check.
const leeway = time.Minute

// New returns an Authenticator for the HS256 secret and the service API keys
// (key -> key ID) with the DefaultPolicy.
func New(secret string, apiKeys map[string]string) *Authenticator {
	return NewWithPolicy(secret, apiKeys, DefaultPolicy)
}

// NewWithPolicy is New with the token policy p.
func NewWithPolicy(secret string, apiKeys map[string]string, p Policy) *Authenticator {
	return &Authenticator{secret: []byte(secret), keys: apiKeys, policy: p, now: time.Now, seen: newVerified(verifiedCap)}
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
	if sub <= 0 || sub > maxID {
		return "", stylegraph.Invalid("sub", "must be a user ID between 1 and 2^53-1")
	}
	if ttl <= 0 {
		return "", stylegraph.Invalid("ttl", "must be positive")
	}
	if m := a.policy.MaxLifetime; m > 0 && ttl > m {
		return "", stylegraph.Invalid("ttl", "must be at most %s (JWT_MAX_TTL)", m)
	}
	now := a.now()
	rc := jwt.RegisteredClaims{
		Subject:   strconv.FormatInt(sub, 10),
		Issuer:    a.policy.Issuer,
		IssuedAt:  jwt.NewNumericDate(now),
		ExpiresAt: jwt.NewNumericDate(now.Add(ttl)),
	}
	if a.policy.Audience != "" {
		rc.Audience = jwt.ClaimStrings{a.policy.Audience}
	}
	tok := jwt.NewWithClaims(jwt.SigningMethodHS256, claims{Role: string(role), RegisteredClaims: rc})
	s, err := tok.SignedString(a.secret)
	if err != nil {
		return "", fmt.Errorf("sign token: %w", err)
	}
	return s, nil
}

// VerifyToken checks signature, algorithm, expiry, the policy (lifetime,
// issuer, audience) and the subject, and returns the caller. Everything is
// checked here, before any handler can write on the caller's behalf. A
// token that passed is remembered until it expires, so a caller's next
// requests cost a map lookup instead of an HMAC and a JSON parse.
func (a *Authenticator) VerifyToken(token string) (stylegraph.Principal, error) {
	if p, ok := a.seen.get(token, a.now()); ok {
		return p, nil
	}
	var c claims
	opts := []jwt.ParserOption{jwt.WithValidMethods([]string{"HS256"}), jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(), jwt.WithTimeFunc(a.now)}
	if a.policy.Issuer != "" {
		opts = append(opts, jwt.WithIssuer(a.policy.Issuer))
	}
	if a.policy.Audience != "" {
		opts = append(opts, jwt.WithAudience(a.policy.Audience))
	}
	_, err := jwt.ParseWithClaims(token, &c, func(*jwt.Token) (any, error) { return a.secret, nil }, opts...)
	if err != nil {
		msg := "invalid bearer token"
		switch {
		case errors.Is(err, jwt.ErrTokenExpired):
			msg = "bearer token expired"
		case errors.Is(err, jwt.ErrTokenInvalidIssuer):
			msg = "bearer token issuer is not accepted"
		case errors.Is(err, jwt.ErrTokenInvalidAudience):
			msg = "bearer token audience is not accepted"
		}
		return stylegraph.Principal{}, stylegraph.Errorf(stylegraph.EUNAUTHORIZED, "%s", msg)
	}
	if m := a.policy.MaxLifetime; m > 0 {
		exp := c.ExpiresAt.Time
		if exp.Sub(a.now()) > m+leeway || (c.IssuedAt != nil && exp.Sub(c.IssuedAt.Time) > m) {
			return stylegraph.Principal{}, stylegraph.Errorf(stylegraph.EUNAUTHORIZED, "bearer token lives longer than the %s allowed", m)
		}
	}
	sub, ok := parseID(c.Subject)
	if !ok {
		return stylegraph.Principal{}, stylegraph.Errorf(stylegraph.EUNAUTHORIZED, "bearer token subject must be a user ID in canonical decimal between 1 and 2^53-1")
	}
	role := stylegraph.Role(c.Role)
	if !role.Valid() {
		return stylegraph.Principal{}, stylegraph.Errorf(stylegraph.EUNAUTHORIZED, "bearer token role is unknown")
	}
	p := stylegraph.Principal{UserID: sub, Role: role, Via: "jwt"}
	a.seen.put(token, p, c.ExpiresAt.Time)
	return p, nil
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

// parseID reads a user ID written the one canonical way: decimal digits
// without sign or leading zeros, 1 to 2^53−1. "+5", "05" and "5.0" name no
// user, so two spellings can never reach the same account.
func parseID(s string) (int64, bool) {
	if s == "" || len(s) > 16 || s[0] == '0' {
		return 0, false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return 0, false
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n > maxID {
		return 0, false
	}
	return n, true
}
