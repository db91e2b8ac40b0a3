package testenv

import (
	"context"
	"net"
	"os/exec"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// RedisServer is a redis-server of the test's own (the one `make services`
// installs), configured like the shared one (append-only file, fsync every
// second) on a free port and a temporary directory, so a test may crash,
// freeze and restart it without touching the Redis other tests share.
type RedisServer struct {
	t    testing.TB
	dir  string
	port int
	args []string
	cmd  *exec.Cmd
}

// StartRedis starts a private redis-server; extra are added to its command
// line (e.g. "--appendfsync", "always"). It is killed when the test ends.
func StartRedis(t testing.TB, extra ...string) *RedisServer {
	t.Helper()
	Integration(t)
	r := &RedisServer{t: t, dir: t.TempDir(), port: FreePort(t), args: extra}
	r.Start()
	t.Cleanup(r.Kill)
	return r
}

// FreePort returns a loopback TCP port nothing listens on right now.
func FreePort(t testing.TB) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// Addr is the server's host:port.
func (r *RedisServer) Addr() string { return "127.0.0.1:" + strconv.Itoa(r.port) }

// Start (re)starts the server on its port and directory, so what it wrote
// before a crash is reloaded from the append-only file, and waits until it
// answers.
func (r *RedisServer) Start() {
	r.t.Helper()
	args := append([]string{"--port", strconv.Itoa(r.port), "--bind", "127.0.0.1",
		"--dir", r.dir, "--appendonly", "yes", "--appendfsync", "everysec", "--save", "", "--daemonize", "no"}, r.args...)
	r.cmd = exec.Command("redis-server", args...)
	if err := r.cmd.Start(); err != nil {
		r.t.Fatalf("start redis-server (installed by `make services`): %v", err)
	}
	c := redis.NewClient(&redis.Options{Addr: r.Addr()})
	defer c.Close()
	for deadline := time.Now().Add(20 * time.Second); ; {
		if c.Ping(context.Background()).Err() == nil {
			return
		}
		if time.Now().After(deadline) {
			r.t.Fatal("private redis-server did not answer within 20s")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Kill stops the server the hard way (SIGKILL), as a crash would: no clean
// shutdown, no final fsync by Redis.
func (r *RedisServer) Kill() {
	if r.cmd != nil && r.cmd.Process != nil {
		_ = r.cmd.Process.Signal(syscall.SIGCONT) // a frozen process dies too
		_ = r.cmd.Process.Kill()
		_ = r.cmd.Wait()
		r.cmd = nil
	}
}

// Freeze stops the process (SIGSTOP): connections stay open and nothing
// answers, as with a hung server, until Thaw.
func (r *RedisServer) Freeze() { r.signal(syscall.SIGSTOP) }

// Thaw resumes a frozen server (SIGCONT).
func (r *RedisServer) Thaw() { r.signal(syscall.SIGCONT) }

func (r *RedisServer) signal(s syscall.Signal) {
	if r.cmd != nil && r.cmd.Process != nil {
		_ = r.cmd.Process.Signal(s)
	}
}
