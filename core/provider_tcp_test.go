package core_test

import (
	"bufio"
	"context"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/vitals-go/vitals/core"
	"github.com/vitals-go/vitals/core/coretest"
	"github.com/vitals-go/vitals/internal/testnet"
)

func TestTCPProviderStates(t *testing.T) {
	t.Parallel()
	accepting := testnet.Serve(t, func(net.Conn) {})
	banner := testnet.Serve(t, func(c net.Conn) {
		_, _ = io.WriteString(c, "220 mail.example ESMTP ready\r\n")
		testnet.WaitForClient(c)
	})
	pingPong := testnet.Serve(t, func(c net.Conn) {
		line, err := bufio.NewReader(c).ReadString('\n')
		if err != nil {
			return
		}
		if strings.TrimSpace(line) == "PING" {
			_, _ = io.WriteString(c, "+PONG\r\n")
		} else {
			_, _ = io.WriteString(c, "-ERR unknown command\r\n")
		}
		testnet.WaitForClient(c)
	})
	silent := testnet.Serve(t, testnet.WaitForClient)
	chatty := testnet.Serve(t, func(c net.Conn) {
		_, _ = io.WriteString(c, strings.Repeat("noise ", 2000))
		testnet.WaitForClient(c)
	})
	slowBanner := testnet.Serve(t, func(c net.Conn) {
		// The banner arrives in pieces, the marker split across writes.
		for _, part := range []string{"SSH-2.0", "-Open", "SSH_9.6\r\n"} {
			if _, err := io.WriteString(c, part); err != nil {
				return
			}
			time.Sleep(20 * time.Millisecond)
		}
		testnet.WaitForClient(c)
	})
	noAccept := testnet.Listen(t).Addr().String()
	refused := closedAddr(t)

	cases := []stateCase[struct{}]{
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
	checkStates(t, &core.TCPProvider{}, cases, func(t *testing.T, tc stateCase[struct{}], res core.Result) {
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

func TestTCPProviderCanceled(t *testing.T) {
	t.Parallel()
	silent := testnet.Serve(t, testnet.WaitForClient)
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
	addr := testnet.Serve(t, func(net.Conn) {})
	p := &core.TCPProvider{Dialer: &net.Dialer{Timeout: time.Second, LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1)}}}
	res := checkWithin(t, p, map[string]any{"address": addr}, 5*time.Second)
	if res.State != core.StateUp {
		t.Fatalf("got %s %q", res.State, res.Message)
	}
}

func TestTCPProviderValidateConfig(t *testing.T) {
	t.Parallel()
	wantConfigErrors(t, &core.TCPProvider{}, core.Component{Name: "db", Provider: "tcp"}, []configCase{
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
	})
}

// TestTCPProviderInEngine checks components through the engine, whose
// component timeout is the connect timeout.
func TestTCPProviderInEngine(t *testing.T) {
	t.Parallel()
	up := testnet.Serve(t, func(net.Conn) {})
	e, _ := coretest.NewEngine(t, core.WithProviders(&core.TCPProvider{}))
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
