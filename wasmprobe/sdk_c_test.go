package wasmprobe

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vitals-go/vitals/core"
	"github.com/vitals-go/vitals/internal/testnet"
	"github.com/vitals-go/vitals/internal/testtool"
)

// buildC builds C probe sources with guest-sdk/c/build.sh.
func buildC(t *testing.T, out string, srcs ...string) {
	t.Helper()
	_, err := exec.LookPath("clang")
	_, errLibc := os.Stat("/usr/include/wasm32-wasi/stdio.h")
	testtool.Need(t, "clang with wasi-libc (apt-get install -y clang lld wasi-libc libclang-rt-dev-wasm32)", err == nil && errLibc == nil)
	testtool.Script(t, nil, "../guest-sdk/c/build.sh", append([]string{out}, srcs...)...)
}

// TestSDKC builds the C SDK's self-test probe and the C example probe
// (examples/probes/c-tcp, with its own build script) and runs them
// through the host.
func TestSDKC(t *testing.T) {
	dir := t.TempDir()
	self := filepath.Join(dir, "selftest.wasm")
	buildC(t, self, "../guest-sdk/c/test/selftest.c")
	ctcp := filepath.Join(dir, "c-tcp.wasm")
	testtool.Script(t, nil, "../examples/probes/c-tcp/build.sh", ctcp)

	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if r.URL.Path == "/big" {
			_, _ = io.WriteString(w, strings.Repeat("b", 100<<10))
			return
		}
		_, _ = io.WriteString(w, "hé \"quoted\"\n")
	}))
	defer srv.Close()
	addr := testnet.AcceptAndClose(t)
	closedAddr := net.JoinHostPort("127.0.0.1", testnet.ClosedPort(t))

	p, sink := newProvider(t, Options{})
	for _, tc := range []guestCase{
		{name: "echo", module: self, config: map[string]any{
			"str": "h\u00e9llo \U0001F600 \"q\"", "int": 12, "int_float": 3.0, "num": 2.5, "bool": true,
			"obj": map[string]any{"a": []any{1, map[string]any{"b": "}"}}, "k\"ey": "in\\ner"},
		}, state: core.StateUp, message: "echo from c-echo", details: map[string]any{
			"str": "h\u00e9llo \U0001F600 \"q\"", "str_len": 15.0, "short": "hé", "short_len": 15.0,
			"int": 12.0, "int_float": 3.0, "int_default": 42.0, "int_of_string": 7.0, "num": 2.5, "bool": true,
			"missing": -10.0, "inner": "in\\ner", "timeout_ms": 5000.0,
		}},
		{name: "http", module: self, config: map[string]any{"mode": "http", "url": srv.URL + "/x", KeyAllow: []string{srv.URL + "/"}},
			state: core.StateUp, message: "HTTP 200", details: map[string]any{
				"status": 200.0, "body": "hé \"quoted\"\n", "content_type": "text/plain; charset=utf-8", "truncated": false}},
		{name: "http-big", module: self, config: map[string]any{"mode": "http", "url": srv.URL + "/big", KeyAllow: []string{srv.URL + "/"}},
			state: core.StateUp, message: "HTTP 200", details: map[string]any{"truncated": true}},
		{name: "http-denied", module: self, config: map[string]any{"mode": "http", "url": srv.URL + "/x"},
			state: core.StateDown, message: "GET " + srv.URL + "/x: not granted by the component's allow list", details: map[string]any{"code": -1.0}},
		{name: "http-budget", module: self, config: map[string]any{"mode": "http", "url": srv.URL + "/x", KeyAllow: []string{srv.URL + "/"}, KeyMaxNetCalls: 0},
			state: core.StateDown, message: "GET " + srv.URL + "/x: the check's network budget is spent", details: map[string]any{"code": -6.0}},
		{name: "big", module: self, config: map[string]any{"mode": "big"},
			state: core.StateDegraded, message: "quote \" backslash \\ newline \n tab \t bell \a é",
			details: map[string]any{"sdk_error": "68 details dropped: they did not fit in 32768 bytes"}},
		{name: "log", module: self, config: map[string]any{"mode": "log"}, state: core.StateUp},
		{name: "badstatus", module: self, config: map[string]any{"mode": "status", "status": 7},
			state: core.StateUnknown, message: "abi: status 7 is not 0, 1 or 2"},
		{name: "tcp", module: ctcp, config: map[string]any{"addr": addr, KeyAllow: []string{"127.0.0.1:*"}},
			state: core.StateUp, message: "connected to " + addr, details: map[string]any{"addr": addr}},
		{name: "tcp-refused", module: ctcp, config: map[string]any{"addr": closedAddr, KeyAllow: []string{"127.0.0.1:*"}},
			state: core.StateDown, message: "tcp_connect " + closedAddr + ": failed", details: map[string]any{"code": -2.0}},
		{name: "tcp-denied", module: ctcp, config: map[string]any{"addr": addr},
			state: core.StateDown, message: "tcp_connect " + addr + ": not granted by the component's allow list", details: map[string]any{"code": -1.0}},
		{name: "tcp-budget", module: ctcp, config: map[string]any{"addr": addr, KeyAllow: []string{"127.0.0.1:*"}, KeyMaxNetCalls: 0},
			state: core.StateDown, message: "tcp_connect " + addr + ": the check's network budget is spent", details: map[string]any{"code": -6.0}},
		{name: "tcp-noaddr", module: ctcp, state: core.StateDown, message: "config: addr is required (host:port)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := checkGuest(t, p, "c-", tc, 1, "timeout_ms")
			if _, want := tc.details["timeout_ms"]; want {
				if ms, _ := res.Details["timeout_ms"].(float64); ms < 4000 || ms > 5000 {
					t.Errorf("timeout_ms = %v", res.Details["timeout_ms"])
				}
			}
			if obj, _ := res.Details["obj"].(map[string]any); tc.name == "echo" && (obj == nil || obj["k\"ey"] != "in\\ner") {
				t.Errorf("details.obj = %v", res.Details["obj"])
			}
		})
	}
	for _, want := range []struct{ msg, level string }{{"debug 0", "DEBUG"}, {"info from c-log", "INFO"}, {"warn", "WARN"}, {"error", "ERROR"}} {
		if recs := sink.records(t, want.msg); len(recs) != 1 || recs[0]["level"] != want.level || recs[0]["probe"] != "c-log" {
			t.Errorf("log %q: %v", want.msg, recs)
		}
	}
}
