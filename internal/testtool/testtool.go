// Package testtool finds the external tools Vitals' own tests use (guest
// toolchains, a browser, grpc-health-probe) and builds guest modules with
// them. A missing tool skips the test, or fails it under CI=true, where
// .ci/run installs every tool the tests use.
package testtool

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// Need skips the test when ok is false, or fails it under CI=true, saying
// that what is missing (what should name how to install it).
func Need(t testing.TB, what string, ok bool) {
	t.Helper()
	if ok {
		return
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s is missing (CI=true: .ci/run should have installed it)", what)
	}
	t.Skipf("%s is missing", what)
}

// Find returns the first of names found on PATH (or as a path), or
// skips/fails the test as Need does, naming install.
func Find(t testing.TB, install string, names ...string) string {
	t.Helper()
	for _, name := range names {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	Need(t, strings.Join(names, " or ")+" ("+install+")", false)
	return ""
}

// Script runs a build script with bash, in the current directory, with env
// added to the environment, and fails the test with its output when it
// fails.
func Script(t testing.TB, env []string, script string, args ...string) {
	t.Helper()
	cmd := exec.Command("bash", append([]string{script}, args...)...)
	cmd.Env = append(os.Environ(), env...)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s %s: %v\n%s", script, strings.Join(args, " "), err, b)
	}
}

// GoWasm builds the Go package pkg (relative to dir) to a wasip1 reactor
// module at out, with the go command that runs the tests (go test puts its
// GOROOT/bin first in PATH), and returns the build's output.
func GoWasm(dir, out, pkg string) ([]byte, error) {
	cmd := exec.Command("go", "build", "-buildmode=c-shared", "-o", out, pkg)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm", "CGO_ENABLED=0")
	return cmd.CombinedOutput()
}
