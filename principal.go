package stylegraph

import "context"

// Role says what a caller may do.
type Role string

// Roles, from least to most trusted for catalog and insight data. Service is a
// backend that may act on behalf of any user.
const (
	RoleShopper      Role = "shopper"
	RoleMerchandiser Role = "merchandiser"
	RoleAdmin        Role = "admin"
	RoleService      Role = "service"
	// RoleGuest is an anonymous visitor's session: search, trending,
	// recommendations and its own browsing events, nothing else.
	RoleGuest Role = "guest"
)

// Guest IDs are drawn at random from [MinGuestID, 2^53): shops' user IDs stay
// below MinGuestID, so a guest never acts as a real user.
const MinGuestID = 1 << 52

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	switch r {
	case RoleShopper, RoleMerchandiser, RoleAdmin, RoleService, RoleGuest:
		return true
	}
	return false
}

// Principal is the authenticated caller.
type Principal struct {
	UserID int64  `json:"userId"`
	Role   Role   `json:"role"`
	Via    string `json:"via"` // "jwt" or "api_key"
	KeyID  string `json:"keyId,omitempty"`
}

// Is reports whether the principal holds one of the roles.
func (p Principal) Is(roles ...Role) bool {
	for _, r := range roles {
		if p.Role == r {
			return true
		}
	}
	return false
}

type principalKey struct{}

// NewContextWithPrincipal returns a context carrying p.
func NewContextWithPrincipal(ctx context.Context, p Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// PrincipalFromContext returns the caller, if the request was authenticated.
func PrincipalFromContext(ctx context.Context) (Principal, bool) {
	p, ok := ctx.Value(principalKey{}).(Principal)
	return p, ok
}
