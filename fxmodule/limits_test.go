package fxmodule_test

import (
	"bufio"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
	"go.uber.org/fx"
	"go.uber.org/fx/fxtest"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"

	"github.com/vitals-go/vitals/core/coretest"
	"github.com/vitals-go/vitals/fxmodule"
	"github.com/vitals-go/vitals/fxmodule/lifecycle"
)

// startServer starts the module serving the app's echo on a loopback
// port, with the server.* keys server (as "read_timeout: 1s") and the
// health.* keys health.
func startServer(t *testing.T, e *echo.Echo, server, health string) *lifecycle.Runtime {
	t.Helper()
	var rt *lifecycle.Runtime
	body := "server: {address: '127.0.0.1:0', " + server + "}\nhealth: {lameduck: {period: 0s}, " + health + "}\n"
	app := fxtest.New(t, fx.NopLogger, fxmodule.Module, fx.Supply(e), fx.Populate(&rt), supplyConfig(t, body)).RequireStart()
	t.Cleanup(app.RequireStop) // after the test's connections are closed (cleanups run last first)
	return rt
}

// halfSent opens a connection and sends a request without the blank line
// that ends its headers.
func halfSent(t *testing.T, addr string) net.Conn {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	if _, err := io.WriteString(c, "GET /ready HTTP/1.1\r\nHost: x\r\n"); err != nil {
		t.Fatal(err)
	}
	return c
}

// closedWithin reports how long until the server closed c, waiting up to
// limit; false when it was still open then.
func closedWithin(c net.Conn, limit time.Duration) (time.Duration, bool) {
	start := time.Now()
	_ = c.SetReadDeadline(start.Add(limit))
	_, err := io.ReadAll(c)
	return time.Since(start), !errors.Is(err, os.ErrDeadlineExceeded)
}

// The server Vitals runs fills the timeouts and the header cap the app
// left at zero, and keeps the ones it set.
func TestServerLimitsFillZeroFields(t *testing.T) {
	e := newEcho()
	e.Server.ReadHeaderTimeout = 3 * time.Second
	e.Server.WriteTimeout = 7 * time.Second
	startServer(t, e, "", "")
	s := e.Server
	if s.ReadHeaderTimeout != 3*time.Second || s.WriteTimeout != 7*time.Second {
		t.Errorf("the app's own fields changed: read_header %s, write %s", s.ReadHeaderTimeout, s.WriteTimeout)
	}
	if s.IdleTimeout != 120*time.Second || s.MaxHeaderBytes != 64<<10 || s.ReadTimeout != 0 {
		t.Errorf("defaults: idle %s, max header bytes %d, read %s; want 2m0s, 65536, 0s", s.IdleTimeout, s.MaxHeaderBytes, s.ReadTimeout)
	}
	e = newEcho()
	startServer(t, e, "read_timeout: 30s, write_timeout: 1m", "")
	if s := e.Server; s.ReadHeaderTimeout != 10*time.Second || s.ReadTimeout != 30*time.Second || s.WriteTimeout != time.Minute {
		t.Errorf("configured: read_header %s, read %s, write %s", s.ReadHeaderTimeout, s.ReadTimeout, s.WriteTimeout)
	}
}

// A half-sent request is closed within the read-header timeout, and the
// server keeps answering meanwhile.
func TestHalfSentRequestIsClosed(t *testing.T) {
	rt := startServer(t, newEcho(), "read_header_timeout: 300ms", "")
	addr := rt.Addr().String()
	conns := make([]net.Conn, 20)
	for i := range conns {
		conns[i] = halfSent(t, addr)
	}
	if code := status("http://" + addr + "/ready"); code != http.StatusOK {
		t.Errorf("/ready with half-sent requests open = %d", code)
	}
	for i, c := range conns {
		if took, closed := closedWithin(c, 300*time.Millisecond+time.Second); !closed {
			t.Fatalf("half-sent request %d still open after %s (server.read_header_timeout 300ms)", i, took)
		}
	}
}

// server.max_header_bytes bounds the request line and headers.
func TestMaxHeaderBytes(t *testing.T) {
	rt := startServer(t, newEcho(), "max_header_bytes: 1024", "")
	req, _ := http.NewRequest(http.MethodGet, "http://"+rt.Addr().String()+"/hello", nil)
	req.Header.Set("X-Big", strings.Repeat("a", 8<<10))
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Errorf("8 KiB header = %d, want 431", resp.StatusCode)
	}
}

// Past server.max_connections, a reserve of connections serves the health
// endpoints only (once each, then closes); past the reserve, connections
// wait in the accept queue until one closes.
func TestMaxConnectionsKeepsHealthAnswering(t *testing.T) {
	rt := startServer(t, newEcho(), "max_connections: 2", "paths: {groups: {custom: /custom}}")
	addr := rt.Addr().String()
	var held []net.Conn
	for range 2 {
		held = append(held, halfSent(t, addr))
	}
	// get sends a keep-alive request on a connection of its own.
	get := func(path string) (int, string, bool) {
		t.Helper()
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		_ = c.SetDeadline(time.Now().Add(2 * time.Second))
		_, _ = io.WriteString(c, "GET "+path+" HTTP/1.1\r\nHost: x\r\n\r\n")
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil {
			t.Fatalf("GET %s past the cap: %v", path, err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b), resp.Close
	}
	coretest.Eventually(t, 2*time.Second, "past the cap, an app route is refused", func() bool {
		code, body, _ := get("/hello")
		return code == http.StatusServiceUnavailable && strings.Contains(body, "server.max_connections")
	})
	// Every group endpoint of the route table, health.paths.groups too.
	for _, p := range []string{"/ready", "/health", "/readyz", "/livez", "/custom"} {
		if code, body, closed := get(p); code != http.StatusOK || !closed {
			t.Errorf("%s past the cap = %d %q, Connection: close %v; want 200, close", p, code, body, closed)
		}
	}
	// The reserve (16) taken too: a new connection waits for a slot.
	for range 16 {
		held = append(held, halfSent(t, addr))
	}
	c, err := net.DialTimeout("tcp", addr, time.Second) // the kernel queues it
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_, _ = io.WriteString(c, "GET /ready HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
	_ = c.SetReadDeadline(time.Now().Add(300 * time.Millisecond))
	if _, err := bufio.NewReader(c).ReadString('\n'); err == nil {
		t.Fatal("a connection past the cap and the reserve was served")
	}
	held[0].Close()
	_ = c.SetReadDeadline(time.Now().Add(2 * time.Second))
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil || !strings.Contains(line, "200") {
		t.Errorf("once a connection closed, the queued one got %q, %v", line, err)
	}
}

// The gRPC health server closes a connection that does not finish its
// HTTP/2 handshake within server.read_header_timeout, and caps its
// connections at health.grpc.max_connections.
func TestGRPCConnectionLimits(t *testing.T) {
	rt := startServer(t, newEcho(), "read_header_timeout: 500ms", "grpc: {address: '127.0.0.1:0', max_connections: 1}")
	addr := rt.GRPCAddr().String()
	raw, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	start := time.Now()
	c := healthClient(t, addr)
	if _, err := grpcStatus(c, ""); err == nil && time.Since(start) < 400*time.Millisecond {
		t.Errorf("a second connection was served at once with health.grpc.max_connections 1")
	}
	if took, closed := closedWithin(raw, 500*time.Millisecond+time.Second); !closed {
		t.Fatalf("a connection without a handshake still open after %s", took)
	}
	coretest.Eventually(t, 3*time.Second, "Check once the silent connection is closed", func() bool {
		s, err := grpcStatus(c, "")
		return err == nil && s == healthpb.HealthCheckResponse_SERVING
	})
}
