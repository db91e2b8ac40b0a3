package search_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/stylegraph/stylegraph/internal/testenv"
	"github.com/stylegraph/stylegraph/search"
)

// TestSigV4 puts a local server in front of the real OpenSearch that checks
// every request's SigV4 signature as Amazon OpenSearch Service would (it
// signs the request again with the same key and compares) and forwards only
// the good ones. A client signing with the right key works end to end; one
// with a wrong key or no signer is refused.
func TestSigV4(t *testing.T) {
	c := testenv.Config(t)
	const region, service = "eu-west-1", "es"
	good := credentials.NewStaticCredentialsProvider("AKIDSTYLEGRAPHTEST", "secret-key-for-tests", "")
	target, err := url.Parse(strings.Split(c.OpenSearchURL, ",")[0])
	if err != nil {
		t.Fatal(err)
	}
	var checked, refused atomic.Int64
	proxy := httputil.NewSingleHostReverseProxy(target)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if problem := verifySigV4(r, good, region, service); problem != "" {
			refused.Add(1)
			http.Error(w, `{"message":"`+problem+`"}`, http.StatusForbidden)
			return
		}
		checked.Add(1)
		r.Header.Del("Authorization")
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)

	open := func(creds aws.CredentialsProvider) *search.Client {
		t.Helper()
		o := search.Options{URL: srv.URL, User: c.OpenSearchUser, Password: c.OpenSearchPassword, Prefix: testenv.Namespace(t)}
		if creds != nil {
			s, err := search.SigV4(region, service, creds)
			if err != nil {
				t.Fatal(err)
			}
			o.Signer = s
		}
		cl, err := search.OpenWith(o)
		if err != nil {
			t.Fatal(err)
		}
		return cl
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	signed := open(good)
	if err := signed.Ping(ctx); err != nil {
		t.Fatalf("signed ping: %v", err)
	}
	// A body is hashed into the signature, so a request with one checks the
	// payload hash too.
	var out struct {
		Tokens []struct {
			Token string `json:"token"`
		} `json:"tokens"`
	}
	if err := signed.Do(ctx, http.MethodPost, "/_analyze", map[string]any{"analyzer": "standard", "text": "Red Dress"}, &out); err != nil {
		t.Fatalf("signed request with a body: %v", err)
	}
	if len(out.Tokens) != 2 || out.Tokens[0].Token != "red" {
		t.Errorf("analyze answered %+v, want the tokens red and dress", out.Tokens)
	}
	if checked.Load() < 2 {
		t.Errorf("%d requests passed the signature check, want 2 or more", checked.Load())
	}

	for name, cl := range map[string]*search.Client{
		"wrong secret": open(credentials.NewStaticCredentialsProvider("AKIDSTYLEGRAPHTEST", "not-the-secret", "")),
		"unsigned":     open(nil),
	} {
		before := refused.Load()
		if err := cl.Ping(ctx); err == nil {
			t.Errorf("%s: ping succeeded, want the signature check to refuse it", name)
		}
		if refused.Load() == before {
			t.Errorf("%s: the server refused nothing", name)
		}
	}
}

// verifySigV4 checks r's Authorization header the way the service does and
// returns what is wrong, or "".
func verifySigV4(r *http.Request, creds aws.CredentialsProvider, region, service string) string {
	auth := r.Header.Get("Authorization")
	if !strings.HasPrefix(auth, "AWS4-HMAC-SHA256 ") {
		return "missing AWS4-HMAC-SHA256 authorization"
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return "unreadable body"
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	sum := sha256.Sum256(body)
	if hash := hex.EncodeToString(sum[:]); r.Header.Get("X-Amz-Content-Sha256") != hash {
		return "payload hash does not match the body"
	}
	at, err := time.Parse("20060102T150405Z", r.Header.Get("X-Amz-Date"))
	if err != nil || time.Since(at).Abs() > 5*time.Minute {
		return "missing or stale X-Amz-Date"
	}
	var signedHeaders []string
	for _, part := range strings.Split(strings.TrimPrefix(auth, "AWS4-HMAC-SHA256 "), ",") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(part), "SignedHeaders="); ok {
			signedHeaders = strings.Split(v, ";")
		}
	}
	// Sign again, with only the headers the client signed, and compare.
	again, err := http.NewRequest(r.Method, "http://"+r.Host+r.URL.RequestURI(), bytes.NewReader(body))
	if err != nil {
		return "bad request line"
	}
	for _, h := range signedHeaders {
		if h != "host" {
			again.Header[http.CanonicalHeaderKey(h)] = r.Header.Values(h)
		}
	}
	again.ContentLength = r.ContentLength
	c, err := creds.Retrieve(r.Context())
	if err != nil {
		return "credentials"
	}
	if err := v4.NewSigner().SignHTTP(r.Context(), c, again, r.Header.Get("X-Amz-Content-Sha256"), service, region, at); err != nil {
		return "cannot sign again"
	}
	if again.Header.Get("Authorization") != auth {
		return "signature does not match"
	}
	return ""
}
