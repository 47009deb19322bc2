package core_test

import (
	"bufio"
	"context"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vitals-go/vitals/core"
)

var (
	_ core.Provider        = (*core.TCPProvider)(nil)
	_ core.ConfigValidator = (*core.TCPProvider)(nil)
)

// serveTCP listens on a local port and runs handle for each connection
// until the test ends; every goroutine it starts has ended by then.
func serveTCP(t *testing.T, handle func(net.Conn)) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	var mu sync.Mutex
	conns := map[net.Conn]struct{}{}
	wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns[c] = struct{}{}
			mu.Unlock()
			wg.Go(func() {
				defer func() {
					mu.Lock()
					delete(conns, c)
					mu.Unlock()
					_ = c.Close()
				}()
				handle(c)
			})
		}
	})
	t.Cleanup(func() {
		close(done)
		_ = ln.Close()
		mu.Lock()
		for c := range conns {
			_ = c.Close() // unblocks handlers that wait on the client
		}
		mu.Unlock()
		wg.Wait()
	})
	return ln.Addr().String()
}

// waitForClient blocks until the client closes the connection (or the
// test server shuts down), reading and discarding what it sends.
func waitForClient(c net.Conn) { _, _ = io.Copy(io.Discard, c) }

// listenNoAccept returns the address of a listener that never accepts: the
// kernel completes handshakes into its backlog, nobody ever reads.
func listenNoAccept(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ln.Close() })
	return ln.Addr().String()
}

func TestTCPProviderStates(t *testing.T) {
	t.Parallel()
	accepting := serveTCP(t, func(net.Conn) {})
	banner := serveTCP(t, func(c net.Conn) {
		_, _ = io.WriteString(c, "220 mail.example ESMTP ready\r\n")
		waitForClient(c)
	})
	pingPong := serveTCP(t, func(c net.Conn) {
		line, err := bufio.NewReader(c).ReadString('\n')
		if err != nil {
			return
		}
		if strings.TrimSpace(line) == "PING" {
			_, _ = io.WriteString(c, "+PONG\r\n")
		} else {
			_, _ = io.WriteString(c, "-ERR unknown command\r\n")
		}
		waitForClient(c)
	})
	silent := serveTCP(t, waitForClient)
	chatty := serveTCP(t, func(c net.Conn) {
		_, _ = io.WriteString(c, strings.Repeat("noise ", 2000))
		waitForClient(c)
	})
	slowBanner := serveTCP(t, func(c net.Conn) {
		// The banner arrives in pieces, the marker split across writes.
		for _, part := range []string{"SSH-2.0", "-Open", "SSH_9.6\r\n"} {
			if _, err := io.WriteString(c, part); err != nil {
				return
			}
			time.Sleep(20 * time.Millisecond)
		}
		waitForClient(c)
	})
	noAccept := listenNoAccept(t)
	refused := closedAddr(t)

	tests := []struct {
		name    string
		cfg     map[string]any
		timeout time.Duration
		want    core.State
		msg     string
	}{
		{name: "connect", cfg: map[string]any{"address": accepting}, want: core.StateUp, msg: "connected"},
		{name: "refused", cfg: map[string]any{"address": refused}, want: core.StateDown, msg: "connection refused"},
		{name: "banner", cfg: map[string]any{"address": banner, "expect": "220 "}, want: core.StateUp, msg: `read "220 "`},
		{name: "wrong banner", cfg: map[string]any{"address": banner, "expect": "SSH-2.0"}, timeout: 300 * time.Millisecond, want: core.StateDown,
			msg: `expected "SSH-2.0", timed out after`},
		{name: "banner in pieces", cfg: map[string]any{"address": slowBanner, "expect": "SSH-2.0-OpenSSH"}, want: core.StateUp},
		{name: "request and response", cfg: map[string]any{"address": pingPong, "send": "PING\r\n", "expect": "+PONG"}, want: core.StateUp},
		{name: "wrong response", cfg: map[string]any{"address": pingPong, "send": "HELLO\r\n", "expect": "+PONG"}, timeout: 300 * time.Millisecond,
			want: core.StateDown, msg: `read "-ERR unknown command\r\n"`},
		{name: "send only", cfg: map[string]any{"address": silent, "send": "hello\n"}, want: core.StateUp, msg: "sent 6 bytes"},
		{name: "silent peer", cfg: map[string]any{"address": silent, "expect": "hi"}, timeout: 200 * time.Millisecond, want: core.StateDown,
			msg: "timed out after"},
		{name: "peer closes at once", cfg: map[string]any{"address": accepting, "expect": "hi"}, want: core.StateDown, msg: "connection closed; read nothing"},
		{name: "too much noise", cfg: map[string]any{"address": chatty, "expect": "OK", "max_read_bytes": 100}, want: core.StateDown,
			msg: `not in the first 100 bytes; read "noise noise`},
		{name: "noise truncated in the message", cfg: map[string]any{"address": chatty, "expect": "OK", "max_read_bytes": 1000}, want: core.StateDown,
			msg: "... (1000 bytes)"},
		// The kernel completes the handshake for a listener that does not
		// accept: a plain connect succeeds, an exchange times out.
		{name: "backlog connect", cfg: map[string]any{"address": noAccept}, want: core.StateUp},
		{name: "backlog exchange", cfg: map[string]any{"address": noAccept, "send": "PING\r\n", "expect": "PONG"}, timeout: 200 * time.Millisecond,
			want: core.StateDown, msg: "timed out"},
	}
	p := &core.TCPProvider{}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			res := checkJudged(t, p, tc.cfg, tc.timeout, tc.want, tc.msg)
			if res.Details["address"] != tc.cfg["address"] {
				t.Errorf("details = %v", res.Details)
			}
			if res.State == core.StateUp && res.Details["remote_addr"] == nil {
				t.Errorf("no remote_addr in %v", res.Details)
			}
			if len(res.Message) > 300 {
				t.Errorf("message of %d bytes is not truncated: %q", len(res.Message), res.Message)
			}
		})
	}
}

func TestTCPProviderCanceled(t *testing.T) {
	t.Parallel()
	silent := serveTCP(t, waitForClient)
	p := &core.TCPProvider{}
	ctx, cancel := context.WithCancel(t.Context())
	time.AfterFunc(50*time.Millisecond, cancel)
	start := time.Now()
	// No deadline at all: only the cancellation ends the read.
	res := p.Check(ctx, core.Component{Name: "x", Config: map[string]any{"address": silent, "expect": "never"}})
	if res.State != core.StateDown || time.Since(start) > 5*time.Second {
		t.Fatalf("got %s %q after %s", res.State, res.Message, time.Since(start))
	}
}

func TestTCPProviderDialer(t *testing.T) {
	t.Parallel()
	addr := serveTCP(t, func(net.Conn) {})
	p := &core.TCPProvider{Dialer: &net.Dialer{Timeout: time.Second, LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1)}}}
	res := checkWithin(t, p, map[string]any{"address": addr}, 5*time.Second)
	if res.State != core.StateUp {
		t.Fatalf("got %s %q", res.State, res.Message)
	}
}

func TestTCPProviderValidateConfig(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		cfg  map[string]any
		want []string
	}{
		{"minimal", map[string]any{"address": "db:5432"}, nil},
		{"ipv6", map[string]any{"address": "[::1]:6379", "send": "PING\r\n", "expect": "PONG", "max_read_bytes": float64(64)}, nil},
		{"env string", map[string]any{"address": "db:5432", "max_read_bytes": "128"}, nil},
		{"missing", map[string]any{}, []string{"address: is required"}},
		{"blank", map[string]any{"address": "  "}, []string{"address: must not be empty"}},
		{"no port", map[string]any{"address": "db"}, []string{"address: \"db\" is not host:port: missing port"}},
		{"no host", map[string]any{"address": ":5432"}, []string{"address: ", "no host"}},
		{"bad port", map[string]any{"address": "db:postgres"}, []string{"address: ", "port \"postgres\""}},
		{"port zero", map[string]any{"address": "db:0"}, []string{"address: "}},
		{"port too big", map[string]any{"address": "db:70000"}, []string{"address: "}},
		{"not a string", map[string]any{"address": map[string]any{"host": "db"}}, []string{"address: a map is not a string"}},
		{"max read zero", map[string]any{"address": "db:1", "max_read_bytes": 0}, []string{"max_read_bytes: 0 is out of range"}},
		{"max read text", map[string]any{"address": "db:1", "max_read_bytes": "lots"}, []string{"max_read_bytes: \"lots\" is not an integer"}},
		{"expect longer than bound", map[string]any{"address": "db:1", "expect": "0123456789", "max_read_bytes": 4}, []string{"expect: "}},
		{"misspelt", map[string]any{"address": "db:1", "expected": "x"}, []string{"expected: unknown key", "expect, max_read_bytes"}},
	}
	p := &core.TCPProvider{}
	for _, tc := range tests {
		wantConfigError(t, p, tc.name, core.Component{Name: "db", Provider: "tcp", Config: tc.cfg}, tc.want...)
	}
}

// TestTCPProviderInEngine checks components through the engine, whose
// component timeout is the connect timeout.
func TestTCPProviderInEngine(t *testing.T) {
	t.Parallel()
	up := serveTCP(t, func(net.Conn) {})
	e, err := core.New(core.WithProviders(&core.TCPProvider{}), core.WithJitter(0))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := e.Stop(context.Background()); err != nil {
			t.Error(err)
		}
	})
	if err := e.Add(t.Context(), core.Component{Name: "db", Provider: "tcp"}); err == nil ||
		!strings.Contains(err.Error(), `component "db": config.address: is required`) {
		t.Fatalf("Add without address = %v", err)
	}
	mustAdd(t, e, core.Component{Name: "db", Provider: "tcp", Interval: time.Hour, Config: map[string]any{"address": up}})
	mustAdd(t, e, core.Component{Name: "cache", Provider: "tcp", Interval: time.Hour, NonCritical: true, Fall: 1,
		Config: map[string]any{"address": closedAddr(t)}})
	if err := e.ForceCheck(t.Context()); err != nil {
		t.Fatal(err)
	}
	s := e.Snapshot()
	if db, _ := s.Get("db"); db.Result.State != core.StateUp {
		t.Errorf("db: %s %q", db.Result.State, db.Result.Message)
	}
	if cache, _ := s.Get("cache"); cache.Result.State != core.StateDown || !strings.Contains(cache.Result.Message, "refused") {
		t.Errorf("cache: %s %q", cache.Result.State, cache.Result.Message)
	}
	if s.State != core.StateDegraded {
		t.Errorf("overall %s, want degraded (the failing component is not critical)", s.State)
	}
}
