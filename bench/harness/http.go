package harness

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/stylegraph/stylegraph"
)

// Shoppers are signed-in users of a server, each with a bearer token and a
// client address of their own, so a load spreads over many principals and
// addresses as real traffic does (per-user and per-IP limits stay
// realistic).
type Shoppers struct {
	IDs    []int64
	tokens []string
}

// Shoppers mints a token for each ID (role shopper).
func (s *Server) Shoppers(ids ...int64) (*Shoppers, error) {
	toks, err := s.Tokens(stylegraph.RoleShopper, ids...)
	if err != nil {
		return nil, err
	}
	return &Shoppers{IDs: ids, tokens: toks}, nil
}

// Len is how many shoppers there are.
func (sh *Shoppers) Len() int { return len(sh.IDs) }

// Sign makes req come from shopper i (modulo Len): their token and address.
func (sh *Shoppers) Sign(req *http.Request, i int) {
	i %= len(sh.IDs)
	req.Header.Set("Authorization", "Bearer "+sh.tokens[i])
	req.Header.Set("X-Forwarded-For", ForwardedFor(i))
}

// HTTPClient is a client keeping a connection per concurrent caller.
func HTTPClient(clients int) *http.Client {
	return &http.Client{Timeout: time.Minute,
		Transport: &http.Transport{MaxIdleConnsPerHost: clients, MaxConnsPerHost: clients}}
}

// StatusError is an answer with another status than the one expected.
type StatusError struct {
	Method, URL string
	Status      int
	// Body is the start of the error body; Degraded the X-Degraded header
	// (which dependency the server answered without).
	Body, Degraded string
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("%s %s: %d %s (X-Degraded %q)", e.Method, e.URL, e.Status, e.Body, e.Degraded)
}

// Call sends req and reads the whole answer; a status other than want is a
// *StatusError naming what the API said.
func Call(c *http.Client, req *http.Request, want int) ([]byte, error) {
	resp, err := c.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != want {
		return body, &StatusError{Method: req.Method, URL: req.URL.RequestURI(), Status: resp.StatusCode,
			Body: string(bytes.TrimSpace(body[:min(len(body), 300)])), Degraded: resp.Header.Get("X-Degraded")}
	}
	return body, nil
}

// Listen serves h on a free local port: a baseline's bare server.
func Listen(h http.Handler) (url string, stop func(), err error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	s := &http.Server{Handler: h}
	go func() { _ = s.Serve(ln) }()
	return "http://" + ln.Addr().String(), func() { _ = s.Close() }, nil
}

// FreeAddr is a local address nothing listens on right now.
func FreeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}
