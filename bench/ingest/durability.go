package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/stylegraph/stylegraph/bench/harness"
	"github.com/stylegraph/stylegraph/config"
)

// durability measures what the stronger Redis durability settings cost
// POST /v1/events: the same batches, clients and server build against three
// Redis instances of the benchmark's own (the shared one is never
// reconfigured), interleaved round by round: appendfsync everysec (the
// default, the baseline), appendfsync always, and everysec with one replica
// and ACTIVITY_WAIT_REPLICAS=1.
func durability(ctx context.Context, o *harness.Options, base config.Config, dir string, fx *fixture, shoppers *harness.Shoppers, key string, nEvents, clients int) error {
	everysec, err := startRedis(dir+"/everysec", "--appendfsync", "everysec")
	if err != nil {
		return err
	}
	defer everysec.stop()
	always, err := startRedis(dir+"/always", "--appendfsync", "always")
	if err != nil {
		return err
	}
	defer always.stop()
	primary, err := startRedis(dir+"/primary", "--appendfsync", "everysec")
	if err != nil {
		return err
	}
	defer primary.stop()
	replica, err := startRedis(dir+"/replica", "--appendfsync", "everysec", "--replicaof", "127.0.0.1", strconv.Itoa(primary.port))
	if err != nil {
		return err
	}
	defer replica.stop()
	if err := replica.waitLink(ctx); err != nil {
		return err
	}

	server := func(r *redisProc, waitReplicas int) (*harness.Server, error) {
		cfg := base
		cfg.RedisAddr, cfg.RedisAddrs, cfg.RedisCluster = r.addr(), []string{r.addr()}, false
		cfg.Activity.WaitReplicas = waitReplicas
		return harness.StartServer(ctx, cfg)
	}
	var cases []harness.Case
	for _, c := range []struct {
		name  string
		r     *redisProc
		waitN int
	}{
		{"appendfsync always", always, 0},
		{"everysec + 1 replica, ACTIVITY_WAIT_REPLICAS=1", primary, 1},
		{"baseline: appendfsync everysec (default)", everysec, 0},
	} {
		srv, err := server(c.r, c.waitN)
		if err != nil {
			return fmt.Errorf("%s: %w", c.name, err)
		}
		defer srv.Close()
		httpc := harness.HTTPClient(clients)
		seed := uint64(len(cases) + 10)
		cases = append(cases, harness.Case{Name: "POST /v1/events, " + c.name, Run: func(ctx context.Context) (harness.Sample, error) {
			return postAll(ctx, httpc, srv.URL, shoppers, key, makeBatches(fx, rand.New(rand.NewPCG(seed, seed+1)), nEvents), clients)
		}})
	}
	for _, subject := range cases[:2] {
		if _, err := harness.Measure(ctx, o, subject.Name+" vs the default everysec", "events/s", subject, cases[2]); err != nil {
			return err
		}
	}
	return nil
}

// redisProc is a redis-server the benchmark started.
type redisProc struct {
	cmd  *exec.Cmd
	port int
}

func (r *redisProc) addr() string { return "127.0.0.1:" + strconv.Itoa(r.port) }

func startRedis(dir string, extra ...string) (*redisProc, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	args := append([]string{"--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--dir", dir,
		"--appendonly", "yes", "--save", "", "--daemonize", "no"}, extra...)
	r := &redisProc{cmd: exec.Command("redis-server", args...), port: port}
	if err := r.cmd.Start(); err != nil {
		return nil, fmt.Errorf("start redis-server (installed by `make services`): %w", err)
	}
	c := redis.NewClient(&redis.Options{Addr: r.addr()})
	defer c.Close()
	for deadline := time.Now().Add(20 * time.Second); c.Ping(context.Background()).Err() != nil; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			r.stop()
			return nil, fmt.Errorf("redis-server on %s did not answer within 20s", r.addr())
		}
	}
	return r, nil
}

// waitLink waits until a replica is in sync with its primary.
func (r *redisProc) waitLink(ctx context.Context) error {
	c := redis.NewClient(&redis.Options{Addr: r.addr()})
	defer c.Close()
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		info, _ := c.Info(ctx, "replication").Result()
		if strings.Contains(info, "master_link_status:up") {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("replica on %s not in sync after 20s", r.addr())
		}
	}
}

func (r *redisProc) stop() {
	if r.cmd.Process != nil {
		_ = r.cmd.Process.Kill()
		_ = r.cmd.Wait()
	}
}
