package config_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/redis/go-redis/v9"

	"github.com/stylegraph/stylegraph/config"
	"github.com/stylegraph/stylegraph/internal/testenv"
)

func TestRedisSettings(t *testing.T) {
	for _, tc := range []struct {
		name        string
		env         map[string]string
		wantAddrs   []string
		wantCluster bool
		wantTLS     bool
	}{
		{"default one node", nil, []string{"127.0.0.1:6379"}, false, false},
		{"REDIS_ADDRS seeds a cluster", map[string]string{"REDIS_ADDRS": "a:7001, b:7002,c:7003"}, []string{"a:7001", "b:7002", "c:7003"}, true, false},
		{"one configuration endpoint", map[string]string{"REDIS_ADDRS": "cfg.cache.amazonaws.com:6379", "REDIS_CLUSTER": "true", "REDIS_TLS": "true"},
			[]string{"cfg.cache.amazonaws.com:6379"}, true, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := config.LoadFrom(lookup(tc.env))
			if err != nil {
				t.Fatal(err)
			}
			o := c.RedisOptions()
			if diff := cmp.Diff(tc.wantAddrs, o.Addrs); diff != "" {
				t.Errorf("addrs (-want +got):\n%s", diff)
			}
			if o.IsClusterMode != tc.wantCluster || (o.TLSConfig != nil) != tc.wantTLS {
				t.Errorf("cluster=%v tls=%v, want %v %v", o.IsClusterMode, o.TLSConfig != nil, tc.wantCluster, tc.wantTLS)
			}
			if c.RedisAddr != tc.wantAddrs[0] {
				t.Errorf("RedisAddr = %q, want the first address", c.RedisAddr)
			}
		})
	}
	for _, tc := range []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"REDIS_ADDRS": "a:1,b"}, "REDIS_ADDRS"},
		{map[string]string{"REDIS_ADDRS": "a:1,b:2", "REDIS_DB": "3"}, "REDIS_DB"},
		{map[string]string{"REDIS_TLS_CA_FILE": "/does/not/exist.pem"}, "REDIS_TLS_CA_FILE"},
		{map[string]string{"REDIS_TLS": "maybe"}, "REDIS_TLS"},
	} {
		if _, err := config.LoadFrom(lookup(tc.env)); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: error %v, want one naming %s", tc.env, err, tc.want)
		}
	}
}

// TestRedisTLS connects through the configured options to a real redis-server
// that speaks only TLS, with a certificate from a CA of the test's own: the
// CA file makes the handshake succeed, the system roots alone do not.
func TestRedisTLS(t *testing.T) {
	testenv.Integration(t)
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		t.Fatalf("redis-server not found (installed by `make services`): %v", err)
	}
	dir := t.TempDir()
	caFile := writeCerts(t, dir)
	port := freePort(t)
	cmd := exec.Command(bin, "--port", "0", "--tls-port", strconv.Itoa(port), "--bind", "127.0.0.1",
		"--tls-cert-file", filepath.Join(dir, "server.pem"), "--tls-key-file", filepath.Join(dir, "server-key.pem"),
		"--tls-ca-cert-file", caFile, "--tls-auth-clients", "no",
		"--save", "", "--appendonly", "no", "--dir", dir)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	addr := "127.0.0.1:" + strconv.Itoa(port)
	waitListening(t, addr)

	ping := func(env map[string]string) error {
		c, err := config.LoadFrom(lookup(env))
		if err != nil {
			t.Fatal(err)
		}
		r := redis.NewUniversalClient(c.RedisOptions())
		defer r.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		return r.Ping(ctx).Err()
	}
	if err := ping(map[string]string{"REDIS_ADDR": addr, "REDIS_TLS_CA_FILE": caFile, "REDIS_TLS_SERVER_NAME": "localhost"}); err != nil {
		t.Fatalf("TLS with the CA file: %v", err)
	}
	if err := ping(map[string]string{"REDIS_ADDR": addr, "REDIS_TLS": "true", "REDIS_TLS_SERVER_NAME": "localhost"}); err == nil {
		t.Error("TLS trusting only the system roots reached a server whose CA they do not hold")
	}
	if err := ping(map[string]string{"REDIS_ADDR": addr}); err == nil {
		t.Error("plain TCP reached a TLS-only server")
	}
}

// writeCerts writes a CA and a server certificate for localhost/127.0.0.1
// into dir and returns the CA file.
func writeCerts(t *testing.T, dir string) string {
	t.Helper()
	caKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	ca := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "stylegraph test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, ca, ca, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	srvKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	srv := &x509.Certificate{
		SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "localhost"},
		DNSNames: []string{"localhost"}, IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	caCert, _ := x509.ParseCertificate(caDER)
	srvDER, err := x509.CreateCertificate(rand.Reader, srv, caCert, &srvKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, _ := x509.MarshalECPrivateKey(srvKey)
	for name, block := range map[string]*pem.Block{
		"ca.pem":         {Type: "CERTIFICATE", Bytes: caDER},
		"server.pem":     {Type: "CERTIFICATE", Bytes: srvDER},
		"server-key.pem": {Type: "EC PRIVATE KEY", Bytes: keyDER},
	} {
		if err := os.WriteFile(filepath.Join(dir, name), pem.EncodeToMemory(block), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return filepath.Join(dir, "ca.pem")
}

func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

func waitListening(t *testing.T, addr string) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			return
		}
	}
	t.Fatalf("redis-server did not listen on %s", addr)
}

func TestOpenSearchNodeList(t *testing.T) {
	if _, err := config.LoadFrom(lookup(map[string]string{"OPENSEARCH_URL": "https://a:9200, https://b:9200"})); err != nil {
		t.Errorf("two node URLs: %v", err)
	}
	if _, err := config.LoadFrom(lookup(map[string]string{"OPENSEARCH_URL": "https://a:9200,b"})); err == nil || !strings.Contains(err.Error(), "OPENSEARCH_URL") {
		t.Errorf("a bad second URL: %v, want an error naming OPENSEARCH_URL", err)
	}
}
