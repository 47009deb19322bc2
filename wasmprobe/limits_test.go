package wasmprobe

import (
	"bufio"
	"context"
	"encoding/binary"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/vitals-go/vitals/core"
)

// rssChildEnv makes the test binary run TestHostileRSSChild for
// TestHostileRSSBounded.
const rssChildEnv = "VITALS_HOSTILE_RSS_CHILD"

// TestHostileRSSBounded runs, in a child process under a 4 GiB
// address-space limit (none under the race detector, whose shadow memory
// needs more): the table.grow bomb (one grow of 0xFFFFFFFD elements, then
// 64M elements at a time) for three checks with memory_pages 2, then the
// whole hostile corpus at once with good probes in between, and checks
// that the child's peak RSS stays under 512 MiB (1 GiB under the race
// detector). The table stops at max_table_elements, which costs 2 MiB;
// without the budget the first grow asks the Go runtime for ~32 GiB and
// the process dies. Measured: ≈240 MiB, most of it the recursion bomb's
// stack.
func TestHostileRSSBounded(t *testing.T) {
	cmd := exec.Command(os.Args[0], "-test.run=^TestHostileRSSChild$", "-test.v", "-test.count=1")
	cmd.Env = append(os.Environ(), rssChildEnv+"=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, head(out, 1500))
	}
	var hwm, heap uint64
	sc := bufio.NewScanner(strings.NewReader(string(out)))
	for sc.Scan() {
		if _, err := fmt.Sscanf(strings.TrimSpace(sc.Text()), "limits_test.go:%d: peak rss %d KiB heap %d KiB", new(int), &hwm, &heap); err == nil {
			break
		}
	}
	if hwm == 0 {
		t.Fatalf("child printed no peak RSS:\n%s", head(out, 1500))
	}
	t.Logf("child: peak RSS %d MiB, heap in use %d MiB", hwm>>10, heap>>10)
	bound := uint64(512 << 10) // KiB
	if raceEnabled {
		bound *= 2
	}
	if hwm > bound {
		t.Fatalf("peak RSS %d MiB after the table.grow bombs and the hostile corpus, want < %d MiB", hwm>>10, bound>>10)
	}
}

// TestHostileRSSChild is TestHostileRSSBounded's child process (like
// os/exec's TestHelperProcess): it does nothing unless rssChildEnv is set.
func TestHostileRSSChild(t *testing.T) {
	if os.Getenv(rssChildEnv) == "" {
		return
	}
	if !raceEnabled {
		lim := syscall.Rlimit{Cur: 4 << 30, Max: 4 << 30}
		if err := syscall.Setrlimit(syscall.RLIMIT_AS, &lim); err != nil {
			t.Fatalf("setrlimit: %v", err)
		}
	}
	p, _ := newProvider(t, Options{})
	c := component("table-bomb", "table_grow", 10*time.Second, KeyMemoryPages, 2, KeyPoolSize, 1)
	load(t, p, c)
	for i := range 3 {
		res := run(t, p, c)
		if res.State != core.StateDown || res.Message != "table exhausted" || res.Details["size"] != float64(DefaultMaxTableElements) {
			t.Fatalf("check %d: %s %q %v (%v)", i, res.State, res.Message, res.Details, res.Err)
		}
	}
	// then the whole hostile corpus at once, with good probes in between
	checkHostileAtOnce(t, p)
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	t.Logf("peak rss %d KiB heap %d KiB", vmHWM(t), m.HeapInuse>>10)
}

// vmHWM is the process's peak resident set size in KiB.
func vmHWM(t *testing.T) uint64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Fatal(err)
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			n, err := strconv.ParseUint(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
	}
	t.Fatal("no VmHWM in /proc/self/status")
	return 0
}

// head is the start of a child's output, where a fatal error is.
func head(b []byte, n int) string {
	if len(b) > n {
		b = b[:n]
	}
	return string(b)
}

// TestTableBudget checks max_table_elements: growth stops at it exactly,
// a module whose tables declare more is refused naming the module and the
// key, and the budget is shared by a module's tables.
func TestTableBudget(t *testing.T) {
	p, _ := newProvider(t, Options{MaxTableElements: 5000})
	res := run(t, p, component("tables", "table_grow", 5*time.Second, KeyPoolSize, 1))
	if res.State != core.StateDown || res.Details["size"] != 5000.0 {
		t.Fatalf("provider budget 5000: %s %q %v", res.State, res.Message, res.Details)
	}
	res = run(t, p, component("tables-cfg", "table_grow", 5*time.Second, KeyMaxTableElements, 1))
	if res.State != core.StateDown || res.Details["size"] != 1.0 {
		t.Fatalf("%s 1: %s %q %v", KeyMaxTableElements, res.State, res.Message, res.Details)
	}
	err := p.ValidateConfig(component("big", "table_big", time.Second, KeyMaxTableElements, 1<<24))
	want := "module: " + wasmFile("table_big") + ": tables declare 536870912 elements at minimum, more than max_table_elements 16777216: raise max_table_elements or make the module's tables smaller"
	if err == nil || err.Error() != want {
		t.Fatalf("got %v\nwant %s", err, want)
	}
	err = p.ValidateConfig(component("zero", "table_grow", time.Second, KeyMaxTableElements, 0))
	if err == nil || !strings.Contains(err.Error(), "tables declare 1 elements at minimum, more than max_table_elements 0") {
		t.Fatalf("budget 0: %v", err)
	}
	err = p.ValidateConfig(component("range", "table_grow", time.Second, KeyMaxTableElements, 1<<25))
	if err == nil || err.Error() != "max_table_elements: 33554432 is out of range [0, 16777216]" {
		t.Fatalf("out of range: %v", err)
	}
}

// TestSizeCaps checks each declared-size key on a module just over it:
// the error names the module, the key and the limit.
func TestSizeCaps(t *testing.T) {
	p, _ := newProvider(t, Options{})
	for _, tc := range []struct {
		module, key string
		value       int
		want        string
	}{
		{"net", KeyMaxModuleBytes, 1024, "larger than max_module_bytes 1024 bytes: raise max_module_bytes or make the module smaller"},
		{"net", KeyMaxFunctions, 7, "declares 8 functions, more than max_functions 7: raise max_functions or make the module smaller"},
		{"net", KeyMaxFunctionBodyBytes, 416, "function body 7 is 417 bytes, more than max_function_body_bytes 416: raise max_function_body_bytes or make the module smaller"},
		{"net", KeyMaxFunctionLocals, 7, "function body 7 declares 8 locals, more than max_function_locals 7"},
		{"echo", KeyMaxGlobals, 0, "declares 1 globals, more than max_globals 0"},
		{"table_grow", KeyMaxElementSegmentEntries, 0, "element segment 0 has 1 entries, more than max_element_segment_entries 0"},
		{"net", KeyMaxDataSegmentBytes, 50, "data segment 4 is 51 bytes, more than max_data_segment_bytes 50"},
	} {
		err := p.ValidateConfig(component(tc.key, tc.module, time.Second, tc.key, tc.value))
		want := "module: " + wasmFile(tc.module) + ": "
		if err == nil || !strings.HasPrefix(err.Error(), want) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s %d: got %v, want %s…%s", tc.key, tc.value, err, want, tc.want)
		}
		// and the same module loads at one more
		if err := p.ValidateConfig(component(tc.key+"-ok", tc.module, time.Second, tc.key, tc.value+1)); err != nil && tc.key != KeyMaxModuleBytes {
			t.Errorf("%s %d: %v", tc.key, tc.value+1, err)
		}
	}
	for _, tc := range []struct {
		key  string
		v    any
		want string
	}{
		{KeyMaxModuleBytes, 10, "max_module_bytes: 10 is out of range [1024, 134217728]"},
		{KeyMaxFunctions, 0, "max_functions: 0 is out of range [1, 1000000]"},
		{KeyMaxFunctionBodyBytes, 1 << 30, "max_function_body_bytes: 1073741824 is out of range [16, 8388608]"},
		{KeyMaxFunctionLocals, -1, "max_function_locals: -1 is out of range [0, 1000000]"},
		{KeyMaxGlobals, "many", `max_globals: "many" is not an integer`},
		{KeyMaxElementSegmentEntries, 1.5, "max_element_segment_entries: 1.5 is not an integer"},
		{KeyMaxDataSegmentBytes, 1 << 28, "max_data_segment_bytes: 268435456 is out of range [0, 134217728]"},
		{KeyCompileTimeout, "forever", `compile_timeout: "forever" is not a duration (write it as "5s", "250ms", "1m30s")`},
		{KeyCompileTimeout, 30, `compile_timeout: 30 is not a duration (write it as "5s", "250ms", "1m30s")`},
		{KeyCompileTimeout, "1h", `compile_timeout: "1h" is out of range [1ms, 10m0s]`},
	} {
		err := p.ValidateConfig(component("bad-"+tc.key, "noop", time.Second, tc.key, tc.v))
		if err == nil || err.Error() != tc.want {
			t.Errorf("%s %v: got %v, want %s", tc.key, tc.v, err, tc.want)
		}
	}
}

// manyFunctions writes a valid probe module defining n extra functions
// (each i32.const 1; drop; ... a few instructions), the shape of a module
// that is cheap to write and slow to compile.
func manyFunctions(t *testing.T, n int) string {
	t.Helper()
	leb := binary.AppendUvarint // LEB128
	sec := func(out []byte, id byte, body []byte) []byte {
		return append(leb(append(out, id), uint64(len(body))), body...)
	}
	name := func(b []byte, s string) []byte { return append(leb(b, uint64(len(s))), s...) }
	out := []byte("\x00asm\x01\x00\x00\x00")
	out = sec(out, 1, []byte{3, 0x60, 0, 0, 0x60, 0, 1, 0x7f, 0x60, 1, 0x7f, 1, 0x7e})
	fs := leb(nil, uint64(4+n))
	fs = append(fs, 0, 1, 1, 2)
	for range n {
		fs = append(fs, 0)
	}
	out = sec(out, 3, fs)
	out = sec(out, 5, []byte{1, 0, 1})
	ex := []byte{5}
	for i, e := range []string{"vitals_abi_v1", "vitals_buffer", "vitals_buffer_size", "vitals_check"} {
		ex = append(name(ex, e), 0, byte(i))
	}
	ex = append(name(ex, "memory"), 2, 0)
	out = sec(out, 7, ex)
	code := leb(nil, uint64(4+n))
	code = append(code, 2, 0, 0x0b, 5, 0, 0x41, 0x80, 0x08, 0x0b, 6, 0, 0x41, 0xe0, 0xd4, 0x03, 0x0b, 4, 0, 0x42, 0, 0x0b)
	body := []byte{1, 1, 0x7f} // one i32 local
	for i := range 8 {
		body = append(body, 0x41, byte(i), 0x20, 0, 0x6a, 0x21, 0) // local = i + local
	}
	body = append(body, 0x0b)
	for range n {
		code = append(leb(code, uint64(len(body))), body...)
	}
	out = sec(out, 10, code)
	path := filepath.Join(t.TempDir(), fmt.Sprintf("functions%d.wasm", n))
	if err := os.WriteFile(path, out, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestCompileTimeout checks that compile_timeout and the caller's context
// stop compiling a module, that the error names the key, and that a
// stopped compilation leaves nothing in the disk cache, while a finished
// one does.
func TestCompileTimeout(t *testing.T) {
	path := manyFunctions(t, 20000)
	dir := t.TempDir()
	p, _ := newProvider(t, Options{CacheDir: dir})
	comp := func(name string, kv ...any) core.Component {
		c := component(name, "noop", 5*time.Second, kv...)
		c.Config[KeyModule] = path
		return c
	}
	err := p.ValidateConfig(comp("slow", KeyCompileTimeout, "1ms"))
	want := "module: " + path + ": compilation took longer than compile_timeout 1ms: raise compile_timeout or make the module smaller"
	if err == nil || err.Error() != want {
		t.Fatalf("got %v\nwant %s", err, want)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err = p.ValidateConfigContext(ctx, comp("cancelled"))
	if err == nil || !strings.Contains(err.Error(), "compilation stopped: context canceled") {
		t.Fatalf("cancelled: %v", err)
	}
	if n := cacheFiles(t, dir); n != 0 {
		t.Fatalf("%d files in the cache after stopped compilations", n)
	}
	load(t, p, comp("ok"))
	if n := cacheFiles(t, dir); n == 0 {
		t.Fatal("nothing in the cache after a compilation")
	}
	// the default max_functions refuses a module just over it, quickly
	big := manyFunctions(t, DefaultMaxFunctions)
	c := comp("big")
	c.Config[KeyModule] = big
	start := time.Now()
	err = p.ValidateConfig(c)
	if err == nil || !strings.Contains(err.Error(), "declares 50004 functions, more than max_functions 50000") {
		t.Fatalf("over max_functions: %v", err)
	}
	t.Logf("refused in %s", time.Since(start))
}

func cacheFiles(t *testing.T, dir string) int {
	t.Helper()
	n := 0
	err := filepath.WalkDir(dir, func(_ string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			n++
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestCompileStoppedOtherCompiles checks that a load whose context ends
// while compiling does not fail another load of the same module waiting
// for it: that one compiles again under its own context.
func TestCompileStoppedOtherCompiles(t *testing.T) {
	path := manyFunctions(t, DefaultMaxFunctions-4) // compiles for a second or more
	p, _ := newProvider(t, Options{})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	lim := p.opts.moduleLimits(DefaultMemoryPages)
	errs := make(chan error, 1)
	go func() {
		_, err := p.load(ctx, path, lim, time.Minute, false)
		errs <- err
	}()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(time.Millisecond) {
		p.mu.Lock()
		registered := len(p.modules) == 1
		p.mu.Unlock()
		if registered {
			break // the first load is compiling
		}
		if time.Now().After(deadline) {
			t.Fatal("the first load did not start compiling")
		}
	}
	waiter := make(chan error, 1)
	go func() {
		_, err := p.load(context.Background(), path, lim, time.Minute, false)
		waiter <- err
	}()
	time.Sleep(10 * time.Millisecond) // the second load waits for the first
	cancel()
	if err := <-errs; err == nil || !strings.Contains(err.Error(), "context canceled") {
		t.Fatalf("the load whose context ended: %v", err)
	}
	if err := <-waiter; err != nil {
		t.Fatalf("the waiting load: %v", err)
	}
	if n := p.compiles.Load(); n != 2 {
		t.Errorf("%d compilations, want 2 (the stopped one, then the waiting load's)", n)
	}
}

// TestCheckCompileOutlivesDeadline checks that a check of a component that
// was not loaded first, whose module compiles for longer than the check's
// timeout, gives up waiting at its deadline without stopping the
// compilation, so that a later check finds the module compiled (bounded by
// the check's deadline, every check would start compiling again and be
// stopped, and the component would never be checked).
func TestCheckCompileOutlivesDeadline(t *testing.T) {
	path := manyFunctions(t, DefaultMaxFunctions-4) // compiles for a second or more
	p, _ := newProvider(t, Options{})
	c := component("slow-compile", "noop", 20*time.Millisecond)
	c.Config[KeyModule] = path
	res := run(t, p, c)
	if res.State != core.StateUnknown || !strings.Contains(res.Message, "still compiling at the check's deadline") {
		t.Fatalf("first check: %s %q, want unknown, still compiling", res.State, res.Message)
	}
	c.Timeout = 30 * time.Second // long enough to start the big module's instance
	for deadline := time.Now().Add(2 * time.Minute); ; time.Sleep(50 * time.Millisecond) {
		res = run(t, p, c)
		if res.State == core.StateUp {
			break
		}
		if !strings.Contains(res.Message, "to compile") && !strings.Contains(res.Message, "still compiling") || time.Now().After(deadline) {
			t.Fatalf("later check: %s %q", res.State, res.Message)
		}
	}
	if n := p.compiles.Load(); n != 1 {
		t.Fatalf("the module was compiled %d times, want once", n)
	}
}

// TestLimitDefaults checks the defaults and ranges applied to the module
// size options, and that moduleLimits carries them.
func TestLimitDefaults(t *testing.T) {
	var o Options
	o.limitDefaults()
	if o.MaxTableElements != DefaultMaxTableElements || o.MaxDataSegmentBytes != DefaultMaxDataSegmentBytes ||
		o.MaxFunctions != DefaultMaxFunctions || o.CompileTimeout != DefaultCompileTimeout {
		t.Errorf("defaults: %+v", o)
	}
	o = Options{MaxTableElements: 1 << 30, MaxModuleBytes: 1, MaxFunctions: -5, MaxFunctionBodyBytes: 3, MaxGlobals: -1,
		CompileTimeout: time.Hour}
	o.limitDefaults()
	want := moduleLimits{pages: 9, tableElements: 1 << 24, moduleBytes: 1 << 10, functions: 1, bodyBytes: 16,
		locals: DefaultMaxFunctionLocals, globals: 0, elementEntries: DefaultMaxElementSegmentEntries, dataBytes: DefaultMaxDataSegmentBytes}
	if got := o.moduleLimits(9); got != want || o.CompileTimeout != maxCompileTimeout {
		t.Errorf("clamped: %+v %s, want %+v", got, o.CompileTimeout, want)
	}
}
