package main

import (
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vitals-go/vitals/core"
	"github.com/vitals-go/vitals/internal/testnet"
)

func wasm(name string) string { return filepath.Join(wasmDir, name) }

func TestProbeRunUp(t *testing.T) {
	t.Parallel()
	r := vitals(t, nil, "probe", "run", wasm("noop.wasm"))
	expect(t, r, 0, []string{"loaded " + wasm("noop.wasm"), "state: up\n", "message: ok\n", "time: "}, nil)
	if strings.Contains(r.stdout, "runs:") || strings.Contains(r.stdout, "details:") {
		t.Errorf("one run without details printed more\n%s", r)
	}
}

func TestProbeRunDown(t *testing.T) {
	t.Parallel()
	r := vitals(t, nil, "probe", "run", wasm("down.wasm"))
	expect(t, r, 1, []string{"state: down\n", "message: backend unreachable\n", `details: {"code":503}`}, nil)

	r = vitals(t, nil, "probe", "run", "-n", "5", wasm("down.wasm"))
	expect(t, r, 1, []string{"runs: 5 (down 5)", "state: down\n", "time: min ", ", median ", ", max "}, nil)
	expect(t, vitals(t, nil, "probe", "run", "--count", "3", wasm("degraded.wasm")), 1, []string{"runs: 3 (degraded 3)", "state: degraded"}, nil)
	expect(t, vitals(t, nil, "probe", "run", "-n", "3", wasm("noop.wasm")), 0, []string{"runs: 3 (up 3)"}, nil)
}

// A probe that never returns is stopped at the deadline: Down, not a hang.
func TestProbeRunSpinTimesOut(t *testing.T) {
	t.Parallel()
	r := vitals(t, nil, "probe", "run", "--timeout", "300ms", "-n", "2", wasm("spin.wasm"))
	expect(t, r, 1, []string{"runs: 2 (down 2)", "state: down\n", "deadline"}, nil)
	if r.took > 10*time.Second {
		t.Errorf("took %s with --timeout 300ms", r.took)
	}
}

func TestProbeRunLoadErrors(t *testing.T) {
	t.Parallel()
	r := vitals(t, nil, "probe", "run", wasm("nomarker.wasm"))
	expect(t, r, 2, nil, []string{"cannot load the probe", "module: " + wasm("nomarker.wasm"), "missing export vitals_abi_v1"})
	if r.stdout != "" {
		t.Errorf("stdout: %q", r.stdout)
	}
	expect(t, vitals(t, nil, "probe", "run", wasm("garbage.wasm")), 2, nil, []string{"not a WebAssembly module"})
	expect(t, vitals(t, nil, "probe", "run", wasm("missing.wasm")), 2, nil, []string{"no such file"})
	expect(t, vitals(t, nil, "probe", "run", "--config", `{"memory_pages":0}`, wasm("noop.wasm")), 2, nil, []string{"memory_pages: 0 is out of range"})
	expect(t, vitals(t, nil, "probe", "run", "--allow", "ftp://x/", wasm("noop.wasm")), 2, nil, []string{`allow[0]: "ftp://x/"`})
	expect(t, vitals(t, nil, "probe", "run", "--config", `{"a":`, wasm("noop.wasm")), 2, nil, []string{"--config: not a JSON or YAML object"})
	expect(t, vitals(t, nil, "probe", "run", "--config", "@"+wasm("missing.json"), wasm("noop.wasm")), 2, nil, []string{"--config", "no such file"})
	expect(t, vitals(t, nil, "probe", "run", "--config", `{"module":"other.wasm"}`, wasm("noop.wasm")), 2, nil, []string{"leave module out"})
}

// The net probe connects to config.addr: denied without a grant, up with
// --allow (or allow in --config).
func TestProbeRunNet(t *testing.T) {
	t.Parallel()
	addr := testnet.Serve(t, func(net.Conn) {})
	cfg := `{"addr":"` + addr + `"}`

	r := vitals(t, nil, "probe", "run", "--config", cfg, wasm("net.wasm"))
	expect(t, r, 1, []string{"state: down\n", "message: tcp_connect\n", `details: {"code":-1}`}, []string{"tcp_connect denied", addr})

	r = vitals(t, nil, "probe", "run", "--config", cfg, "--allow", addr, wasm("net.wasm"))
	expect(t, r, 0, []string{"state: up\n", `details: {"code":0}`}, nil)

	// The same from a YAML file, with the grant in the config and another from --allow.
	file := filepath.Join(t.TempDir(), "probe.yaml")
	yaml := "addr: " + addr + "\nallow:\n  - 127.0.0.2:1\n"
	if err := os.WriteFile(file, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	expect(t, vitals(t, nil, "probe", "run", "--config", "@"+file, wasm("net.wasm")), 1, []string{`"code":-1`}, nil)
	expect(t, vitals(t, nil, "probe", "run", "--config", "@"+file, "--allow", addr, wasm("net.wasm")), 0, []string{`"code":0`}, nil)

	// Granted, but nothing listens: down with "failed".
	free := freePort(t)
	r = vitals(t, nil, "probe", "run", "--config", `{"addr":"`+free+`"}`, "--allow", free, wasm("net.wasm"))
	expect(t, r, 1, []string{`details: {"code":-2}`}, []string{"tcp_connect failed"})
}

// The guest's vitals.log lines go to stderr, at the level asked.
func TestProbeRunLogs(t *testing.T) {
	t.Parallel()
	// initlog logs 30 lines at info from its start function and one at warn
	// from _initialize; 20 are kept (max_log_lines) and the rest counted.
	r := vitals(t, nil, "probe", "run", wasm("initlog.wasm"))
	expect(t, r, 0, []string{"state: up\n"}, []string{
		"level=INFO", "start line", "probe=probe", "module=" + wasm("initlog.wasm"),
		"log lines dropped",
	})
	if n := strings.Count(r.stderr, "start line"); n != 20 {
		t.Errorf("%d start lines logged, want 20 (max_log_lines)\n%s", n, r)
	}
	if r.stdout == "" || strings.Contains(r.stdout, "start line") {
		t.Errorf("logs belong on stderr only\n%s", r)
	}
	r = vitals(t, nil, "probe", "run", "--log-level", "warn", "--config", "max_log_lines: 100", wasm("initlog.wasm"))
	expect(t, r, 0, nil, []string{"initialize line"})
	if strings.Contains(r.stderr, "start line") {
		t.Errorf("--log-level warn printed info lines\n%s", r)
	}
	expect(t, vitals(t, nil, "probe", "run", "--log-level", "loud", wasm("noop.wasm")), 2, nil, []string{"--log-level"})
}

// --server-config runs the probe with the server's health.wasm.* options
// (here max_output_bytes, which down.wasm's output exceeds) and its
// health.check_timeout; an invalid file is a load error naming its key.
func TestProbeRunServerConfig(t *testing.T) {
	t.Parallel()
	small := writeConfig(t, "health: {check_timeout: 300ms, wasm: {max_output_bytes: 16, cache_dir: '-'}}\n")
	expect(t, vitals(t, nil, "probe", "run", "--server-config", small, wasm("down.wasm")), 1,
		[]string{"state: unknown\n", "exceeds max_output_bytes 16"}, nil)
	expect(t, vitals(t, nil, "probe", "run", wasm("down.wasm")), 1, []string{"state: down\n"}, nil)
	// health.check_timeout is the default --timeout; --timeout wins.
	r := vitals(t, nil, "probe", "run", "--server-config", small, wasm("spin.wasm"))
	expect(t, r, 1, []string{"state: down\n", "deadline"}, nil)
	if r.took > 10*time.Second {
		t.Errorf("took %s with health.check_timeout 300ms", r.took)
	}
	// Environment variables only with --env.
	env := []string{"VITALS_HEALTH__WASM__MAX_OUTPUT_BYTES=1000"}
	expect(t, vitals(t, env, "probe", "run", "--server-config", small, wasm("down.wasm")), 1, []string{"exceeds max_output_bytes 16"}, nil)
	expect(t, vitals(t, env, "probe", "run", "--env", "--server-config", small, wasm("down.wasm")), 1, []string{"state: down\n"}, nil)

	bad := writeConfig(t, "health: {wasm: {pool_size: 99}}\n")
	expect(t, vitals(t, nil, "probe", "run", "--server-config", bad, wasm("noop.wasm")), 2, nil,
		[]string{"--server-config " + bad + " is invalid", "health.wasm.pool_size: 99 is out of range [0, 64]"})
	expect(t, vitals(t, nil, "probe", "run", "--server-config", filepath.Join(t.TempDir(), "none.yaml"), wasm("noop.wasm")), 2, nil,
		[]string{"--server-config", "no such file"})
}

// A probe's message reaches the terminal with its control characters
// escaped, as the JSON surfaces escape them: no CR, LF, ESC or NUL raw.
func TestProbeRunEscapesMessage(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ msg, want string }{
		{"a\rb\nc\x1b[2Jd\x00e\tf\x7fg\u0085h\u2028i\xffj", `a\rb\nc\u001b[2Jd\u0000e\tf\u007fg\u0085h\u2028i\ufffdj`},
		{"plain, ünïcode and \\ kept", "plain, ünïcode and \\ kept"},
	} {
		var b strings.Builder
		printResult(&b, core.Result{State: core.StateDown, Message: tc.msg}, []time.Duration{time.Millisecond}, map[core.State]int{core.StateDown: 1})
		if want := "message: " + tc.want + "\n"; !strings.Contains(b.String(), want) {
			t.Errorf("printed %q, want a line %q", b.String(), want)
		}
		if strings.ContainsAny(b.String(), "\r\x1b\x00\x7f") || strings.Count(b.String(), "\n") != 3 {
			t.Errorf("control characters reached the output: %q", b.String())
		}
	}
}
