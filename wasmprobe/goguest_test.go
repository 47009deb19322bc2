package wasmprobe

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vitals-go/vitals/core"
	"github.com/vitals-go/vitals/internal/testtool"
)

// goGuestSource is a Go (GOOS=wasip1) probe written against the raw ABI,
// with hostile modes picked by config "mode". It checks that a real Go
// guest runs with the allowed WASI functions, and that the sandbox holds
// against what Go code can do: panic, read files, read the environment,
// sleep, spin, allocate without end.
const goGuestSource = `package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"time"
	"unsafe"
)

//go:wasmimport vitals log
func hostLog(level, ptr, n uint32)

var buf [64 << 10]byte

//go:wasmexport vitals_abi_v1
func abi() {}

//go:wasmexport vitals_buffer
func buffer() uint32 { return uint32(uintptr(unsafe.Pointer(&buf[0]))) }

//go:wasmexport vitals_buffer_size
func bufferSize() uint32 { return uint32(len(buf)) }

func main() {}

type input struct {
	Name      string         ` + "`json:\"name\"`" + `
	Config    map[string]any ` + "`json:\"config\"`" + `
	TimeoutMs int            ` + "`json:\"timeout_ms\"`" + `
}

func logf(level uint32, format string, args ...any) {
	b := []byte(fmt.Sprintf(format, args...))
	if len(b) > 0 {
		hostLog(level, uint32(uintptr(unsafe.Pointer(&b[0]))), uint32(len(b)))
	}
}

func reply(status uint64, msg string, details map[string]any) uint64 {
	out, _ := json.Marshal(map[string]any{"message": msg, "details": details})
	return status<<32 | uint64(copy(buf[:], out))
}

var keep [][]byte

//go:wasmexport vitals_check
func check(n uint32) uint64 {
	if bytes.Contains(buf[:n], []byte(` + "`" + `"mode":"noop"` + "`" + `)) {
		return 0 // the cheapest probe: no decoding, no output
	}
	var in input
	if err := json.Unmarshal(buf[:n], &in); err != nil {
		return reply(2, "bad input: "+err.Error(), nil)
	}
	mode, _ := in.Config["mode"].(string)
	switch mode {
	case "ok":
		logf(1, "hello from %s", in.Name)
		fmt.Fprintln(os.Stderr, "stderr line")
		return reply(0, "go ok", map[string]any{"timeout_ms": in.TimeoutMs, "year": time.Now().Year()})
	case "panic":
		panic("guest panic in " + in.Name)
	case "readfile":
		var errs []string
		for _, f := range []string{"/etc/passwd", "etc/passwd", "/proc/self/environ", "."} {
			if b, err := os.ReadFile(f); err == nil {
				return reply(0, fmt.Sprintf("read %d bytes of %s", len(b), f), nil)
			} else {
				errs = append(errs, err.Error())
			}
		}
		if _, err := os.ReadDir("/"); err == nil {
			return reply(0, "listed /", nil)
		}
		if err := os.WriteFile("/tmp/vitals-wasm-escape", []byte("x"), 0o644); err == nil {
			return reply(0, "wrote a host file", nil)
		}
		return reply(2, "filesystem denied", map[string]any{"errors": errs})
	case "env":
		host, _ := os.Hostname()
		wd, _ := os.Getwd()
		found := map[string]any{"environ": os.Environ(), "args": os.Args, "home": os.Getenv("HOME"), "path": os.Getenv("PATH"), "hostname": host, "wd": wd}
		if len(os.Environ()) > 0 || os.Getenv("HOME") != "" || len(os.Args) > 1 {
			return reply(0, "found host environment", found)
		}
		return reply(2, "environment empty", found)
	case "sleep":
		time.Sleep(time.Hour)
		return reply(0, "woke up after an hour", nil)
	case "spin":
		for i := 0; ; i++ {
			if i < 0 {
				break
			}
		}
		return reply(0, "spun", nil)
	case "alloc":
		for {
			keep = append(keep, make([]byte, 1<<20))
		}
	}
	return reply(2, "unknown mode "+mode, nil)
}
`

var goGuest struct {
	once sync.Once
	path string
	err  error
	out  []byte
}

// buildGoGuest builds goGuestSource once per test binary.
func buildGoGuest(t testing.TB) string {
	t.Helper()
	goGuest.once.Do(func() {
		dir, err := os.MkdirTemp("", "vitals-goguest-")
		if err != nil {
			goGuest.err = err
			return
		}
		_ = os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module guest\n\ngo 1.26\n"), 0o644)
		_ = os.WriteFile(filepath.Join(dir, "main.go"), []byte(goGuestSource), 0o644)
		goGuest.path = filepath.Join(dir, "guest.wasm")
		goGuest.out, goGuest.err = testtool.GoWasm(dir, goGuest.path, ".")
	})
	if goGuest.err != nil {
		t.Fatalf("building the Go guest: %v\n%s", goGuest.err, goGuest.out)
	}
	return goGuest.path
}

func TestGoGuest(t *testing.T) {
	path := buildGoGuest(t)
	p, sink := newProvider(t, Options{})
	comp := func(mode string, timeout time.Duration, kv ...any) core.Component {
		c := core.Component{Name: "go-" + mode, Provider: Name, Timeout: timeout,
			Config: map[string]any{KeyModule: path, "mode": mode}}
		for i := 0; i+1 < len(kv); i += 2 {
			c.Config[kv[i].(string)] = kv[i+1]
		}
		return c
	}
	good := comp("ok", 10*time.Second)
	load(t, p, good)
	assertGo := func() {
		t.Helper()
		res := run(t, p, good)
		if res.State != core.StateUp || res.Message != "go ok" || res.Details["year"].(float64) < 2024 {
			t.Fatalf("Go guest: %s %q %v (%v)", res.State, res.Message, res.Details, res.Err)
		}
	}
	assertGo()
	if l := sink.records(t, "hello from go-ok"); len(l) != 1 || l[0]["level"] != "INFO" {
		t.Fatalf("guest log lines %v", l)
	}
	if l := sink.records(t, "wasm probe stderr"); len(l) == 0 || l[0]["text"] != "stderr line\n" {
		t.Fatalf("guest stderr at debug: %v", l)
	}

	for _, tc := range []struct {
		mode    string
		timeout time.Duration
		kv      []any
		state   core.State
		message string
		detail  string // substring of a details value
	}{
		{mode: "panic", timeout: 5 * time.Second, state: core.StateUnknown, message: "wasm probe trapped in vitals_check: wasm error: unreachable", detail: "panic: guest panic in go-panic"},
		{mode: "readfile", timeout: 5 * time.Second, state: core.StateDown, message: "filesystem denied"},
		{mode: "env", timeout: 5 * time.Second, state: core.StateDown, message: "environment empty"},
		{mode: "sleep", timeout: time.Second, state: core.StateDown, message: "deadline"},
		{mode: "spin", timeout: time.Second, state: core.StateDown, message: "deadline"},
		{mode: "alloc", timeout: 10 * time.Second, kv: []any{KeyMemoryPages, 512}, state: core.StateUnknown, message: "wasm probe trapped in vitals_check", detail: "fatal error: out of memory"},
	} {
		t.Run(tc.mode, func(t *testing.T) {
			c := comp(tc.mode, tc.timeout, tc.kv...)
			for range 2 {
				res := run(t, p, c)
				if res.State != tc.state || !strings.Contains(res.Message, tc.message) {
					t.Fatalf("got %s %q %v (%v), want %s %q", res.State, res.Message, res.Details, res.Err, tc.state, tc.message)
				}
				if tc.detail != "" {
					found := false
					for _, v := range res.Details {
						s, _ := v.(string)
						found = found || strings.Contains(s, tc.detail)
					}
					if !found {
						t.Fatalf("no detail contains %q: %v", tc.detail, res.Details)
					}
				}
				assertGo()
			}
		})
	}
	if _, err := os.Stat("/tmp/vitals-wasm-escape"); err == nil {
		t.Fatal("the guest wrote a host file")
	}
}

// sdkGoGuests is what each Go guest of the guest SDK in testdata/wasm/go
// reports when it runs with an empty config (TestSDKGoGuestNet and the
// other tests run them with configs). A new guest needs an entry.
var sdkGoGuests = map[string]struct {
	state   core.State
	message string // substring of the result's message
}{
	"config": {core.StateUp, "config ok"},
	// Hostile with an empty config: every way out to 127.0.0.1:1 fails.
	"net": {core.StateDown, "http_request http://127.0.0.1:1/: not granted by the component's allow list (code -1); tcp_connect 127.0.0.1:1: not granted by the component's allow list (code -1); dial tcp 127.0.0.1:1"},
}

// TestSDKGoGuests builds and runs the Go guests of the guest SDK, in
// testdata/wasm/go/NAME, with an empty config: each must load, and its
// check must return within its timeout what sdkGoGuests says, without
// breaking the host.
func TestSDKGoGuests(t *testing.T) {
	dirs, _ := filepath.Glob("../testdata/wasm/go/*")
	var names []string
	for _, d := range dirs {
		if fi, err := os.Stat(d); err == nil && fi.IsDir() {
			if gos, _ := filepath.Glob(filepath.Join(d, "*.go")); len(gos) > 0 {
				names = append(names, filepath.Base(d))
			}
		}
	}
	if len(names) == 0 {
		t.Fatal("no Go guests found in testdata/wasm/go")
	}
	p, _ := newProvider(t, Options{})
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			want, ok := sdkGoGuests[name]
			if !ok {
				t.Fatalf("testdata/wasm/go/%s has no entry in sdkGoGuests", name)
			}
			out := buildSDKGuest(t, t.TempDir(), name)
			c := core.Component{Name: "sdk-" + name, Provider: Name, Timeout: 2 * time.Second,
				Config: map[string]any{KeyModule: out}}
			load(t, p, c)
			res := run(t, p, c)
			if res.State != want.state || !strings.Contains(res.Message, want.message) {
				t.Errorf("%s: got %s %q (err %v), want %s containing %q", name, res.State, res.Message, res.Err, want.state, want.message)
			}
			assertServing(t, p)
		})
	}
	for name := range sdkGoGuests {
		if !slices.Contains(names, name) {
			t.Errorf("sdkGoGuests has %s, not found in testdata/wasm/go", name)
		}
	}
}
