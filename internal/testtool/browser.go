package testtool

import (
	"bytes"
	"context"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// BrowserTimeout bounds one Headless run; the browser's helper processes
// get WaitDelay more to go.
const (
	BrowserTimeout = 60 * time.Second
	WaitDelay      = 10 * time.Second
)

// Browser returns a Chromium or Chrome binary, or skips the test (fails
// it under CI=true), saying how to install one.
func Browser(t testing.TB) string {
	t.Helper()
	return Find(t, "install Debian's chromium (apt-get install chromium) as .ci/run does",
		"/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
}

// Headless runs the browser bin headless, with a fresh profile, no
// network of its own and logging to stderr, then args; in a process group
// of its own (Unix), killed when the browser exits or after
// BrowserTimeout. It returns what the browser wrote on stdout and stderr,
// and fails the test, with the end of stderr, when the browser fails.
func Headless(t testing.TB, bin string, args ...string) (stdout, stderr string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), BrowserTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, append([]string{
		"--headless", "--no-sandbox", "--disable-gpu",
		"--disable-background-networking", "--disable-quic", "--no-first-run",
		"--disable-component-update", "--disable-sync", "--disable-extensions",
		"--hide-scrollbars", "--enable-logging=stderr", "--v=0",
		"--user-data-dir=" + t.TempDir(),
	}, args...)...)
	ownProcessGroup(cmd)
	cmd.WaitDelay = WaitDelay
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	start := time.Now()
	err := cmd.Run()
	killProcessGroup(cmd)
	if err != nil {
		t.Fatalf("%s %s: %v after %s\n%s", filepath.Base(bin), strings.Join(args, " "), err, time.Since(start).Round(time.Millisecond), lastLines(errOut.String(), 40))
	}
	t.Logf("%s %s: %s", filepath.Base(bin), args[0], time.Since(start).Round(time.Millisecond))
	return out.String(), errOut.String()
}

// lastLines returns the last n lines of s.
func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
