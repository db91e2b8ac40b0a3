// Package config reads stylegraph's settings from the environment. Defaults
// match the local stack that `make services` starts, so a developer sets
// nothing; every value is validated at start-up and a bad one is reported by
// the name of its variable.
package config

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/stylegraph/stylegraph"
)

// Config is every setting the binary reads.
type Config struct {
	// Env is dev, test or prod (STYLEGRAPH_ENV); only dev offers the
	// console's dev sign-in.
	Env      string
	HTTPAddr string
	// InternalAddr serves /metrics and the detailed /readyz apart from the
	// public API (INTERNAL_ADDR); "off" serves them nowhere.
	InternalAddr    string
	LogLevel        string
	ShutdownTimeout time.Duration

	Neo4jURI      string
	Neo4jUser     string
	Neo4jPassword string

	OpenSearchURL      string
	OpenSearchUser     string
	OpenSearchPassword string
	SearchIndexPrefix  string
	// OpenSearchSigV4 signs requests for Amazon OpenSearch Service
	// (config/opensearch.go).
	OpenSearchSigV4 OpenSearchSigV4

	// RedisAddr is the first of RedisAddrs, for messages.
	RedisAddr string
	// RedisAddrs are the node (or cluster seed) addresses (config/redis.go).
	RedisAddrs    []string
	RedisUsername string
	RedisPassword string
	RedisDB       int
	// RedisCluster selects the cluster client.
	RedisCluster bool
	// RedisTLS, when set, is the TLS configuration for every Redis connection.
	RedisTLS *tls.Config

	// Rate limits in requests per minute (0 = off) and browser access.
	RateLimitPerUser int
	RateLimitPerIP   int
	CORSOrigins      []string
	TrustedProxies   []string
	// AuditDir, when set, gets a JSON Lines copy of the audit log.
	AuditDir string
	// Archive is where the archiver keeps every event (config/archive.go).
	Archive Archive
	// ActivityLog picks Redis Streams or SQS for the activity stream
	// (config/sqs.go).
	ActivityLog ActivityLog

	// JWTSecret signs and verifies HS256 bearer tokens.
	JWTSecret string
	// JWTMaxTTL caps a bearer token's lifetime (JWT_MAX_TTL).
	JWTMaxTTL time.Duration
	// JWTIssuer and JWTAudience, when set, must be the token's iss and aud
	// (JWT_ISSUER, JWT_AUDIENCE).
	JWTIssuer, JWTAudience string
	// APIKeys maps a service API key to its key ID (for audit); parsed from
	// STYLEGRAPH_API_KEYS as "id:key,id:key".
	APIKeys map[string]string

	// Activity configures the activity stream and the worker.
	Activity Activity
	// Recs tunes recommendations.
	Recs Recs
	// Feed tunes the feed.
	Feed Feed
	// Search configures personalisation caching and popularity signals.
	Search Search
	// Reliability sets request budgets and circuit breakers
	// (config/reliability.go).
	Reliability Reliability
	// Tracing turns OpenTelemetry export on (config/tracing.go).
	Tracing Tracing
}

// Recs tunes the recommendation blend and its precomputed lists.
type Recs struct {
	// RecBlend: weights per source (RECS_WEIGHTS as "source=weight,…"),
	// caps per brand and category, half-life, window, SIMILAR edges' age.
	stylegraph.RecBlend
	CachePrefix string
	CacheTTL    time.Duration
	// FeedEvery makes every FeedEvery-th feed item a recommended product
	// (0: none).
	FeedEvery int
}

// RecSources are the sources RECS_WEIGHTS may name.
var RecSources = stylegraph.RecSources

// devJWTSecret is only accepted when STYLEGRAPH_ENV is "dev" (the default), so
// a production deployment must set its own.
const devJWTSecret = "stylegraph-dev-secret-change-me-0123456789"

// Load reads the configuration from the process environment.
func Load() (Config, error) { return LoadFrom(os.LookupEnv) }

// LoadFrom reads the configuration through lookup, which tests replace.
// The steps run in a fixed order: the first bad variable is the one reported.
func LoadFrom(lookup func(string) (string, bool)) (Config, error) {
	r := reader{lookup: lookup}
	c := r.base()
	c.Archive = r.archive()
	c.ActivityLog = r.activityLog()
	if c.AuditDir == "off" {
		c.AuditDir = ""
	}
	r.checkEdge(c)
	c.Feed = r.feed()
	r.readSecrets(&c)
	c.Activity = r.activity()
	c.Recs = r.recs()
	c.Search = r.search()
	c.Reliability = r.reliability()
	c.OpenSearchSigV4 = r.openSearchSigV4()
	c.Tracing = r.tracing()
	r.checkAddrs(&c)
	if r.err != nil {
		return Config{}, r.err
	}
	return c, nil
}

// base reads the addresses, credentials and limits of the process.
func (r *reader) base() Config {
	return Config{
		HTTPAddr:           r.str("HTTP_ADDR", ":8080"),
		InternalAddr:       r.str("INTERNAL_ADDR", "127.0.0.1:9464"),
		LogLevel:           r.str("LOG_LEVEL", "info"),
		ShutdownTimeout:    r.duration("SHUTDOWN_TIMEOUT", 15*time.Second),
		Neo4jURI:           r.str("NEO4J_URI", "neo4j://127.0.0.1:7687"),
		Neo4jUser:          r.str("NEO4J_USER", "neo4j"),
		Neo4jPassword:      r.str("NEO4J_PASSWORD", "stylegraph-dev"),
		OpenSearchURL:      r.str("OPENSEARCH_URL", "http://127.0.0.1:9200"),
		OpenSearchUser:     r.str("OPENSEARCH_USER", ""),
		OpenSearchPassword: r.str("OPENSEARCH_PASSWORD", ""),
		SearchIndexPrefix:  r.str("SEARCH_INDEX_PREFIX", "stylegraph"),
		RedisAddr:          r.str("REDIS_ADDR", "127.0.0.1:6379"),
		RedisPassword:      r.str("REDIS_PASSWORD", ""),
		RedisDB:            r.int("REDIS_DB", 0),
		JWTSecret:          r.str("JWT_SECRET", ""),
		JWTMaxTTL:          r.duration("JWT_MAX_TTL", 24*time.Hour),
		JWTIssuer:          r.str("JWT_ISSUER", ""),
		JWTAudience:        r.str("JWT_AUDIENCE", ""),
		RateLimitPerUser:   r.int("RATE_LIMIT_PER_USER", 1200),
		RateLimitPerIP:     r.int("RATE_LIMIT_PER_IP", 6000),
		CORSOrigins:        r.list("CORS_ALLOWED_ORIGINS"),
		TrustedProxies:     r.list("TRUSTED_PROXIES"),
		AuditDir:           r.str("AUDIT_DIR", "archive"),
	}
}

// checkEdge checks the HTTP edge's rate limits, CORS origins and proxies.
func (r *reader) checkEdge(c Config) {
	if c.RateLimitPerUser < 0 {
		r.fail("RATE_LIMIT_PER_USER", strconv.Itoa(c.RateLimitPerUser), "must be 0 (off) or positive")
	}
	if c.RateLimitPerIP < 0 {
		r.fail("RATE_LIMIT_PER_IP", strconv.Itoa(c.RateLimitPerIP), "must be 0 (off) or positive")
	}
	for _, o := range c.CORSOrigins {
		if u, err := url.Parse(o); o != "*" && (err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Path != "") {
			r.fail("CORS_ALLOWED_ORIGINS", o, "each origin must be scheme://host[:port] or *")
		}
	}
	for _, p := range c.TrustedProxies {
		if net.ParseIP(p) == nil {
			if _, _, err := net.ParseCIDR(p); err != nil {
				r.fail("TRUSTED_PROXIES", p, "each entry must be an IP address or CIDR")
			}
		}
	}
}

// readSecrets reads STYLEGRAPH_ENV, the JWT secret (a dev default outside
// prod) and the API keys.
func (r *reader) readSecrets(c *Config) {
	env := r.str("STYLEGRAPH_ENV", "dev")
	if env != "dev" && env != "test" && env != "prod" {
		r.fail("STYLEGRAPH_ENV", env, "must be dev, test or prod")
	}
	if c.JWTSecret == "" {
		if env == "prod" {
			r.fail("JWT_SECRET", "", "must be set when STYLEGRAPH_ENV=prod")
		}
		c.JWTSecret = devJWTSecret
	}
	if len(c.JWTSecret) < 32 {
		r.fail("JWT_SECRET", "(hidden)", "must be at least 32 characters")
	}
	c.Env = env
	c.APIKeys = r.apiKeys("STYLEGRAPH_API_KEYS", env)
}

// recs reads the RECS_* variables and FEED_RECS_EVERY.
func (r *reader) recs() Recs {
	d := stylegraph.DefaultRecBlend()
	c := Recs{
		RecBlend: stylegraph.RecBlend{
			Weights:        r.weights("RECS_WEIGHTS", d.Weights),
			MaxPerBrand:    r.int("RECS_MAX_PER_BRAND", d.MaxPerBrand),
			MaxPerCategory: r.int("RECS_MAX_PER_CATEGORY", d.MaxPerCategory),
			HalfLife:       r.duration("RECS_HALF_LIFE", d.HalfLife),
			Window:         r.duration("RECS_WINDOW", d.Window),
			SimilarMaxAge:  r.duration("RECS_SIMILAR_MAX_AGE", d.SimilarMaxAge),
		},
		CachePrefix: r.str("RECS_CACHE_PREFIX", "stylegraph:recs:"),
		CacheTTL:    r.duration("RECS_CACHE_TTL", 6*time.Hour),
		FeedEvery:   r.int("FEED_RECS_EVERY", 5),
	}
	if c.FeedEvery < 0 || c.FeedEvery == 1 {
		r.fail("FEED_RECS_EVERY", strconv.Itoa(c.FeedEvery), "must be 0 (off) or at least 2")
	}
	if c.MaxPerBrand < 0 {
		r.fail("RECS_MAX_PER_BRAND", strconv.Itoa(c.MaxPerBrand), "must be 0 (no cap) or more")
	}
	if c.MaxPerCategory < 0 {
		r.fail("RECS_MAX_PER_CATEGORY", strconv.Itoa(c.MaxPerCategory), "must be 0 (no cap) or more")
	}
	return c
}

// checkAddrs checks the listen and service addresses, Redis and the log
// level.
func (r *reader) checkAddrs(c *Config) {
	r.hostPort("HTTP_ADDR", c.HTTPAddr)
	if c.InternalAddr != "off" {
		r.hostPort("INTERNAL_ADDR", c.InternalAddr)
		if c.InternalAddr == c.HTTPAddr {
			r.fail("INTERNAL_ADDR", c.InternalAddr, "must differ from HTTP_ADDR: metrics and readiness details stay off the public port")
		}
	}
	r.hostPort("REDIS_ADDR", c.RedisAddr)
	r.readRedis(c)
	r.url("NEO4J_URI", c.Neo4jURI, "neo4j", "neo4j+s", "neo4j+ssc", "bolt", "bolt+s", "bolt+ssc")
	// Several node URLs, comma-separated: the client spreads requests over
	// them and retries a failed one on the next.
	for _, u := range strings.Split(c.OpenSearchURL, ",") {
		r.url("OPENSEARCH_URL", strings.TrimSpace(u), "http", "https")
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		r.fail("LOG_LEVEL", c.LogLevel, "must be debug, info, warn or error")
	}
	if c.RedisDB < 0 || c.RedisDB > 15 {
		r.fail("REDIS_DB", strconv.Itoa(c.RedisDB), "must be between 0 and 15")
	}
}

// devAPIKey is the service key accepted in dev so that `make run` samples and
// local backends work without set-up.
const devAPIKey = "dev-service-key"

type reader struct {
	lookup func(string) (string, bool)
	err    error
}

func (r *reader) fail(name, value, problem string) {
	if r.err == nil {
		r.err = fmt.Errorf("config: %s=%q: %s", name, value, problem)
	}
}

func (r *reader) str(name, def string) string {
	if v, ok := r.lookup(name); ok && v != "" {
		return v
	}
	return def
}

func (r *reader) list(name string) []string {
	v, ok := r.lookup(name)
	if !ok || strings.TrimSpace(v) == "" {
		return nil
	}
	var out []string
	for _, item := range strings.Split(v, ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}

// value reads name with parse, def when it is unset or empty; a value parse
// refuses fails the configuration with problem.
func value[T any](r *reader, name string, def T, parse func(string) (T, error), problem string) T {
	v, ok := r.lookup(name)
	if !ok || v == "" {
		return def
	}
	x, err := parse(v)
	if err != nil {
		r.fail(name, v, problem)
	}
	return x
}

func (r *reader) int(name string, def int) int {
	return value(r, name, def, strconv.Atoi, "must be an integer")
}

func (r *reader) bool(name string, def bool) bool {
	return value(r, name, def, strconv.ParseBool, "must be true or false")
}

func (r *reader) float(name string, def float64) float64 {
	return value(r, name, def, func(v string) (float64, error) { return strconv.ParseFloat(v, 64) }, "must be a number")
}

func (r *reader) duration(name string, def time.Duration) time.Duration {
	return value(r, name, def, positiveDuration, "must be a positive duration such as 15s")
}

func positiveDuration(v string) (time.Duration, error) {
	d, err := time.ParseDuration(v)
	if err == nil && d <= 0 {
		err = errors.New("not positive")
	}
	return d, err
}

// endpoint reads the http(s) URL of an AWS-compatible server (S3, SQS);
// unset, it is "" and the client talks to AWS.
func (r *reader) endpoint(name string) string {
	v := r.str(name, "")
	if v != "" {
		r.url(name, v, "http", "https")
	}
	return v
}

func (r *reader) hostPort(name, v string) {
	if _, port, err := net.SplitHostPort(v); err != nil || port == "" {
		r.fail(name, v, "must be host:port")
	} else if p, err := strconv.Atoi(port); err != nil || p < 0 || p > 65535 {
		r.fail(name, v, "port must be 0-65535")
	}
}

func (r *reader) url(name, v string, schemes ...string) {
	u, err := url.Parse(v)
	if err != nil || u.Host == "" {
		r.fail(name, v, "must be a URL such as "+schemes[0]+"://host:port")
		return
	}
	for _, s := range schemes {
		if u.Scheme == s {
			return
		}
	}
	r.fail(name, v, "scheme must be one of "+strings.Join(schemes, ", "))
}

// weights reads "name=weight,…" where every name is a recommendation source
// and every weight a non-negative number; unset, it is def.
func (r *reader) weights(name string, def map[string]float64) map[string]float64 {
	v, ok := r.lookup(name)
	if !ok || v == "" {
		return def
	}
	out := map[string]float64{}
	for _, pair := range strings.Split(v, ",") {
		k, w, found := strings.Cut(strings.TrimSpace(pair), "=")
		f, err := strconv.ParseFloat(w, 64)
		if !found || err != nil || f < 0 || f != f || f > 1e6 || !slices.Contains(RecSources, k) {
			r.fail(name, v, "must be a list of source=weight with sources "+strings.Join(RecSources, ", ")+" and weights of 0 or more")
			return nil
		}
		out[k] = f
	}
	return out
}

func (r *reader) apiKeys(name, env string) map[string]string {
	keys := map[string]string{}
	v, ok := r.lookup(name)
	if !ok || v == "" {
		if env != "prod" {
			keys[devAPIKey] = "dev"
		}
		return keys
	}
	for _, pair := range strings.Split(v, ",") {
		id, key, found := strings.Cut(strings.TrimSpace(pair), ":")
		if !found || id == "" || len(key) < 12 {
			r.fail(name, "(hidden)", "must be a comma-separated list of id:key with keys of at least 12 characters")
			return nil
		}
		keys[key] = id
	}
	return keys
}
