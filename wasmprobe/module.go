package wasmprobe

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/experimental"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"

	"github.com/vitals-go/vitals/core/confkit"
	"github.com/vitals-go/vitals/wasmprobe/internal/wasmbin"
)

// HostModule is the import module of the Vitals host functions.
const HostModule = "vitals"

// WASIModule is the import module of WASI preview 1.
const WASIModule = "wasi_snapshot_preview1"

// AllowedWASI returns the names of the WASI preview 1 functions a probe
// may import (ABI.md, section 7). They are all that Go (wasip1), Rust
// (wasm32-wasip1) and C (wasi-libc) guests import. They cannot reach the
// host: a probe has no preopened directory (every path_* call and every fd
// above 2 fail with an errno), no sockets (sock_* fail with EBADF), empty
// args and environment, an empty stdin, stdout and stderr captured into
// capped buffers, real clocks, a poll_oneoff sleep cut short by the
// check's deadline, crypto/rand as random_get, and proc_exit ending the
// instance (the check reports it).
func AllowedWASI() []string {
	return []string{
		"args_get", "args_sizes_get", "environ_get", "environ_sizes_get",
		"clock_res_get", "clock_time_get", "random_get", "sched_yield",
		"poll_oneoff", "proc_exit", "proc_raise", "fd_advise", "fd_allocate",
		"fd_close", "fd_datasync", "fd_fdstat_get", "fd_fdstat_set_flags",
		"fd_fdstat_set_rights", "fd_filestat_get", "fd_filestat_set_size",
		"fd_filestat_set_times", "fd_pread", "fd_prestat_get",
		"fd_prestat_dir_name", "fd_pwrite", "fd_read", "fd_readdir", "fd_renumber",
		"fd_seek", "fd_sync", "fd_tell", "fd_write", "path_create_directory",
		"path_filestat_get", "path_filestat_set_times", "path_link", "path_open",
		"path_readlink", "path_remove_directory", "path_rename", "path_symlink",
		"path_unlink_file", "sock_accept", "sock_recv", "sock_send",
		"sock_shutdown",
	}
}

// allowedWASI reports whether a probe may import the WASI function name.
func allowedWASI(name string) bool {
	return slices.Contains(AllowedWASI(), name)
}

type sig struct{ params, results []api.ValueType }

func (s sig) String() string { return sigString(s.params, s.results) }

func sigString(params, results []api.ValueType) string {
	names := func(ts []api.ValueType) string {
		out := make([]string, len(ts))
		for i, t := range ts {
			out[i] = api.ValueTypeName(t)
		}
		return "(" + strings.Join(out, ", ") + ")"
	}
	return names(params) + " -> " + names(results)
}

func isHostFunc(name string) bool {
	_, ok := hostFunc(name)
	return ok
}

func (s sig) matches(d api.FunctionDefinition) bool {
	return slices.Equal(s.params, d.ParamTypes()) && slices.Equal(s.results, d.ResultTypes())
}

var i32, i64 = api.ValueTypeI32, api.ValueTypeI64

// hostFunc returns the signature of the function name of module "vitals".
func hostFunc(name string) (sig, bool) {
	switch name {
	case "log":
		return sig{[]api.ValueType{i32, i32, i32}, nil}, true
	case "http_request":
		return sig{[]api.ValueType{i32, i32, i32, i32}, []api.ValueType{i64}}, true
	case "tcp_connect":
		return sig{[]api.ValueType{i32, i32, i32}, []api.ValueType{i32}}, true
	}
	return sig{}, false
}

// guestExport is a function export of a v1 probe.
type guestExport struct {
	name string
	sig  sig
}

// guestExports returns the function exports of a v1 probe; _initialize is optional.
func guestExports() []guestExport {
	return []guestExport{
		{"vitals_abi_v1", sig{}},
		{"vitals_buffer", sig{nil, []api.ValueType{i32}}},
		{"vitals_buffer_size", sig{nil, []api.ValueType{i32}}},
		{"vitals_check", sig{[]api.ValueType{i32}, []api.ValueType{i64}}},
		{"_initialize", sig{}},
	}
}

// runtimeEntry is one wazero runtime: one per memory cap, since the cap is
// a runtime setting. It has the vitals and WASI host modules instantiated.
type runtimeEntry struct {
	r     wazero.Runtime
	pages uint32
	wasi  map[string]api.FunctionDefinition
	// instances maps each live guest api.Module to its *instance, for the
	// host functions (which get the calling module).
	instances sync.Map
}

// instance returns the instance a host function was called from: by its
// module, or during instantiation (before the module is known) by ctx.
func (rt *runtimeEntry) instance(ctx context.Context, mod api.Module) *instance {
	if v, ok := rt.instances.Load(mod); ok {
		return v.(*instance)
	}
	inst, _ := ctx.Value(instKey{}).(*instance)
	return inst
}

type moduleKey struct {
	path   string
	hash   [sha256.Size]byte
	limits moduleLimits
}

type moduleEntry struct {
	ready   chan struct{}
	mod     *Module
	err     error
	stopped bool // the compiling caller's context ended: others compile again
}

// Module is a compiled and validated probe module.
type Module struct {
	// Path is the file as configured.
	Path string
	// SHA256 is the hex SHA-256 of the file's content.
	SHA256 string
	// MemoryPages is the memory cap the module was compiled for.
	MemoryPages uint32
	// MinPages is the module's declared initial memory.
	MinPages uint32
	// Imports are the module's imports as "module.name".
	Imports []string
	// Initialize reports whether the module exports _initialize.
	Initialize bool

	usesHTTP, usesTCP bool
	compiled          wazero.CompiledModule
	rt                *runtimeEntry
}

// LoadModule reads, compiles and validates the module at path for a memory
// cap of memoryPages (0 means the provider's default) and the provider's
// other limits, under ctx and Options.CompileTimeout. Modules are cached by
// path, content hash and limits: loading an unchanged file again is cheap.
func (p *Provider) LoadModule(ctx context.Context, path string, memoryPages int) (*Module, error) {
	if !p.enter() {
		return nil, ErrClosed
	}
	defer p.inflight.Done()
	if memoryPages <= 0 {
		memoryPages = p.opts.MemoryPages
	}
	if memoryPages > 65536 {
		return nil, &confkit.FieldError{Path: KeyMemoryPages, Err: confkit.Problem(confkit.ErrRange, "%d is out of range [1, 65536]", memoryPages)}
	}
	return p.load(ctx, path, p.opts.moduleLimits(uint32(memoryPages)), p.opts.CompileTimeout, false)
}

// load returns the module at path compiled for lim, compiling it under
// ctx and compileTimeout unless it is cached or being compiled. A caller
// waiting for another's compilation stops waiting when ctx ends, and
// compiles itself when the other's was stopped by the other's context.
//
// fromCheck: the caller is a check of a component that was not loaded
// first. Its compilation is not bounded by the check's deadline but only
// by compileTimeout and Close, and goes on after the check gives up
// waiting, so that a later check finds it done: bounded by the check's
// deadline, a module that compiles in longer than the check's timeout
// would be compiled again, and stopped, by every check.
func (p *Provider) load(ctx context.Context, path string, lim moduleLimits, compileTimeout time.Duration, fromCheck bool) (*Module, error) {
	if p.closed.Load() {
		return nil, ErrClosed
	}
	b, err := readModule(path, lim.moduleBytes)
	if err != nil {
		return nil, err
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		abs = path
	}
	key := moduleKey{path: abs, hash: sha256.Sum256(b), limits: lim}
	for {
		p.mu.Lock()
		e, ok := p.modules[key]
		if !ok {
			break
		}
		p.mu.Unlock()
		select {
		case <-e.ready:
		case <-ctx.Done():
			return nil, fmt.Errorf("%s: waiting for the module to compile: %w", path, ctx.Err())
		}
		if e.err == nil || !e.stopped {
			return e.mod, e.err
		}
	}
	e := &moduleEntry{ready: make(chan struct{})}
	p.modules[key] = e
	p.mu.Unlock()
	if !fromCheck {
		p.finishCompile(ctx, e, path, b, key, compileTimeout)
		return e.mod, e.err
	}
	// The caller holds an inflight count (Check entered), so Close waits
	// for this compilation too; closing stops it.
	cctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	p.inflight.Add(1)
	go func() {
		defer p.inflight.Done()
		defer cancel()
		go func() {
			select {
			case <-p.closing:
				cancel()
			case <-cctx.Done():
			}
		}()
		p.finishCompile(cctx, e, path, b, key, compileTimeout)
	}()
	select {
	case <-e.ready:
		return e.mod, e.err
	case <-ctx.Done():
		return nil, fmt.Errorf("%s: still compiling at the check's deadline; the compilation goes on (bounded by compile_timeout %s) and a later check uses it: %w", path, compileTimeout, ctx.Err())
	}
}

// finishCompile compiles into e under ctx, forgets e when that failed (a
// later load tries again), and wakes e's waiters.
func (p *Provider) finishCompile(ctx context.Context, e *moduleEntry, path string, b []byte, key moduleKey, compileTimeout time.Duration) {
	e.mod, e.err = p.compile(ctx, path, b, key, compileTimeout)
	e.stopped = e.err != nil && ctx.Err() != nil
	if e.err != nil {
		p.mu.Lock()
		if p.modules[key] == e {
			delete(p.modules, key)
		}
		p.mu.Unlock()
	}
	close(e.ready)
}

func readModule(path string, limit int) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, int64(limit)+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(b) > limit {
		return nil, fmt.Errorf("%s: larger than %s %d bytes: raise %s or make the module smaller", path, KeyMaxModuleBytes, limit, KeyMaxModuleBytes)
	}
	return b, nil
}

// compile validates what can be read from the binary (marker, imports,
// memory limits, declared sizes), bounds its tables, compiles it under ctx
// and timeout and validates the signatures.
func (p *Provider) compile(ctx context.Context, file string, b []byte, key moduleKey, timeout time.Duration) (*Module, error) {
	info, err := wasmbin.Scan(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	if !info.HasExport("vitals_abi_v1", wasmbin.KindFunc) {
		return nil, fmt.Errorf("%s: not a Vitals v1 probe: missing export vitals_abi_v1", file)
	}
	if !info.HasExport("memory", wasmbin.KindMemory) {
		return nil, fmt.Errorf("%s: not a Vitals v1 probe: missing export memory", file)
	}
	pages := key.limits.pages
	m := &Module{Path: file, SHA256: hex.EncodeToString(key.hash[:]), MemoryPages: pages}
	for _, im := range info.Imports {
		qual := im.Module + "." + im.Name
		if im.Kind != wasmbin.KindFunc {
			return nil, fmt.Errorf("%s: import %s (%s) is not allowed: a probe imports functions only", file, qual, wasmbin.KindName(im.Kind))
		}
		switch {
		case im.Module == HostModule && isHostFunc(im.Name):
			m.usesHTTP = m.usesHTTP || im.Name == "http_request"
			m.usesTCP = m.usesTCP || im.Name == "tcp_connect"
		case im.Module == WASIModule && allowedWASI(im.Name):
		default:
			return nil, fmt.Errorf("%s: import %s is not allowed", file, qual)
		}
		m.Imports = append(m.Imports, qual)
	}
	for _, mem := range info.Memories {
		if mem.Min > uint64(pages) {
			return nil, fmt.Errorf("%s: memory minimum %d pages (%s) exceeds %s %d (%s)",
				file, mem.Min, pagesSize(mem.Min), KeyMemoryPages, pages, pagesSize(uint64(pages)))
		}
		if mem.HasMax && mem.Max > uint64(pages) {
			return nil, fmt.Errorf("%s: memory maximum %d pages (%s) exceeds %s %d (%s): raise %s or lower the module's maximum",
				file, mem.Max, pagesSize(mem.Max), KeyMemoryPages, pages, pagesSize(uint64(pages)), KeyMemoryPages)
		}
		m.MinPages = uint32(mem.Min)
	}
	if err := checkSizes(info.Sizes, key.limits); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	if b, err = capTables(b, info.Tables, key.limits); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}

	rt, err := p.runtime(ctx, pages)
	if err != nil {
		return nil, err
	}
	p.compiles.Add(1)
	cm, err := compileModule(ctx, rt.r, b, timeout)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	if err := checkSignatures(cm, rt); err != nil {
		_ = cm.Close(ctx)
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	_, m.Initialize = cm.ExportedFunctions()["_initialize"]
	m.compiled, m.rt = cm, rt
	return m, nil
}

// compileModule compiles b under ctx and timeout. wazero checks the
// context only between functions and only when it compiles with several
// workers, so it is given two; its compilation cache is written only
// after every function compiled, so a compilation stopped by the context
// leaves nothing in the cache.
func compileModule(ctx context.Context, r wazero.Runtime, b []byte, timeout time.Duration) (wazero.CompiledModule, error) {
	cctx, cancel := context.WithTimeout(experimental.WithCompilationWorkers(ctx, compileWorkers), timeout)
	defer cancel()
	cm, err := r.CompileModule(cctx, b)
	switch {
	case err == nil:
		return cm, nil
	case ctx.Err() != nil:
		return nil, fmt.Errorf("compilation stopped: %w", ctx.Err())
	case cctx.Err() != nil:
		return nil, fmt.Errorf("compilation took longer than %s %s: raise %s or make the module smaller", KeyCompileTimeout, timeout, KeyCompileTimeout)
	}
	return nil, fmt.Errorf("invalid WebAssembly module: %w", err)
}

// compileWorkers is the number of goroutines compiling a module.
const compileWorkers = 2

func checkSignatures(cm wazero.CompiledModule, rt *runtimeEntry) error {
	exports := cm.ExportedFunctions()
	for _, e := range guestExports() {
		d, ok := exports[e.name]
		if !ok {
			if e.name == "_initialize" {
				continue
			}
			return fmt.Errorf("not a Vitals v1 probe: missing export %s", e.name)
		}
		if !e.sig.matches(d) {
			return fmt.Errorf("export %s has signature %s, want %s", e.name, sigString(d.ParamTypes(), d.ResultTypes()), e.sig)
		}
	}
	for _, d := range cm.ImportedFunctions() {
		mod, name, _ := d.Import()
		want, ok := hostFunc(name)
		if mod == WASIModule {
			wd, found := rt.wasi[name]
			if !found {
				return fmt.Errorf("import %s.%s is not allowed", mod, name)
			}
			want, ok = sig{wd.ParamTypes(), wd.ResultTypes()}, true
		}
		if ok && !want.matches(d) {
			return fmt.Errorf("import %s.%s has signature %s, want %s", mod, name, sigString(d.ParamTypes(), d.ResultTypes()), want)
		}
	}
	return nil
}

func pagesSize(pages uint64) string {
	b := pages * 65536
	if b%(1<<20) == 0 {
		return fmt.Sprintf("%d MiB", b>>20)
	}
	return fmt.Sprintf("%d KiB", b>>10)
}

// runtime returns the runtime of a memory cap, creating it on first use.
func (p *Provider) runtime(ctx context.Context, pages uint32) (*runtimeEntry, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if rt := p.runtimes[pages]; rt != nil {
		return rt, nil
	}
	if p.closed.Load() {
		return nil, ErrClosed
	}
	cfg := wazero.NewRuntimeConfig().
		WithCloseOnContextDone(true).
		WithMemoryLimitPages(pages).
		WithCompilationCache(p.cache)
	r := wazero.NewRuntimeWithConfig(ctx, cfg)
	if _, err := wasi_snapshot_preview1.Instantiate(ctx, r); err != nil {
		_ = r.Close(ctx)
		return nil, fmt.Errorf("wasmprobe: instantiate WASI: %w", err)
	}
	rt := &runtimeEntry{r: r, pages: pages, wasi: r.Module(WASIModule).ExportedFunctionDefinitions()}
	logSig, _ := hostFunc("log")
	httpSig, _ := hostFunc("http_request")
	tcpSig, _ := hostFunc("tcp_connect")
	b := r.NewHostModuleBuilder(HostModule)
	b.NewFunctionBuilder().
		WithGoModuleFunction(api.GoModuleFunc(rt.hostLog), logSig.params, nil).
		WithParameterNames("level", "ptr", "len").
		Export("log")
	b.NewFunctionBuilder().
		WithGoModuleFunction(api.GoModuleFunc(rt.hostHTTPRequest), httpSig.params, httpSig.results).
		WithParameterNames("req_ptr", "req_len", "resp_ptr", "resp_cap").
		Export("http_request")
	b.NewFunctionBuilder().
		WithGoModuleFunction(api.GoModuleFunc(rt.hostTCPConnect), tcpSig.params, tcpSig.results).
		WithParameterNames("addr_ptr", "addr_len", "timeout_ms").
		Export("tcp_connect")
	if _, err := b.Instantiate(ctx); err != nil {
		_ = r.Close(ctx)
		return nil, fmt.Errorf("wasmprobe: instantiate host module: %w", err)
	}
	p.runtimes[pages] = rt
	return rt, nil
}
