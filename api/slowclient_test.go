package api

import (
	"bufio"
	"errors"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/stylegraph/stylegraph/auth"
)

// TestSlowClientIsCutOff holds a connection open by sending its headers a
// byte at a time; the server must drop it after ReadHeaderTimeout while
// answering everyone else.
func TestSlowClientIsCutOff(t *testing.T) {
	s := New(Options{Auth: auth.New(secret, nil), ReadHeaderTimeout: 300 * time.Millisecond})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = s.Serve(ln) }()
	t.Cleanup(func() { _ = s.Shutdown(t.Context()) })

	conn, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	start := time.Now()
	closed := false
	for _, b := range []byte("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ") {
		if _, err := conn.Write([]byte{b}); err != nil {
			closed = true
			break
		}
		// Meanwhile a normal client is served.
		if b == 'X' {
			resp, err := http.Get("http://" + ln.Addr().String() + "/healthz")
			if err != nil || resp.StatusCode != 200 {
				t.Fatalf("normal client not served while a slow one waits: %v", err)
			}
			resp.Body.Close()
		}
		time.Sleep(20 * time.Millisecond)
		if time.Since(start) > 5*time.Second {
			break
		}
	}
	if !closed {
		_ = conn.SetReadDeadline(time.Now().Add(3 * time.Second))
		// The server answers 408 or just closes; a read that times out means
		// it is still waiting for the slow client.
		_, err = bufio.NewReader(conn).ReadString('\n')
		var ne net.Error
		closed = err == nil || !(errors.As(err, &ne) && ne.Timeout())
	}
	if !closed || time.Since(start) > 4*time.Second {
		t.Fatalf("slow client kept its connection for %s", time.Since(start))
	}
}
