package config_test

import (
	"strings"
	"testing"

	"github.com/stylegraph/stylegraph/config"
)

func lookup(env map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := env[k]; return v, ok }
}

func TestDefaultsMatchLocalStack(t *testing.T) {
	c, err := config.LoadFrom(lookup(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.Neo4jURI != "neo4j://127.0.0.1:7687" || c.OpenSearchURL != "http://127.0.0.1:9200" || c.RedisAddr != "127.0.0.1:6379" || c.HTTPAddr != ":8080" {
		t.Fatalf("defaults do not match the local stack: %+v", c)
	}
	if c.APIKeys["dev-service-key"] != "dev" {
		t.Fatalf("dev API key missing in dev mode")
	}
}

func TestBadValuesNameTheVariable(t *testing.T) {
	for _, tc := range []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"NEO4J_URI": "http://x:1"}, "NEO4J_URI"},
		{map[string]string{"OPENSEARCH_URL": "nope"}, "OPENSEARCH_URL"},
		{map[string]string{"REDIS_ADDR": "localhost"}, "REDIS_ADDR"},
		{map[string]string{"HTTP_ADDR": "8080"}, "HTTP_ADDR"},
		{map[string]string{"INTERNAL_ADDR": "9464"}, "INTERNAL_ADDR"},
		{map[string]string{"INTERNAL_ADDR": ":8080"}, "INTERNAL_ADDR"}, // metrics on the public port
		{map[string]string{"REDIS_DB": "x"}, "REDIS_DB"},
		{map[string]string{"SHUTDOWN_TIMEOUT": "-1s"}, "SHUTDOWN_TIMEOUT"},
		{map[string]string{"LOG_LEVEL": "loud"}, "LOG_LEVEL"},
		{map[string]string{"JWT_SECRET": "short"}, "JWT_SECRET"},
		{map[string]string{"STYLEGRAPH_ENV": "prod"}, "JWT_SECRET"},
		{map[string]string{"STYLEGRAPH_API_KEYS": "nokey"}, "STYLEGRAPH_API_KEYS"},
		{map[string]string{"RATE_LIMIT_PER_USER": "-1"}, "RATE_LIMIT_PER_USER"},
		{map[string]string{"CORS_ALLOWED_ORIGINS": "shop.example.com"}, "CORS_ALLOWED_ORIGINS"},
		{map[string]string{"TRUSTED_PROXIES": "proxy"}, "TRUSTED_PROXIES"},
		{map[string]string{"ACTIVITY_DEDUP_WINDOW": "1h"}, "ACTIVITY_DEDUP_WINDOW"},
		{map[string]string{"ACTIVITY_CLAIM_IDLE": "soon"}, "ACTIVITY_CLAIM_IDLE"},
		{map[string]string{"ACTIVITY_STREAM": "a b"}, "ACTIVITY_STREAM"},
		{map[string]string{"WORKER_ADDR": "9091"}, "WORKER_ADDR"},
		{map[string]string{"CONSUMER_BATCH_SIZE": "0"}, "CONSUMER_BATCH_SIZE"},
		{map[string]string{"CONSUMER_MAX_ATTEMPTS": "x"}, "CONSUMER_MAX_ATTEMPTS"},
		{map[string]string{"CONSUMER_MAX_DELIVERIES": "0"}, "CONSUMER_MAX_DELIVERIES"},
		{map[string]string{"CONSUMER_RETRY_BASE": "1m", "CONSUMER_RETRY_MAX": "1s"}, "CONSUMER_RETRY_MAX"},
		{map[string]string{"ACTIVITY_WAIT_REPLICAS": "-1"}, "ACTIVITY_WAIT_REPLICAS"},
	} {
		_, err := config.LoadFrom(lookup(tc.env))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("env %v: got error %v, want one naming %s", tc.env, err, tc.want)
		}
	}
}

func TestProdHasNoDevKey(t *testing.T) {
	c, err := config.LoadFrom(lookup(map[string]string{"STYLEGRAPH_ENV": "prod", "JWT_SECRET": strings.Repeat("s", 40)}))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.APIKeys) != 0 {
		t.Fatalf("prod must not accept the dev API key: %v", c.APIKeys)
	}
}

func TestRecommendationSettings(t *testing.T) {
	c, err := config.LoadFrom(lookup(map[string]string{"RECS_WEIGHTS": "social=2, trending=0", "RECS_MAX_PER_BRAND": "0"}))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Recs.Weights) != 2 || c.Recs.Weights["social"] != 2 || c.Recs.Weights["trending"] != 0 || c.Recs.MaxPerBrand != 0 {
		t.Fatalf("recs = %+v", c.Recs)
	}
	def, err := config.LoadFrom(lookup(nil))
	if err != nil {
		t.Fatal(err)
	}
	if def.Recs.Weights["collaborative"] != 1 || def.Recs.MaxPerCategory != 4 || def.Recs.CachePrefix != "stylegraph:recs:" || def.Recs.FeedEvery != 5 {
		t.Fatalf("default recs = %+v", def.Recs)
	}
	for _, bad := range []map[string]string{
		{"RECS_WEIGHTS": "popular=1"},
		{"RECS_WEIGHTS": "social=-1"},
		{"RECS_WEIGHTS": "social"},
		{"RECS_WEIGHTS": "social=NaN"},
		{"RECS_MAX_PER_CATEGORY": "-2"},
		{"RECS_CACHE_TTL": "soon"},
		{"FEED_RECS_EVERY": "1"},
	} {
		_, err := config.LoadFrom(lookup(bad))
		for name := range bad {
			if err == nil || !strings.Contains(err.Error(), name) {
				t.Errorf("%v: error %v does not name %s", bad, err, name)
			}
		}
	}
}
