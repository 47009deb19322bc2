package testtool

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// BuildGo builds the Go package pkg (relative to dir) to a wasip1 reactor
// module at out, as GoWasm does, and fails the test with the build's
// output when the build fails.
func BuildGo(t testing.TB, dir, out, pkg string) {
	t.Helper()
	if b, err := GoWasm(dir, out, pkg); err != nil {
		t.Fatalf("go build %s: %v\n%s", pkg, err, b)
	}
}

// NeedClangWasi skips the test, or fails it under CI=true, unless clang
// and wasi-libc, which guest-sdk/c/build.sh uses, are installed.
func NeedClangWasi(t testing.TB) {
	t.Helper()
	_, err := exec.LookPath("clang")
	_, errLibc := os.Stat("/usr/include/wasm32-wasi/stdio.h")
	Need(t, "clang with wasi-libc (apt-get install -y clang lld wasi-libc libclang-rt-dev-wasm32)", err == nil && errLibc == nil)
}

// NeedRustcWasm skips the test, or fails it under CI=true, unless
// guest-sdk/rust/build.sh will find a rustc with a wasm32-wasi(p1)
// standard library: Debian's /usr/bin/rustc (with libstd-rust-dev-wasm32)
// unless RUSTC says otherwise.
func NeedRustcWasm(t testing.TB) {
	t.Helper()
	Need(t, "rustc with a wasm32-wasi standard library (apt-get install -y rustc libstd-rust-dev-wasm32)", rustcWithWasm())
}

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
