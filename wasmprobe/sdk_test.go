package wasmprobe

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vitals-go/vitals/core"
	"github.com/vitals-go/vitals/internal/testnet"
	"github.com/vitals-go/vitals/internal/testtool"
)

// serveText serves a loopback HTTP server, closed at the end of the
// test, answering a request for a path with body(path) of type
// contentType.
func serveText(t *testing.T, contentType string, body func(path string) string) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", contentType)
		_, _ = io.WriteString(w, body(r.URL.Path))
	}))
	t.Cleanup(srv.Close)
	return srv
}

// TestSDKC builds the C SDK's self-test probe and the C example probe
// (examples/probes/c-tcp, with its own build script) and runs them
// through the host.
func TestSDKC(t *testing.T) {
	testtool.NeedClangWasi(t)
	dir := t.TempDir()
	self := filepath.Join(dir, "selftest.wasm")
	testtool.Script(t, nil, "../guest-sdk/c/build.sh", self, "../guest-sdk/c/test/selftest.c")
	ctcp := filepath.Join(dir, "c-tcp.wasm")
	testtool.Script(t, nil, "../examples/probes/c-tcp/build.sh", ctcp)

	srv := serveText(t, "text/plain; charset=utf-8", func(path string) string {
		if path == "/big" {
			return strings.Repeat("b", 100<<10)
		}
		return "hé \"quoted\"\n"
	})
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

// TestSDKRust builds the Rust SDK's http example with
// guest-sdk/rust/build.sh (rustc alone, Debian's toolchain) and runs it
// through the host; it also runs the SDK's own unit tests natively.
func TestSDKRust(t *testing.T) {
	testtool.NeedRustcWasm(t)
	dir := t.TempDir()
	mod := filepath.Join(dir, "rust-http.wasm")
	testtool.Script(t, []string{"OUT_DIR=" + dir}, "../guest-sdk/rust/build.sh", "--test")
	testtool.Script(t, []string{"OUT_DIR=" + dir}, "../guest-sdk/rust/build.sh", "http", mod)

	srv := serveText(t, "application/json", func(string) string { return `{"ok":"é"}` })
	addr := testnet.AcceptAndClose(t)

	p, sink := newProvider(t, Options{})
	for _, tc := range []guestCase{
		{name: "http", config: map[string]any{"url": srv.URL + "/x", KeyAllow: []string{srv.URL + "/"}},
			state: core.StateUp, message: "HTTP 200", details: map[string]any{
				"status": 200.0, "body": `{"ok":"é"}`, "content_type": "application/json", "truncated": false}},
		{name: "http-expect", config: map[string]any{"url": srv.URL + "/x", "expect": 204, KeyAllow: []string{srv.URL + "/"}},
			state: core.StateDown, message: "HTTP 200, want 204"},
		{name: "http-denied", config: map[string]any{"url": srv.URL + "/x"},
			state: core.StateDown, message: "http_request " + srv.URL + "/x: not granted by the component's allow list (code -1)", details: map[string]any{"code": -1.0}},
		{name: "tcp", config: map[string]any{"addr": addr, KeyAllow: []string{"127.0.0.1:*"}},
			state: core.StateUp, message: "connected to " + addr},
		{name: "http-budget", config: map[string]any{"url": srv.URL + "/x", KeyAllow: []string{srv.URL + "/"}, KeyMaxNetCalls: 0},
			state: core.StateDown, message: "http_request " + srv.URL + "/x: the check's network budget is spent (code -6)", details: map[string]any{"code": -6.0}},
		{name: "tcp-budget", config: map[string]any{"addr": addr, KeyAllow: []string{"127.0.0.1:*"}, KeyMaxNetCalls: 0},
			state: core.StateDown, message: "tcp_connect " + addr + ": the check's network budget is spent (code -6)", details: map[string]any{"code": -6.0}},
		{name: "none", state: core.StateDown, message: "config: url or addr is required", details: map[string]any{"component": "rust-none"}},
	} {
		tc.module = mod
		t.Run(tc.name, func(t *testing.T) { checkGuest(t, p, "rust-", tc, 2) })
	}
	if recs := sink.records(t, "fetched "+srv.URL+"/x status=200 bytes=11"); len(recs) != 4 || recs[0]["level"] != "DEBUG" {
		t.Errorf("log lines: %v", recs)
	}
}

// buildSDKGuest builds the Go SDK guest testdata/wasm/go/name into dir.
func buildSDKGuest(t testing.TB, dir, name string) string {
	t.Helper()
	out := filepath.Join(dir, name+".wasm")
	testtool.BuildGo(t, "..", out, "./testdata/wasm/go/"+name)
	return out
}

// TestSDKGoGuestNet runs the Go SDK guest testdata/wasm/go/net with the
// configs and grants it is written for (TestSDKGoGuests runs every guest
// with an empty config), for the SDK's HTTP, TCP and log functions through
// the real host.
func TestSDKGoGuestNet(t *testing.T) {
	mod := buildSDKGuest(t, t.TempDir(), "net")

	srv := serveText(t, "application/json", func(path string) string { return `{"path":"` + path + `"}` })
	echoAddr := testnet.AcceptAndClose(t)

	p, sink := newProvider(t, Options{})
	for _, tc := range []guestCase{
		{name: "http-granted", config: map[string]any{"url": srv.URL + "/api/x", KeyAllow: []string{srv.URL + "/api/"}},
			state: core.StateUp, message: "HTTP 200", details: map[string]any{"status": 200.0, "body": `{"path":"/api/x"}`, "content_type": "application/json"}},
		{name: "http-expect", config: map[string]any{"url": srv.URL + "/api/x", "expect": 204, KeyAllow: []string{srv.URL + "/api/"}},
			state: core.StateDown, message: "HTTP 200, want 204"},
		{name: "http-denied", config: map[string]any{"url": srv.URL + "/admin", KeyAllow: []string{srv.URL + "/api/"}},
			state: core.StateDown, message: "http_request " + srv.URL + "/admin: not granted by the component's allow list (code -1)"},
		{name: "tcp-granted", config: map[string]any{"addr": echoAddr, KeyAllow: []string{"127.0.0.1:*"}},
			state: core.StateUp, message: "connected to " + echoAddr},
		{name: "tcp-denied", config: map[string]any{"addr": echoAddr},
			state: core.StateDown, message: "tcp_connect " + echoAddr + ": not granted by the component's allow list (code -1)"},
		{name: "dial-granted", config: map[string]any{"dial": echoAddr, KeyAllow: []string{"127.0.0.1:*"}},
			state: core.StateDown, message: "dial tcp " + echoAddr + ": address " + echoAddr + ": connect: Connection refused"},
		{name: "all", config: map[string]any{"url": srv.URL + "/api/", "addr": echoAddr, KeyAllow: []string{srv.URL + "/api/", "127.0.0.1:*"}},
			state: core.StateUp, message: "HTTP 200; connected to " + echoAddr},
	} {
		tc.module = mod
		t.Run(tc.name, func(t *testing.T) { checkGuest(t, p, "sdk-", tc, 1) })
	}
	recs := sink.records(t, "fetched url="+srv.URL+"/api/x status=200 bytes=17")
	if len(recs) != 2 || recs[0]["level"] != "DEBUG" || recs[0]["probe"] != "sdk-http-granted" {
		t.Fatalf("guest log lines: %v", recs)
	}
	if !strings.HasSuffix(recs[0]["module"].(string), "net.wasm") {
		t.Fatalf("log module attribute: %v", recs[0])
	}
}

// BenchmarkSDKGoGuestWarm is a warm check of a Go guest written with the
// SDK (testdata/wasm/go/config) through the whole provider path, with a
// deadline per check: BenchmarkGoGuestWarm/wasm plus the SDK's own work.
// "empty-config" has nothing to decode and reports "config ok" (the SDK's
// input scan and output, no reflection); "config" decodes a small config
// with encoding/json in the guest, which is most of its cost.
func BenchmarkSDKGoGuestWarm(b *testing.B) {
	out := buildSDKGuest(b, b.TempDir(), "config")
	p, _ := newProvider(b, Options{})
	for _, bc := range []struct {
		name, message string
		config        map[string]any
	}{
		{"empty-config", "config ok", nil},
		{"config", "slow", map[string]any{"state": "degraded", "message": "slow"}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			c := core.Component{Name: "sdk-" + bc.name, Provider: Name, Timeout: time.Minute,
				Config: map[string]any{KeyModule: out}}
			for k, v := range bc.config {
				c.Config[k] = v
			}
			load(b, p, c)
			benchChecks(b, p, c, func(res core.Result) bool { return res.Message == bc.message })
		})
	}
}

// TestSDKGoGuestMemoryPages checks that a Go SDK guest given too few
// memory_pages to start its runtime is refused at load (ValidateConfig
// starts one instance), with an error naming the file and memory_pages,
// and that one given enough starts and is warm for its first check.
func TestSDKGoGuestMemoryPages(t *testing.T) {
	mod := buildSDKGuest(t, t.TempDir(), "config")
	p, _ := newProvider(t, Options{})
	comp := func(pages int) core.Component {
		return core.Component{Name: "pages", Provider: Name, Timeout: 5 * time.Second,
			Config: map[string]any{KeyModule: mod, KeyMemoryPages: pages}}
	}
	for _, pages := range []int{46, 48, 50} {
		err := p.ValidateConfig(comp(pages))
		if err == nil || !strings.Contains(err.Error(), "module: "+mod+": cannot start") ||
			!strings.Contains(err.Error(), "needs more memory_pages") {
			t.Fatalf("memory_pages %d: ValidateConfig = %v, want a refusal naming the file and memory_pages", pages, err)
		}
	}
	c := comp(64)
	load(t, p, c)
	res := run(t, p, c)
	if res.State != core.StateUp || res.Message != "config ok" {
		t.Fatalf("memory_pages 64: %s %q (%v)", res.State, res.Message, res.Err)
	}
	pr := p.probes["pages"]
	if pr == nil {
		t.Fatal("no probe kept")
	}
	// The instance started at load served the check: it is back in the pool.
	started := 0
	for range len(pr.pool.slots) {
		inst := <-pr.pool.slots
		if inst != nil {
			started++
		}
		pr.pool.slots <- inst
	}
	if started != 1 {
		t.Fatalf("%d started instances in the pool, want 1", started)
	}
}
