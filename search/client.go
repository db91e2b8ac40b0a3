// Package search owns the product index in OpenSearch: mappings (embedded JSON
// under mappings/), index lifecycle behind aliases, and the queries shoppers
// run. Query DSL is built in Go values and marshalled; user text only ever
// lands in JSON string values. search must not import api, feeds or ingest.
package search

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/opensearch-project/opensearch-go/v4"
	"github.com/opensearch-project/opensearch-go/v4/signer"
	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"

	"github.com/stylegraph/stylegraph"
)

// Client talks to one OpenSearch cluster.
type Client struct {
	os     *opensearch.Client
	prefix string
	guard  Guard
}

// Guard runs one call to OpenSearch within its share of the request's budget
// and refuses calls while the cluster is known to be down (budget.Breaker).
type Guard interface {
	Do(ctx context.Context, call func(ctx context.Context) error) error
}

// SetGuard makes every request go through g.
func (c *Client) SetGuard(g Guard) { c.guard = g }

// Open returns a client for the cluster at rawURL; prefix namespaces every
// index and alias the service owns (tests use their own prefix).
//
// rawURL may list several nodes, comma-separated; requests go round-robin
// and a node that fails is retried on the next.
func Open(rawURL, user, password, prefix string) (*Client, error) {
	return OpenWith(Options{URL: rawURL, User: user, Password: password, Prefix: prefix})
}

// Options describe how to reach a cluster.
type Options struct {
	// URL is one node URL, or several comma-separated.
	URL string
	// User and Password are basic auth, when the cluster has security on.
	User, Password string
	// Prefix namespaces every index and alias the service owns.
	Prefix string
	// Signer, when set, signs every request (SigV4 for Amazon OpenSearch
	// Service).
	Signer signer.Signer
	// TracerProvider, when set, makes every request a client span.
	TracerProvider trace.TracerProvider
}

// OpenWith returns a client for the cluster o describes.
func OpenWith(o Options) (*Client, error) {
	var addrs []string
	for _, u := range strings.Split(o.URL, ",") {
		addrs = append(addrs, strings.TrimSpace(u))
	}
	var rt http.RoundTripper = &http.Transport{MaxIdleConnsPerHost: 64, ResponseHeaderTimeout: 30 * time.Second}
	if o.TracerProvider != nil {
		rt = otelhttp.NewTransport(rt,
			otelhttp.WithTracerProvider(o.TracerProvider),
			otelhttp.WithSpanNameFormatter(func(_ string, r *http.Request) string { return "opensearch " + r.Method }),
			otelhttp.WithSpanOptions(trace.WithAttributes(attribute.String("db.system.name", "opensearch"))),
		)
	}
	c, err := opensearch.NewClient(opensearch.Config{
		Addresses:    addrs,
		Username:     o.User,
		Password:     o.Password,
		Signer:       o.Signer,
		MaxRetries:   2,
		DisableRetry: false,
		Transport:    rt,
	})
	if err != nil {
		return nil, fmt.Errorf("opensearch client: %w", err)
	}
	return &Client{os: c, prefix: o.Prefix}, nil
}

// Name is the dependency's name in readiness reports.
func (c *Client) Name() string { return "opensearch" }

// Ping asks the cluster for its health and fails unless it is yellow or green.
func (c *Client) Ping(ctx context.Context) error {
	var h struct {
		Status string `json:"status"`
	}
	if err := c.Do(ctx, http.MethodGet, "/_cluster/health", nil, &h); err != nil {
		return err
	}
	if h.Status != "green" && h.Status != "yellow" {
		return stylegraph.Errorf(stylegraph.EUNAVAILABLE, "opensearch cluster is %s", h.Status)
	}
	return nil
}

// Prefix is the namespace of this client's indices.
func (c *Client) Prefix() string { return c.prefix }

// StatusError is an OpenSearch answer of 400 or above.
type StatusError struct {
	Status int
	Type   string
	Reason string
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("opensearch %d %s: %s", e.Status, e.Type, e.Reason)
}

// IsStatus reports whether err is an OpenSearch answer with that status.
func IsStatus(err error, status int) bool {
	var se *StatusError
	return errors.As(err, &se) && se.Status == status
}

// Do sends one request. body is marshalled to JSON unless it is an io.Reader
// or []byte (bulk NDJSON); out, when non-nil, receives the decoded answer.
func (c *Client) Do(ctx context.Context, method, path string, body any, out any) error {
	if c.guard == nil {
		return c.do(ctx, method, path, body, out)
	}
	return c.guard.Do(ctx, func(ctx context.Context) error { return c.do(ctx, method, path, body, out) })
}

func (c *Client) do(ctx context.Context, method, path string, body any, out any) error {
	req, err := newRequest(ctx, method, path, body)
	if err != nil {
		return err
	}
	resp, err := c.os.Perform(req)
	if err != nil {
		switch {
		case errors.Is(ctx.Err(), context.Canceled):
			return ctx.Err()
		case ctx.Err() != nil:
			// The call's share of the request's budget ran out: a slow
			// engine, not one that refused.
			return fmt.Errorf("%w: %w", errSlow, err)
		}
		return fmt.Errorf("%w: %w", &stylegraph.Error{Code: stylegraph.EUNAVAILABLE, Message: "search engine unavailable"}, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		if ctx.Err() != nil && !errors.Is(ctx.Err(), context.Canceled) {
			return fmt.Errorf("%w: %w", errSlow, err)
		}
		return fmt.Errorf("read %s %s: %w", method, path, err)
	}
	if resp.StatusCode >= 400 {
		return statusError(resp.StatusCode, data)
	}
	if out != nil && len(data) > 0 {
		if err := json.Unmarshal(data, out); err != nil {
			return fmt.Errorf("decode %s %s: %w", method, path, err)
		}
	}
	return nil
}

// newRequest builds the request of Do: body encoded as JSON, sent as it is
// (io.Reader) or as NDJSON ([]byte); a query in path is kept as the query.
func newRequest(ctx context.Context, method, path string, body any) (*http.Request, error) {
	var rd io.Reader
	contentType := "application/json"
	switch b := body.(type) {
	case nil:
	case io.Reader:
		rd = b
	case []byte:
		rd = bytes.NewReader(b)
		contentType = "application/x-ndjson"
	default:
		buf, err := json.Marshal(b)
		if err != nil {
			return nil, fmt.Errorf("encode %s %s: %w", method, path, err)
		}
		rd = bytes.NewReader(buf)
	}
	u := &url.URL{Path: path}
	if p, q, ok := strings.Cut(path, "?"); ok {
		u.Path, u.RawQuery = p, q
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), rd)
	if err != nil {
		return nil, fmt.Errorf("build %s %s: %w", method, path, err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", contentType)
	}
	return req, nil
}

// errSlow is a call that ran out of its share of the request's budget.
var errSlow = &stylegraph.Error{Code: stylegraph.EUNAVAILABLE, Message: "search engine did not answer in time"}

// statusError is the error of an answer with status 400 or above: a busy
// engine (429: a full search queue or a tripped memory breaker) or an
// unavailable one (503) is EUNAVAILABLE, saying which, with the engine's
// own error wrapped; the rest is a StatusError with the engine's reason.
func statusError(status int, data []byte) error {
	var e struct {
		Error struct {
			Type   string `json:"type"`
			Reason string `json:"reason"`
		} `json:"error"`
	}
	_ = json.Unmarshal(data, &e)
	se := &StatusError{Status: status, Type: e.Error.Type, Reason: e.Error.Reason}
	switch status {
	case http.StatusTooManyRequests:
		return fmt.Errorf("%w: %w", &stylegraph.Error{Code: stylegraph.EUNAVAILABLE, Message: "search engine busy"}, se)
	case http.StatusServiceUnavailable:
		return fmt.Errorf("%w: %w", &stylegraph.Error{Code: stylegraph.EUNAVAILABLE, Message: "search engine unavailable"}, se)
	}
	return se
}
