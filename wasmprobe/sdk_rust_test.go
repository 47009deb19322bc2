package wasmprobe

import (
	"io"
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

// rustcWithWasm reports whether guest-sdk/rust/build.sh will find a rustc
// with a wasm32-wasi(p1) standard library: Debian's /usr/bin/rustc (with
// libstd-rust-dev-wasm32) unless RUSTC says otherwise.
func rustcWithWasm() bool {
	rustc := os.Getenv("RUSTC")
	if rustc == "" {
		rustc = "/usr/bin/rustc"
		if _, err := os.Stat(rustc); err != nil {
			rustc = "rustc"
		}
	}
	out, err := exec.Command(rustc, "--print", "sysroot").Output()
	if err != nil {
		return false
	}
	sysroot := strings.TrimSpace(string(out))
	for _, t := range []string{"wasm32-wasip1", "wasm32-wasi"} {
		if fi, err := os.Stat(filepath.Join(sysroot, "lib", "rustlib", t)); err == nil && fi.IsDir() {
			return true
		}
	}
	return false
}

// TestSDKRust builds the Rust SDK's http example with
// guest-sdk/rust/build.sh (rustc alone, Debian's toolchain) and runs it
// through the host; it also runs the SDK's own unit tests natively.
func TestSDKRust(t *testing.T) {
	testtool.Need(t, "rustc with a wasm32-wasi standard library (apt-get install -y rustc libstd-rust-dev-wasm32)", rustcWithWasm())
	dir := t.TempDir()
	mod := filepath.Join(dir, "rust-http.wasm")
	testtool.Script(t, []string{"OUT_DIR=" + dir}, "../guest-sdk/rust/build.sh", "--test")
	testtool.Script(t, []string{"OUT_DIR=" + dir}, "../guest-sdk/rust/build.sh", "http", mod)

	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"ok":"é"}`)
	}))
	defer srv.Close()
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
