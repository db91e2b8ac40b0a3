package harness

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/stylegraph/stylegraph/config"
)

// Env is one run's own corner of the shared services: a fresh key, stream
// and index prefix, a scratch folder, and the configuration (Config) that
// points the server there. Close stops the servers it started and removes
// the keys under the prefix and the folder.
type Env struct {
	Prefix, Dir string
	// Cfg is Config(Prefix, Dir); adjust it before StartServer.
	Cfg     config.Config
	servers []*Server
}

// NewEnv makes the environment of benchmark name ("bench:<name>:<ns>:").
func NewEnv(name string) (*Env, error) {
	dir, err := os.MkdirTemp("", "bench-"+name+"-")
	if err != nil {
		return nil, err
	}
	e := &Env{Prefix: fmt.Sprintf("bench:%s:%d:", name, time.Now().UnixNano()), Dir: dir}
	if e.Cfg, err = Config(e.Prefix, dir); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	return e, nil
}

// StartServer starts the API on cfg (Cfg or a variant of it); Close stops it.
func (e *Env) StartServer(ctx context.Context, cfg config.Config) (*Server, error) {
	s, err := StartServer(ctx, cfg)
	if err != nil {
		return nil, err
	}
	e.servers = append(e.servers, s)
	return s, nil
}

// Close removes the run's keys (through the first server's Redis client),
// stops its servers, newest first, and removes the folder.
func (e *Env) Close() {
	if len(e.servers) > 0 {
		DropPrefix(e.servers[0].Deps.Redis, e.Prefix)
	}
	for i := len(e.servers) - 1; i >= 0; i-- {
		_ = e.servers[i].Close()
	}
	os.RemoveAll(e.Dir)
}

// DropPrefix unlinks every key under prefix, a thousand a call.
func DropPrefix(rdb redis.UniversalClient, prefix string) {
	ctx := context.Background()
	iter := rdb.Scan(ctx, 0, prefix+"*", 1000).Iterator()
	var keys []string
	for iter.Next(ctx) {
		keys = append(keys, iter.Val())
		if len(keys) == 1000 {
			rdb.Unlink(ctx, keys...)
			keys = keys[:0]
		}
	}
	if len(keys) > 0 {
		rdb.Unlink(ctx, keys...)
	}
}

// IDBase is the first of a million IDs of the run's own: users and products
// it creates get IDs above it, apart from seeded data and other runs.
func IDBase() int64 { return (1 + rand.Int64N(1<<32)) * 1_000_000 }

// Dataset is the path of a file of the shared datasets
// (STYLEGRAPH_DATASETS, default ../shared/datasets).
func Dataset(parts ...string) string {
	root := os.Getenv("STYLEGRAPH_DATASETS")
	if root == "" {
		root = filepath.Join("..", "shared", "datasets")
	}
	return filepath.Join(append([]string{root}, parts...)...)
}
