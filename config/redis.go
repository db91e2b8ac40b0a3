package config

import (
	"crypto/tls"
	"crypto/x509"
	"os"
	"strconv"

	"github.com/redis/go-redis/v9"
)

// readRedis reads how to reach Redis: one node at REDIS_ADDR by default; a
// cluster from the seed nodes in REDIS_ADDRS (or from one configuration
// endpoint with REDIS_CLUSTER=true, as ElastiCache gives); TLS with
// REDIS_TLS=true, trusting the system roots or the PEM bundle in
// REDIS_TLS_CA_FILE.
func (r *reader) readRedis(c *Config) {
	c.RedisAddrs = r.list("REDIS_ADDRS")
	if len(c.RedisAddrs) == 0 {
		c.RedisAddrs = []string{c.RedisAddr}
	}
	c.RedisAddr = c.RedisAddrs[0]
	for _, a := range c.RedisAddrs {
		r.hostPort("REDIS_ADDRS", a)
	}
	c.RedisUsername = r.str("REDIS_USERNAME", "")
	c.RedisCluster = r.bool("REDIS_CLUSTER", len(c.RedisAddrs) > 1)
	if c.RedisCluster && c.RedisDB != 0 {
		r.fail("REDIS_DB", strconv.Itoa(c.RedisDB), "must be 0 with a Redis Cluster (it has one database)")
	}
	caFile := r.str("REDIS_TLS_CA_FILE", "")
	if !r.bool("REDIS_TLS", caFile != "") {
		return
	}
	c.RedisTLS = &tls.Config{MinVersion: tls.VersionTLS12, ServerName: r.str("REDIS_TLS_SERVER_NAME", "")}
	if caFile != "" {
		pem, err := os.ReadFile(caFile)
		if err != nil {
			r.fail("REDIS_TLS_CA_FILE", caFile, "cannot be read: "+err.Error())
			return
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			r.fail("REDIS_TLS_CA_FILE", caFile, "holds no PEM certificate")
			return
		}
		c.RedisTLS.RootCAs = pool
	}
}

// RedisOptions are the go-redis options for the configured Redis; with
// redis.NewUniversalClient they give a cluster client when RedisCluster is
// set and a single-node client otherwise.
func (c Config) RedisOptions() *redis.UniversalOptions {
	o := &redis.UniversalOptions{
		Addrs:         c.RedisAddrs,
		Username:      c.RedisUsername,
		Password:      c.RedisPassword,
		DB:            c.RedisDB,
		IsClusterMode: c.RedisCluster,
	}
	if c.RedisTLS != nil {
		o.TLSConfig = c.RedisTLS.Clone()
	}
	return o
}
