package wasmprobe

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/vitals-go/vitals/core"
)

func TestLoadErrors(t *testing.T) {
	p, _ := newProvider(t, Options{})
	for _, tc := range []struct {
		name   string
		config map[string]any
		want   string
	}{
		{"unknown import", map[string]any{KeyModule: wasmFile("import_env")}, "module: ../testdata/wasm/import_env.wasm: import env.foo is not allowed"},
		{"memory import", map[string]any{KeyModule: wasmFile("import_memory")}, "module: ../testdata/wasm/import_memory.wasm: import env.memory (memory) is not allowed"},
		{"missing marker", map[string]any{KeyModule: wasmFile("nomarker")}, "module: ../testdata/wasm/nomarker.wasm: not a Vitals v1 probe: missing export vitals_abi_v1"},
		{"garbage", map[string]any{KeyModule: wasmFile("garbage")}, "module: ../testdata/wasm/garbage.wasm: not a WebAssembly module (bad magic number)"},
		{"bad signature", map[string]any{KeyModule: wasmFile("badsig")}, "module: ../testdata/wasm/badsig.wasm: export vitals_check has signature (i32) -> (i32), want (i32) -> (i64)"},
		{"memory minimum", map[string]any{KeyModule: wasmFile("bigmem")}, "module: ../testdata/wasm/bigmem.wasm: memory minimum 1024 pages (64 MiB) exceeds memory_pages 256 (16 MiB)"},
		{"memory minimum with a lower cap", map[string]any{KeyModule: wasmFile("net"), KeyMemoryPages: 2}, "net.wasm: memory minimum 4 pages (256 KiB) exceeds memory_pages 2 (128 KiB)"},
		{"unknown vitals import", map[string]any{KeyModule: wasmFile("import_vitals_unknown")}, "module: ../testdata/wasm/import_vitals_unknown.wasm: import vitals.exec is not allowed"},
		{"unknown WASI import", map[string]any{KeyModule: wasmFile("import_wasi_unknown")}, "module: ../testdata/wasm/import_wasi_unknown.wasm: import wasi_snapshot_preview1.sock_open is not allowed"},
		{"vitals import signature", map[string]any{KeyModule: wasmFile("import_badsig")}, "module: ../testdata/wasm/import_badsig.wasm: import vitals.tcp_connect has signature (i32, i32) -> (i64), want (i32, i32, i32) -> (i32)"},
		{"WASI import signature", map[string]any{KeyModule: wasmFile("import_wasi_badsig")}, "module: ../testdata/wasm/import_wasi_badsig.wasm: import wasi_snapshot_preview1.fd_write has signature (i32, i32) -> (i32), want (i32, i32, i32, i32) -> (i32)"},
		{"scans but does not compile", map[string]any{KeyModule: wasmFile("nocompile")}, "module: ../testdata/wasm/nocompile.wasm: invalid WebAssembly module: "},
		{"missing file", map[string]any{KeyModule: "../testdata/wasm/nope.wasm"}, "module: ../testdata/wasm/nope.wasm: no such file or directory"},
		{"missing module", map[string]any{}, "module: is required"},
		{"module not a string", map[string]any{KeyModule: 3}, "module: 3: no such file or directory"},
		{"bad allow", map[string]any{KeyModule: wasmFile("noop"), KeyAllow: []any{"ftp://x/"}}, `allow[0]: "ftp://x/": scheme must be http or https`},
		{"allow not a list", map[string]any{KeyModule: wasmFile("noop"), KeyAllow: 5}, "allow: 5 is not a list of strings"},
		{"memory_pages range", map[string]any{KeyModule: wasmFile("noop"), KeyMemoryPages: 0}, "memory_pages: 0 is out of range [1, 65536]"},
		{"pool_size type", map[string]any{KeyModule: wasmFile("noop"), KeyPoolSize: "two"}, `pool_size: "two" is not an integer`},
		{"fractional", map[string]any{KeyModule: wasmFile("noop"), KeyMaxLogLines: 1.5}, "max_log_lines: 1.5 is not an integer"},
		{"unencodable config", map[string]any{KeyModule: wasmFile("noop"), "f": func() {}}, "cannot be encoded as JSON for the probe"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := core.Component{Name: "bad", Provider: Name, Config: tc.config, Timeout: time.Second}
			err := p.ValidateConfig(c)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("ValidateConfig = %v, want %q", err, tc.want)
			}
			// A check of a component that was never validated reports the same.
			res := run(t, p, c)
			if res.State != core.StateUnknown || !strings.Contains(res.Message, tc.want) {
				t.Fatalf("Check = %s %q, want unknown %q", res.State, res.Message, tc.want)
			}
			assertServing(t, p)
		})
	}
}

// TestEngineRefusesBadModule checks the whole path: the engine refuses to
// add a component whose module is bad, naming the component, key and file.
func TestEngineRefusesBadModule(t *testing.T) {
	p, _ := newProvider(t, Options{})
	_, err := core.New(core.WithProviders(p), core.WithComponents(core.Component{
		Name: "orders", Provider: Name, Config: map[string]any{KeyModule: wasmFile("nomarker")},
	}))
	want := `component "orders": config.module: ../testdata/wasm/nomarker.wasm: not a Vitals v1 probe: missing export vitals_abi_v1`
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("core.New = %v, want %q", err, want)
	}
}

func TestEngineRunsProbes(t *testing.T) {
	p, _ := newProvider(t, Options{})
	e, err := core.New(core.WithProviders(p), core.WithComponents(
		core.Component{Name: "good", Provider: Name, Config: map[string]any{KeyModule: wasmFile("noop")}, Timeout: time.Second},
		core.Component{Name: "stuck", Provider: Name, Config: map[string]any{KeyModule: wasmFile("spin")}, Timeout: 200 * time.Millisecond},
	))
	if err != nil {
		t.Fatal(err)
	}
	defer e.Stop(context.Background())
	ctx := context.Background()
	res, err := e.Check(ctx, "good")
	if err != nil || res.Observed != core.StateUp || res.Message != "ok" {
		t.Fatalf("good: %+v %v", res, err)
	}
	start := time.Now()
	res, err = e.Check(ctx, "stuck")
	if err != nil || res.Observed != core.StateDown || time.Since(start) > 200*time.Millisecond+margin {
		t.Fatalf("stuck: %s %q after %s (%v)", res.Observed, res.Message, time.Since(start), err)
	}
	if res, _ = e.Check(ctx, "good"); res.Observed != core.StateUp {
		t.Fatalf("good after stuck: %s %q", res.Observed, res.Message)
	}
}

func TestConfigChangeRebuildsProbe(t *testing.T) {
	p, _ := newProvider(t, Options{})
	c := component("changing", "noop", time.Second)
	load(t, p, c)
	first, _ := p.probeFor(context.Background(), c, false)
	again, _ := p.probeFor(context.Background(), c.Clone(), false)
	if first != again {
		t.Fatal("same config rebuilt the probe")
	}
	c2 := component("changing", "degraded", time.Second)
	if res := run(t, p, c2); res.State != core.StateDegraded {
		t.Fatalf("after config change: %s %q", res.State, res.Message)
	}
	select {
	case <-first.pool.done:
	default:
		t.Fatal("the replaced probe's pool is still open")
	}
	p.Forget("changing")
	if res := run(t, p, c); res.State != core.StateUp {
		t.Fatalf("after Forget: %s %q", res.State, res.Message)
	}
}

func TestSameConfig(t *testing.T) {
	a := map[string]any{"module": "x", "n": 1, "f": 1.5, "l": []any{"a", map[string]any{"b": true}}, "s": []string{"x"}, "nil": nil, "u": uint8(3)}
	b := map[string]any{"module": "x", "n": 1, "f": 1.5, "l": []any{"a", map[string]any{"b": true}}, "s": []string{"x"}, "nil": nil, "u": uint8(3)}
	if !sameConfig(a, b) {
		t.Fatal("equal configs differ")
	}
	b["l"] = []any{"a", map[string]any{"b": false}}
	if sameConfig(a, b) {
		t.Fatal("different configs are equal")
	}
	if sameConfig(map[string]any{"n": 1}, map[string]any{"n": 1.0}) {
		t.Fatal("int and float are equal")
	}
}

func TestParseOutput(t *testing.T) {
	for out, want := range map[string]string{
		``:                                     "",
		`{"message":"ok"}`:                     "ok",
		` {"message":"é \"q\"","details":{}} `: `é "q"`,
		`{"details":{"a":1}}`:                  "",
		`{"message":"x","extra":1}`:            "x",
	} {
		msg, _, err := parseOutput([]byte(out), "ok")
		if err != nil || msg != want {
			t.Errorf("parseOutput(%s) = %q, %v; want %q", out, msg, err, want)
		}
	}
	for _, out := range []string{`null`, `[]`, `"s"`, `{"message":5}`, `{"details":[1]}`, `{"message":"x"} trailing`, `{`, "\xff"} {
		if _, _, err := parseOutput([]byte(out), ""); err == nil || !strings.HasPrefix(err.Error(), `abi: output is not a JSON object {"message","details"}: `) {
			t.Errorf("parseOutput(%s) = %v, want an abi error", out, err)
		}
	}
}

func TestDiskCompileCache(t *testing.T) {
	dir := t.TempDir()
	for i := range 2 {
		p, err := NewProvider(context.Background(), Options{CacheDir: dir})
		if err != nil {
			t.Fatal(err)
		}
		checkCached(t, fmt.Sprintf("run %d", i), p, dir)
	}
	if _, err := NewProvider(context.Background(), Options{CacheDir: "/proc/nope/cache"}); err == nil {
		t.Fatal("an unusable explicit cache dir was accepted")
	}
}

// TestDefaultCacheDir checks that a provider without CacheDir keeps
// compiled modules in os.UserCacheDir()/vitals/wasm.
func TestDefaultCacheDir(t *testing.T) {
	switch runtime.GOOS {
	case "darwin", "ios", "windows", "plan9":
		t.Skip("os.UserCacheDir does not read XDG_CACHE_HOME here")
	}
	base := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", base)
	p, err := NewProvider(context.Background(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	checkCached(t, "default", p, filepath.Join(base, "vitals", "wasm"))
}

// checkCached checks that p's cache dir is dir, runs a check with p,
// closes p, and checks that the check passed and that dir holds the
// compiled module.
func checkCached(t *testing.T, what string, p *Provider, dir string) {
	t.Helper()
	if p.CacheDir() != dir {
		t.Fatalf("%s: cache dir %q, want %q", what, p.CacheDir(), dir)
	}
	res := run(t, p, component("cached", "noop", time.Second))
	if err := p.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if res.State != core.StateUp {
		t.Fatalf("%s: %s %q", what, res.State, res.Message)
	}
	n := 0
	_ = filepath.WalkDir(dir, func(_ string, d os.DirEntry, _ error) error {
		if d != nil && !d.IsDir() {
			n++
		}
		return nil
	})
	if n == 0 {
		t.Fatalf("%s: nothing in the cache dir", what)
	}
}

// TestCheckAfterValidateDoesNotCompile checks that ValidateConfig compiles
// the module once and that checks, and other components of the same
// module, reuse it.
func TestCheckAfterValidateDoesNotCompile(t *testing.T) {
	p, _ := newProvider(t, Options{})
	c := component("once", "degraded", time.Second)
	load(t, p, c)
	if n := p.compiles.Load(); n != 1 {
		t.Fatalf("%d compilations after ValidateConfig, want 1", n)
	}
	mod := p.probes["once"].mod
	for range 3 {
		if res := run(t, p, c); res.State != core.StateDegraded {
			t.Fatalf("%s %q", res.State, res.Message)
		}
	}
	load(t, p, c)
	if res := run(t, p, component("twice", "degraded", time.Second)); res.State != core.StateDegraded {
		t.Fatalf("%s %q", res.State, res.Message)
	}
	if n := p.compiles.Load(); n != 1 || p.probes["once"].mod != mod || p.probes["twice"].mod != mod {
		t.Fatalf("%d compilations after checks, want 1", n)
	}
}

func TestLoadModule(t *testing.T) {
	p, _ := newProvider(t, Options{})
	m, err := p.LoadModule(context.Background(), wasmFile("net"), 0)
	if err != nil {
		t.Fatal(err)
	}
	if m.MinPages != 4 || m.MemoryPages != DefaultMemoryPages || len(m.SHA256) != 64 || m.Initialize ||
		strings.Join(m.Imports, ",") != "vitals.http_request,vitals.tcp_connect" {
		t.Fatalf("module %+v", m)
	}
	again, _ := p.LoadModule(context.Background(), wasmFile("net"), 0)
	if again != m {
		t.Fatal("loading an unchanged module compiled it again")
	}
	// A changed file is a new module.
	dir := t.TempDir()
	path := filepath.Join(dir, "probe.wasm")
	for _, src := range []string{"noop", "echo"} {
		b, _ := os.ReadFile(wasmFile(src))
		if err := os.WriteFile(path, b, 0o600); err != nil {
			t.Fatal(err)
		}
		m, err := p.LoadModule(context.Background(), path, 0)
		if err != nil || m.Initialize != (src == "echo") {
			t.Fatalf("%s: %+v %v", src, m, err)
		}
	}
}

func TestRunOnce(t *testing.T) {
	res, err := RunOnce(context.Background(), Options{CacheDir: "-"}, core.Component{
		Config: map[string]any{KeyModule: wasmFile("down")}, Timeout: time.Second,
	})
	if err != nil || res.State != core.StateDown || res.Message != "backend unreachable" {
		t.Fatalf("RunOnce = %s %q, %v", res.State, res.Message, err)
	}
	if _, err := RunOnce(context.Background(), Options{CacheDir: "-"}, core.Component{
		Config: map[string]any{KeyModule: wasmFile("garbage")},
	}); err == nil || !strings.Contains(err.Error(), "garbage.wasm: not a WebAssembly module") {
		t.Fatalf("RunOnce of garbage: %v", err)
	}
}

func TestAllowedWASIExist(t *testing.T) {
	p, _ := newProvider(t, Options{})
	rt, err := p.runtime(context.Background(), 16)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range AllowedWASI() {
		if _, ok := rt.wasi[name]; !ok {
			t.Errorf("wazero has no WASI function %s", name)
		}
	}
}
