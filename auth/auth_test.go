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
