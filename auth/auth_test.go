package auth

import (
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/go-cmp/cmp"

	"github.com/stylegraph/stylegraph"
)

func TestMintVerifyRoundTrip(t *testing.T) {
	a := New("0123456789abcdef0123456789abcdef", nil)
	tok, err := a.Mint(42, stylegraph.RoleShopper, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	got, err := a.VerifyToken(tok)
	if err != nil {
		t.Fatal(err)
	}
	want := stylegraph.Principal{UserID: 42, Role: stylegraph.RoleShopper, Via: "jwt"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("principal (-want +got):\n%s", diff)
	}
}

func TestVerifyRejects(t *testing.T) {
	a := New("0123456789abcdef0123456789abcdef", nil)
	other := New("ffffffffffffffffffffffffffffffff", nil)
	forged, _ := other.Mint(1, stylegraph.RoleAdmin, time.Hour)
	a.now = func() time.Time { return time.Now().Add(-2 * time.Hour) }
	expired, _ := a.Mint(1, stylegraph.RoleShopper, time.Hour)
	a.now = time.Now
	none := jwt.NewWithClaims(jwt.SigningMethodNone, jwt.MapClaims{"sub": "1", "role": "admin", "exp": time.Now().Add(time.Hour).Unix()})
	noneTok, _ := none.SignedString(jwt.UnsafeAllowNoneSignatureType)
	noExp := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{"sub": "1", "role": "admin"})
	noExpTok, _ := noExp.SignedString(a.secret)
	badRole := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{"sub": "1", "role": "root", "exp": time.Now().Add(time.Hour).Unix()})
	badRoleTok, _ := badRole.SignedString(a.secret)
	badSub := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{"sub": "abc", "role": "admin", "exp": time.Now().Add(time.Hour).Unix()})
	badSubTok, _ := badSub.SignedString(a.secret)

	for name, tok := range map[string]string{
		"forged": forged, "expired": expired, "alg none": noneTok, "no exp": noExpTok,
		"bad role": badRoleTok, "bad sub": badSubTok, "garbage": "a.b.c", "empty": "",
	} {
		if _, err := a.VerifyToken(tok); stylegraph.ErrorCode(err) != stylegraph.EUNAUTHORIZED {
			t.Errorf("%s: got %v, want unauthorized", name, err)
		}
	}
}

func TestAPIKey(t *testing.T) {
	a := New("0123456789abcdef0123456789abcdef", map[string]string{"secret-key-123": "orders"})
	p, err := a.VerifyAPIKey("secret-key-123")
	if err != nil || p.Role != stylegraph.RoleService || p.KeyID != "orders" {
		t.Fatalf("got %+v, %v", p, err)
	}
	if _, err := a.VerifyAPIKey("secret-key-124"); stylegraph.ErrorCode(err) != stylegraph.EUNAUTHORIZED {
		t.Fatalf("wrong key accepted: %v", err)
	}
}

func TestMintValidates(t *testing.T) {
	a := New("0123456789abcdef0123456789abcdef", nil)
	if _, err := a.Mint(0, stylegraph.RoleShopper, time.Hour); stylegraph.ErrorField(err) != "sub" {
		t.Errorf("sub 0: %v", err)
	}
	if _, err := a.Mint(1, "root", time.Hour); stylegraph.ErrorField(err) != "role" {
		t.Errorf("role root: %v", err)
	}
}

// sign signs claims with a's secret as HS256, for tokens Mint would refuse.
func sign(t *testing.T, a *Authenticator, c jwt.MapClaims) string {
	t.Helper()
	tok, err := jwt.NewWithClaims(jwt.SigningMethodHS256, c).SignedString(a.secret)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// TestSubjectMustBeCanonical refuses every spelling of a user ID but the
// canonical one, and IDs past 2^53−1, which JavaScript cannot hold.
func TestSubjectMustBeCanonical(t *testing.T) {
	a := New("0123456789abcdef0123456789abcdef", nil)
	exp := time.Now().Add(time.Hour).Unix()
	for _, sub := range []string{"+5550002", "05550002", "-5", "0", "9007199254740992", "99999999999999999999", "5550002 ", " 5550002", "5e6", "5550002.0", "０５", ""} {
		tok := sign(t, a, jwt.MapClaims{"sub": sub, "role": "shopper", "exp": exp})
		if _, err := a.VerifyToken(tok); stylegraph.ErrorCode(err) != stylegraph.EUNAUTHORIZED {
			t.Errorf("sub %q: got %v, want unauthorized", sub, err)
		}
	}
	for sub, want := range map[string]int64{"5550002": 5550002, "1": 1, "9007199254740991": 1<<53 - 1} {
		p, err := a.VerifyToken(sign(t, a, jwt.MapClaims{"sub": sub, "role": "shopper", "exp": exp}))
		if err != nil || p.UserID != want {
			t.Errorf("sub %q: %+v, %v", sub, p, err)
		}
	}
	if _, err := a.Mint(1<<53, stylegraph.RoleShopper, time.Hour); stylegraph.ErrorField(err) != "sub" {
		t.Errorf("Mint 2^53: %v", err)
	}
}

func TestTokenPolicy(t *testing.T) {
	secret := "0123456789abcdef0123456789abcdef"
	a := NewWithPolicy(secret, nil, Policy{MaxLifetime: time.Hour, Issuer: "shop", Audience: "stylegraph"})
	now := time.Now()
	good := jwt.MapClaims{"sub": "1", "role": "shopper", "iss": "shop", "aud": "stylegraph", "iat": now.Unix(), "exp": now.Add(time.Hour).Unix()}
	with := func(k string, v any) jwt.MapClaims {
		c := jwt.MapClaims{}
		for kk, vv := range good {
			c[kk] = vv
		}
		if v == nil {
			delete(c, k)
		} else {
			c[k] = v
		}
		return c
	}
	if _, err := a.VerifyToken(sign(t, a, good)); err != nil {
		t.Fatalf("good token: %v", err)
	}
	minted, err := a.Mint(1, stylegraph.RoleShopper, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.VerifyToken(minted); err != nil {
		t.Errorf("minted token: %v", err)
	}
	if _, err := a.Mint(1, stylegraph.RoleShopper, 2*time.Hour); stylegraph.ErrorField(err) != "ttl" {
		t.Errorf("Mint over the cap: %v", err)
	}
	for name, c := range map[string]jwt.MapClaims{
		"a year long":            with("exp", now.Add(365*24*time.Hour).Unix()),
		"long-lived without iat": with("iat", nil),
		"issued long ago":        with("iat", now.Add(-2*time.Hour).Unix()),
		"issued in the future":   with("iat", now.Add(time.Hour).Unix()),
		"other issuer":           with("iss", "evil"),
		"no issuer":              with("iss", nil),
		"other audience":         with("aud", "elsewhere"),
		"no audience":            with("aud", nil),
	} {
		if name == "long-lived without iat" {
			c["exp"] = now.Add(48 * time.Hour).Unix()
		}
		if _, err := a.VerifyToken(sign(t, a, c)); stylegraph.ErrorCode(err) != stylegraph.EUNAUTHORIZED {
			t.Errorf("%s: got %v, want unauthorized", name, err)
		}
	}
	// Without issuer and audience configured, tokens need neither.
	plain := New(secret, nil)
	if _, err := plain.VerifyToken(sign(t, plain, with("iss", nil))); err != nil {
		t.Errorf("no issuer configured: %v", err)
	}
}

// A remembered token still expires, and only the exact same token hits.
func TestVerifiedTokensExpire(t *testing.T) {
	a := New("0123456789abcdef0123456789abcdef", nil)
	tok, err := a.Mint(7, stylegraph.RoleShopper, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	for range 2 { // the second answer comes from the cache
		p, err := a.VerifyToken(tok)
		if err != nil || p.UserID != 7 {
			t.Fatalf("fresh token: %+v, %v", p, err)
		}
	}
	if _, err := a.VerifyToken(tok[:len(tok)-2] + "xx"); stylegraph.ErrorCode(err) != stylegraph.EUNAUTHORIZED {
		t.Errorf("token with a changed signature: %v, want unauthorized", err)
	}
	a.now = func() time.Time { return time.Now().Add(2 * time.Minute) }
	if _, err := a.VerifyToken(tok); stylegraph.ErrorCode(err) != stylegraph.EUNAUTHORIZED {
		t.Errorf("remembered token after its expiry: %v, want unauthorized", err)
	}
}

func TestVerifiedCacheIsBounded(t *testing.T) {
	v := newVerified(2)
	exp := time.Now().Add(time.Hour)
	for i, tok := range []string{"a", "b", "c", "d", "e"} {
		v.put(tok, stylegraph.Principal{UserID: int64(i + 1)}, exp)
	}
	if n := len(v.cur) + len(v.old); n > 4 {
		t.Errorf("cache holds %d tokens, want at most two generations of 2", n)
	}
	if p, ok := v.get("e", time.Now()); !ok || p.UserID != 5 {
		t.Errorf("latest token: %+v, %v", p, ok)
	}
	if _, ok := v.get("a", time.Now()); ok {
		t.Error("oldest token still cached")
	}
}
