// Package wasmprobe is the "wasm" provider: custom probes compiled to
// WebAssembly and run sandboxed in wazero.
//
// A probe is a module that follows the Vitals probe ABI v1 (ABI.md beside
// this file): it exports vitals_abi_v1, memory, vitals_buffer,
// vitals_buffer_size and vitals_check, and may import the host functions
// vitals.log, vitals.http_request and vitals.tcp_connect and a sandboxed set
// of WASI preview 1 functions. A component selects it with
//
//	provider: wasm
//	config:
//	  module: probes/orders.wasm        # required
//	  allow: ["https://orders.internal/health/", "db.internal:5432"]
//	  memory_pages: 256                 # and the other host keys, see ABI.md
//	  shard: 7                          # anything else goes to the probe
//
// Modules are compiled once (and cached on disk), validated at
// ValidateConfig so that an application refuses to start on a bad module,
// and run from a small pool of instances per component under the check's
// deadline, a memory cap and output and log caps.
package wasmprobe

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tetratelabs/wazero"

	"github.com/vitals-go/vitals/core"
)

// Name is the provider name components use.
const Name = "wasm"

// Defaults for the zero values of Options and absent config keys.
const (
	DefaultPoolSize         = 2
	DefaultMemoryPages      = 256 // 16 MiB
	DefaultMaxOutputBytes   = 64 << 10
	DefaultMaxLogLines      = 20
	DefaultMaxLogLineBytes  = 1 << 10
	DefaultMaxResponseBytes = 64 << 10
	DefaultMaxStdioBytes    = 4 << 10
	DefaultTimeout          = core.DefaultTimeout
	// DefaultMaxConcurrentCalls bounds the guest calls running at once on
	// one Provider. A call in runaway recursion holds up to ~400 MB of
	// stack (measured ≈160 MiB), so 16 bound the worst case to a few GiB on
	// a 2-core, 24 GiB host, far more calls than 2 cores run usefully.
	DefaultMaxConcurrentCalls = 16
	// DefaultMaxNetCalls is the http_request and tcp_connect calls one
	// check may make: a status-page probe reads a handful of URLs.
	DefaultMaxNetCalls = 32
	// DefaultMaxSockets is the sockets the host may open for one check's
	// network calls: each connection attempt, redirect hop and address
	// tried counts one.
	DefaultMaxSockets = 64
)

// Options configure a Provider. Zero values mean the defaults; the limits
// are the defaults of components that do not set the matching config key.
type Options struct {
	// Logger receives the probes' vitals.log lines (with attributes
	// probe=<component> and module=<file>) and the provider's own messages.
	// Nil discards them.
	Logger *slog.Logger
	// CacheDir holds compiled modules across restarts. Empty means
	// os.UserCacheDir()/vitals/wasm (in-memory only when there is no user
	// cache directory); "-" turns the disk cache off.
	CacheDir string
	// DisableDiskCache keeps compiled modules in memory only, whatever CacheDir says.
	DisableDiskCache bool
	// PoolSize is the number of instances per component (config pool_size).
	PoolSize int
	// MemoryPages caps each instance's memory in 64 KiB pages (config memory_pages).
	MemoryPages int
	// MaxOutputBytes caps a probe's output (config max_output_bytes).
	MaxOutputBytes int
	// MaxLogLines caps vitals.log lines per check (config max_log_lines); negative means none.
	MaxLogLines int
	// MaxLogLineBytes caps one vitals.log line (config max_log_line_bytes).
	MaxLogLineBytes int
	// MaxResponseBytes caps an http_request response body (config max_response_bytes); negative means empty bodies.
	MaxResponseBytes int
	// MaxStdioBytes caps what a probe may write to stdout and to stderr per
	// check (config max_stdio_bytes); negative means nothing is kept.
	MaxStdioBytes int
	// MaxConcurrentCalls caps the guest calls (instance start-up and
	// vitals_check) running at once on this Provider, across all its
	// components, and so the call stacks alive at once (default
	// DefaultMaxConcurrentCalls). A check past it waits for a slot until
	// its deadline, then is Down.
	MaxConcurrentCalls int
	// MaxNetCalls caps the http_request and tcp_connect calls of one check
	// (config max_net_calls, default DefaultMaxNetCalls); negative allows
	// none.
	MaxNetCalls int
	// MaxSockets caps the sockets opened for one check's network calls
	// (config max_sockets, default DefaultMaxSockets); negative allows none.
	MaxSockets int
	// DefaultTimeout bounds a Check whose context has no deadline (default core.DefaultTimeout).
	DefaultTimeout time.Duration
	// Resolver resolves the host names of granted network access (default net.DefaultResolver).
	Resolver *net.Resolver
	// TLSConfig is the TLS client configuration of http_request (default: system roots).
	TLSConfig *tls.Config

	// MaxTableElements caps the elements of an instance's tables, all
	// together (config max_table_elements): declared minimums and growth.
	MaxTableElements int
	// MaxModuleBytes caps a module file (config max_module_bytes).
	MaxModuleBytes int
	// MaxFunctions caps the functions a module defines (config max_functions).
	MaxFunctions int
	// MaxFunctionBodyBytes caps one function body (config max_function_body_bytes).
	MaxFunctionBodyBytes int
	// MaxFunctionLocals caps the locals one function declares (config max_function_locals).
	MaxFunctionLocals int
	// MaxGlobals caps the globals a module defines (config max_globals).
	MaxGlobals int
	// MaxElementSegmentEntries caps the entries of one element segment
	// (config max_element_segment_entries).
	MaxElementSegmentEntries int
	// MaxDataSegmentBytes caps one data segment (config max_data_segment_bytes).
	MaxDataSegmentBytes int
	// CompileTimeout bounds compiling a module (config compile_timeout,
	// default 2m).
	CompileTimeout time.Duration
}

func (o Options) withDefaults() Options {
	def := func(v *int, d int) {
		switch {
		case *v == 0:
			*v = d
		case *v < 0:
			*v = 0
		}
	}
	def(&o.PoolSize, DefaultPoolSize)
	def(&o.MemoryPages, DefaultMemoryPages)
	def(&o.MaxOutputBytes, DefaultMaxOutputBytes)
	def(&o.MaxLogLines, DefaultMaxLogLines)
	def(&o.MaxLogLineBytes, DefaultMaxLogLineBytes)
	def(&o.MaxResponseBytes, DefaultMaxResponseBytes)
	def(&o.MaxStdioBytes, DefaultMaxStdioBytes)
	def(&o.MaxNetCalls, DefaultMaxNetCalls)
	def(&o.MaxSockets, DefaultMaxSockets)
	if o.MaxConcurrentCalls <= 0 {
		o.MaxConcurrentCalls = DefaultMaxConcurrentCalls
	}
	o.PoolSize = max(o.PoolSize, 1)
	o.MemoryPages = min(max(o.MemoryPages, 1), 65536)
	o.MaxOutputBytes = max(o.MaxOutputBytes, 2)
	o.MaxLogLineBytes = max(o.MaxLogLineBytes, 16)
	if o.DefaultTimeout <= 0 {
		o.DefaultTimeout = DefaultTimeout
	}
	o.limitDefaults()
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Resolver == nil {
		o.Resolver = net.DefaultResolver
	}
	return o
}

// Provider is the "wasm" provider. It implements core.Provider,
// core.ConfigValidator and core.Closer. It is safe for concurrent use.
type Provider struct {
	opts     Options
	log      *slog.Logger
	cache    wazero.CompilationCache
	cacheDir string
	filter   *addrFilter // special-purpose addresses, read-only
	calls    *callSlots  // a slot per guest call running, MaxConcurrentCalls
	closing  chan struct{}
	closed   atomic.Bool
	compiles atomic.Int64 // modules compiled, for the tests

	gate     sync.RWMutex   // orders enter against Close
	inflight sync.WaitGroup // checks and loads running

	mu       sync.Mutex // guards runtimes and modules
	runtimes map[uint32]*runtimeEntry
	modules  map[moduleKey]*moduleEntry

	pmu    sync.RWMutex
	probes map[string]*probe
}

var (
	_ core.Provider        = (*Provider)(nil)
	_ core.ConfigValidator = (*Provider)(nil)
	_ core.Closer          = (*Provider)(nil)
)

// ErrClosed is returned (and reported) once the provider is closed.
var ErrClosed = errors.New("wasmprobe: provider is closed")

// NewProvider returns a provider with the given options. It fails only when
// an explicitly set CacheDir cannot be used.
func NewProvider(ctx context.Context, opts Options) (*Provider, error) {
	o := opts.withDefaults()
	p := &Provider{
		opts:     o,
		log:      o.Logger,
		filter:   newAddrFilter(),
		calls:    newCallSlots(o.MaxConcurrentCalls),
		closing:  make(chan struct{}),
		runtimes: map[uint32]*runtimeEntry{},
		modules:  map[moduleKey]*moduleEntry{},
		probes:   map[string]*probe{},
	}
	switch dir := o.CacheDir; {
	case dir == "-" || o.DisableDiskCache:
		p.cache = wazero.NewCompilationCache()
	case dir != "":
		c, err := wazero.NewCompilationCacheWithDir(dir)
		if err != nil {
			return nil, fmt.Errorf("wasmprobe: cache dir %s: %w", dir, err)
		}
		p.cache, p.cacheDir = c, dir
	default:
		base, err := os.UserCacheDir()
		if err == nil {
			dir = filepath.Join(base, "vitals", "wasm")
			var c wazero.CompilationCache
			if c, err = wazero.NewCompilationCacheWithDir(dir); err == nil {
				p.cache, p.cacheDir = c, dir
			}
		}
		if p.cache == nil {
			p.log.LogAttrs(ctx, slog.LevelWarn, "wasm compile cache kept in memory only", slog.String("error", err.Error()))
			p.cache = wazero.NewCompilationCache()
		}
	}
	return p, nil
}

// Name returns "wasm".
func (p *Provider) Name() string { return Name }

// CacheDir returns the directory of the disk compilation cache, or "" when
// compiled modules are kept in memory only.
func (p *Provider) CacheDir() string { return p.cacheDir }

// ValidateConfig parses the component's config, then loads, compiles and
// validates its module, so that a bad module is refused when the component
// is added. Every error names its config key and, for the module, the file.
// It then starts one instance (start function and _initialize) under the
// component's timeout (Options.DefaultTimeout when it has none), so that a
// module that cannot start, such as a Go guest short of memory_pages, is
// refused here rather than at every check. The compiled module, the
// component's instance pool and that started instance are kept for Check.
func (p *Provider) ValidateConfig(c core.Component) error {
	return p.ValidateConfigContext(context.Background(), c)
}

// ValidateConfigContext is ValidateConfig under ctx: when ctx ends, loading
// and compiling the module stop (compiling is also bounded by the
// component's compile_timeout), and a compilation stopped this way leaves
// nothing in the compilation cache.
func (p *Provider) ValidateConfigContext(ctx context.Context, c core.Component) error {
	if !p.enter() {
		return ErrClosed
	}
	defer p.inflight.Done()
	pr, err := p.probeFor(ctx, c, false)
	if err != nil {
		return err
	}
	if err := pr.warm(c.Timeout); err != nil {
		p.drop(c.Name, pr)
		return err
	}
	return nil
}

// drop forgets pr if it is still the probe of component.
func (p *Provider) drop(component string, pr *probe) {
	p.pmu.Lock()
	if p.probes[component] == pr {
		delete(p.probes, component)
	}
	p.pmu.Unlock()
	pr.close()
}

// enter counts a call in flight, unless the provider is closed.
func (p *Provider) enter() bool {
	p.gate.RLock()
	defer p.gate.RUnlock()
	if p.closed.Load() {
		return false
	}
	p.inflight.Add(1)
	return true
}

// Check runs the component's probe once, under ctx's deadline (or
// Options.DefaultTimeout when ctx has none). A module that was not validated
// first is loaded here.
func (p *Provider) Check(ctx context.Context, c core.Component) core.Result {
	if !p.enter() {
		return core.Result{State: core.StateUnknown, Message: ErrClosed.Error(), Err: ErrClosed}
	}
	defer p.inflight.Done()
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, p.opts.DefaultTimeout)
		defer cancel()
	}
	pr, err := p.probeFor(ctx, c, true)
	if err != nil {
		return core.Result{State: core.StateUnknown, Message: err.Error(), Err: err}
	}
	return pr.check(ctx)
}

// Forget drops the state kept for a component (its instances), for an
// application that removed it. A later Check or ValidateConfig rebuilds it.
func (p *Provider) Forget(component string) {
	if !p.enter() {
		return
	}
	defer p.inflight.Done()
	p.pmu.Lock()
	pr := p.probes[component]
	delete(p.probes, component)
	p.pmu.Unlock()
	if pr != nil {
		pr.close()
	}
}

// Close closes every instance, runtime and compiled module and the
// compilation cache. Checks after Close report ErrClosed. Checks running
// when Close is called are waited for (a guest sleeping in WASI is woken
// at once; one computing runs until its deadline) until ctx is done: then
// Close returns ctx's error and the runtimes are closed in the background
// once the last check returns.
func (p *Provider) Close(ctx context.Context) error {
	p.gate.Lock()
	if p.closed.Load() {
		p.gate.Unlock()
		return nil
	}
	p.closed.Store(true)
	close(p.closing)
	p.gate.Unlock()
	drained := make(chan struct{})
	go func() {
		p.inflight.Wait()
		close(drained)
	}()
	select {
	case <-drained:
		return p.release(ctx)
	case <-ctx.Done():
		go func() {
			<-drained
			_ = p.release(context.Background())
		}()
		return fmt.Errorf("wasmprobe: close: checks still running: %w", ctx.Err())
	}
}

// release closes everything once no call is in flight.
func (p *Provider) release(ctx context.Context) error {
	p.pmu.Lock()
	probes := p.probes
	p.probes = map[string]*probe{}
	p.pmu.Unlock()
	for _, pr := range probes {
		pr.close()
	}
	p.mu.Lock()
	rts := p.runtimes
	p.runtimes = map[uint32]*runtimeEntry{}
	p.modules = map[moduleKey]*moduleEntry{}
	p.mu.Unlock()
	var errs []error
	for _, rt := range rts {
		if err := rt.r.Close(ctx); err != nil {
			errs = append(errs, err)
		}
	}
	if err := p.cache.Close(ctx); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// probeFor returns the probe of c, building it when c is new or its config
// changed. fromCheck: see load.
func (p *Provider) probeFor(ctx context.Context, c core.Component, fromCheck bool) (*probe, error) {
	p.pmu.RLock()
	pr := p.probes[c.Name]
	p.pmu.RUnlock()
	if pr != nil && sameConfig(pr.raw, c.Config) {
		return pr, nil
	}
	if p.closed.Load() {
		return nil, ErrClosed
	}
	pr, err := p.newProbe(ctx, c, fromCheck)
	if err != nil {
		return nil, err
	}
	p.pmu.Lock()
	old := p.probes[c.Name]
	if old != nil && sameConfig(old.raw, c.Config) {
		// Someone else built the same probe meanwhile: keep theirs.
		p.pmu.Unlock()
		pr.close()
		return old, nil
	}
	if p.closed.Load() {
		p.pmu.Unlock()
		pr.close()
		return nil, ErrClosed
	}
	p.probes[c.Name] = pr
	p.pmu.Unlock()
	if old != nil {
		old.close()
	}
	return pr, nil
}

// RunOnce checks one component with a provider of its own and closes it: the
// probe author's dev loop and the CLI. It returns an error when the
// component's config or module is refused; otherwise the check result.
// c.Timeout, when set, bounds the check.
func RunOnce(ctx context.Context, opts Options, c core.Component) (core.Result, error) {
	p, err := NewProvider(ctx, opts)
	if err != nil {
		return core.Result{}, err
	}
	defer p.Close(context.WithoutCancel(ctx))
	if c.Name == "" {
		c.Name = "probe"
	}
	if c.Provider == "" {
		c.Provider = Name
	}
	if err := p.ValidateConfigContext(ctx, c); err != nil {
		return core.Result{}, err
	}
	if c.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, c.Timeout)
		defer cancel()
	}
	return p.Check(ctx, c), nil
}
