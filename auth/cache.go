package auth

import (
	"sync"
	"time"

	"github.com/stylegraph/stylegraph"
)

// verified remembers tokens that passed VerifyToken, so a caller's next
// requests skip the HMAC and the JSON parse: the token string is the key,
// so only the exact same bytes hit. An entry holds until the token's
// expiry: nothing else about a verified token changes with time (its
// lifetime check only gets easier), and tokens are not revocable.
// Two generations bound its size: when the current one fills, it becomes
// the old one and the older is dropped.
type verified struct {
	mu       sync.Mutex
	cur, old map[string]verifiedToken
	max      int
}

type verifiedToken struct {
	p   stylegraph.Principal
	exp time.Time
}

// verifiedCap is how many tokens a generation holds (two generations of
// ~300-byte tokens: a few tens of MB at most).
const verifiedCap = 50_000

func newVerified(max int) *verified {
	return &verified{cur: map[string]verifiedToken{}, old: map[string]verifiedToken{}, max: max}
}

// get returns the principal of a token verified before and not expired at now.
func (v *verified) get(token string, now time.Time) (stylegraph.Principal, bool) {
	v.mu.Lock()
	defer v.mu.Unlock()
	t, ok := v.cur[token]
	if !ok {
		if t, ok = v.old[token]; ok {
			v.putLocked(token, t)
		}
	}
	if !ok || !now.Before(t.exp) {
		return stylegraph.Principal{}, false
	}
	return t.p, true
}

func (v *verified) put(token string, p stylegraph.Principal, exp time.Time) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.putLocked(token, verifiedToken{p: p, exp: exp})
}

func (v *verified) putLocked(token string, t verifiedToken) {
	if len(v.cur) >= v.max {
		v.old, v.cur = v.cur, make(map[string]verifiedToken, v.max)
	}
	v.cur[token] = t
}
