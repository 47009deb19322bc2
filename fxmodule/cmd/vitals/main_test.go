package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"
)

// The tests build the command once and run the binary, as users do.
var (
	bin      string // the built command
	cacheDir string // XDG_CACHE_HOME of the runs: the wasm compile cache stays here
	wasmDir  string // testdata/wasm of the repository, absolute
)

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "vitals-cmd-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	bin = filepath.Join(dir, "vitals")
	cacheDir = filepath.Join(dir, "cache")
	if wasmDir, err = filepath.Abs(filepath.Join("..", "..", "..", "testdata", "wasm")); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "go build: %v\n%s", err, out)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	goleak.VerifyTestMain(m, goleak.Cleanup(func(code int) {
		os.RemoveAll(dir)
		os.Exit(code)
	}))
}

// result is how a run of the command ended.
type result struct {
	code           int
	stdout, stderr string
	took           time.Duration
}

func (r result) String() string {
	return fmt.Sprintf("exit %d after %s\n--- stdout:\n%s--- stderr:\n%s", r.code, r.took.Round(time.Millisecond), r.stdout, r.stderr)
}

// vitals runs the command with args and extra environment variables
// ("K=V"), and fails the test if it runs for more than 30 s.
func vitals(t *testing.T, env []string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "VITALS_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, "XDG_CACHE_HOME="+cacheDir)
	cmd.Env = append(cmd.Env, env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	r := result{stdout: stdout.String(), stderr: stderr.String(), took: time.Since(start)}
	var ee *exec.ExitError
	switch {
	case ctx.Err() != nil:
		t.Fatalf("vitals %q did not end within 30s\n%s", args, r)
	case errors.As(err, &ee):
		r.code = ee.ExitCode()
	case err != nil:
		t.Fatalf("vitals %q: %v", args, err)
	}
	return r
}

// expect fails the test unless r exited with code and its stdout and
// stderr contain the given strings.
func expect(t *testing.T, r result, code int, inStdout, inStderr []string) {
	t.Helper()
	if r.code != code {
		t.Errorf("exit code %d, want %d\n%s", r.code, code, r)
		return
	}
	for _, s := range inStdout {
		if !strings.Contains(r.stdout, s) {
			t.Errorf("stdout does not contain %q\n%s", s, r)
		}
	}
	for _, s := range inStderr {
		if !strings.Contains(r.stderr, s) {
			t.Errorf("stderr does not contain %q\n%s", s, r)
		}
	}
}

// freePort returns a loopback address that nothing listens on (a listener
// was just there and is closed).
func freePort(t *testing.T) string {
	t.Helper()
	// An address of its own on loopback: the other tests listen on
	// 127.0.0.1, so none of them can take the port between its Close and
	// the test's use of it.
	l, err := net.Listen("tcp", "127.0.0.77:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

func TestHelp(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"help"}, {"-h"}, {"--help"}} {
		r := vitals(t, nil, args...)
		expect(t, r, 0, []string{"vitals check", "vitals running", "vitals probe run", "vitals config validate", "Examples:"}, nil)
	}
	expect(t, vitals(t, nil, "help", "probe", "run"), 0, []string{"Usage: vitals probe run", "--allow", "--config", "-n, --count"}, nil)
	expect(t, vitals(t, nil, "check", "-h"), 0, []string{"Usage: vitals check", "--timeout", "--token", "HEALTHCHECK"}, nil)
	expect(t, vitals(t, nil, "running", "--help"), 0, []string{"Usage: vitals running", "free"}, nil)
	expect(t, vitals(t, nil, "config", "validate", "-h"), 0, []string{"Usage: vitals config validate", "--env"}, nil)
}

func TestUsageErrors(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{
		{},
		{"nope"},
		{"probe"},
		{"probe", "walk"},
		{"config"},
		{"help", "nope"},
	} {
		r := vitals(t, nil, args...)
		expect(t, r, 2, nil, []string{"Usage:"})
		if r.stdout != "" {
			t.Errorf("vitals %q wrote to stdout:\n%s", args, r)
		}
	}
	expect(t, vitals(t, nil, "nope"), 2, nil, []string{`unknown command "nope"`})
	expect(t, vitals(t, nil, "probe", "walk", "x.wasm"), 2, nil, []string{`unknown command "probe walk"`})
	expect(t, vitals(t, nil, "check"), 2, nil, []string{"want 1 argument(s), got 0", "Usage: vitals check"})
	expect(t, vitals(t, nil, "check", "a", "b"), 2, nil, []string{"want 1 argument(s), got 2"})
	expect(t, vitals(t, nil, "check", "--nope", "http://127.0.0.1:1/"), 2, nil, []string{"unknown flag: --nope"})
	expect(t, vitals(t, nil, "check", "--timeout", "soon", "http://127.0.0.1:1/"), 2, nil, []string{"--timeout"})
	expect(t, vitals(t, nil, "probe", "run", "-n", "0", filepath.Join(wasmDir, "noop.wasm")), 2, nil, []string{"-n must be at least 1"})
}
