package harness

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/auth"
	"github.com/stylegraph/stylegraph/config"
	"github.com/stylegraph/stylegraph/internal/wiring"
)

// Server is the real API, built and started by internal/wiring exactly as
// `stylegraph serve` starts it (migrations, rate limiter, recommendation
// mix, personalisation, activity recording: whatever the configuration
// turns on), on a free local port.
type Server struct {
	// URL is the base URL, e.g. http://127.0.0.1:41234.
	URL  string
	Deps *wiring.Deps
	stop context.CancelFunc
	done chan error
}

// StartServer opens the stores named by cfg and serves the API until Close.
// Benchmarks pass config.Load()'s result with only key and index prefixes
// changed, so they keep to their own data on the shared services.
func StartServer(ctx context.Context, cfg config.Config) (*Server, error) {
	d, err := wiring.Open(ctx, cfg, io.Discard)
	if err != nil {
		return nil, fmt.Errorf("%w (run `make services`)", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		d.Close()
		return nil, err
	}
	sctx, stop := context.WithCancel(context.Background())
	s := &Server{URL: "http://" + ln.Addr().String(), Deps: d, stop: stop, done: make(chan error, 1)}
	go func() { s.done <- d.Serve(sctx, ln, true) }()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		resp, err := http.Get(s.URL + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return s, nil
			}
		}
		select {
		case err := <-s.done:
			d.Close()
			return nil, fmt.Errorf("server stopped before it was healthy: %w", err)
		case <-ctx.Done():
			s.Close()
			return nil, ctx.Err()
		default:
		}
		if time.Now().After(deadline) {
			s.Close()
			return nil, errors.New("server not healthy after 2 minutes")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Close drains the server and closes its clients.
func (s *Server) Close() error {
	s.stop()
	err := <-s.done
	s.Deps.Close()
	return err
}

// Tokens mints one bearer token per user ID with the server's secret, so a
// load spreads over many principals as real traffic does (per-user rate
// limits stay realistic).
func (s *Server) Tokens(role stylegraph.Role, ids ...int64) ([]string, error) {
	return MintTokens(s.Deps.Cfg.JWTSecret, role, ids...)
}

// MintTokens mints one bearer token per user ID, valid a day, signed with
// secret (JWT_SECRET): for a server the benchmark did not start itself.
func MintTokens(secret string, role stylegraph.Role, ids ...int64) ([]string, error) {
	a := auth.New(secret, nil)
	out := make([]string, len(ids))
	for i, id := range ids {
		t, err := a.Mint(id, role, 24*time.Hour)
		if err != nil {
			return nil, err
		}
		out[i] = t
	}
	return out, nil
}

// APIKey is one of the configured service API keys (STYLEGRAPH_API_KEYS).
func (s *Server) APIKey() (string, error) {
	for k := range s.Deps.Cfg.APIKeys {
		return k, nil
	}
	return "", errors.New("no service API key configured (STYLEGRAPH_API_KEYS)")
}

// Config is config.Load() with every key, stream and index prefix moved
// under prefix, the archive and audit copies in dir, and the local host
// trusted as a proxy, so the load can come from many client addresses
// (ForwardedFor) as it would behind a load balancer. Feature switches keep
// their defaults.
func Config(prefix, dir string) (config.Config, error) {
	cfg, err := config.Load()
	if err != nil {
		return cfg, err
	}
	cfg.Activity.Stream = prefix + "events"
	cfg.Feed.KeyPrefix = prefix + "feed:"
	cfg.Search.KeyPrefix = prefix + "search:"
	cfg.Recs.CachePrefix = prefix + "recs:"
	cfg.SearchIndexPrefix = strings.ToLower(strings.NewReplacer(":", "-").Replace(strings.TrimSuffix(prefix, ":")))
	cfg.Archive.Dir = dir
	cfg.AuditDir = dir
	cfg.TrustedProxies = []string{"127.0.0.1"}
	return cfg, nil
}

// ForwardedFor is the X-Forwarded-For address of simulated client i.
func ForwardedFor(i int) string {
	return fmt.Sprintf("10.%d.%d.%d", (i>>16)&255, (i>>8)&255, 1+i&255%254)
}
