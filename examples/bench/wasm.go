package main

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"time"

	extism "github.com/extism/go-sdk"
	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"

	"github.com/vitals-go/vitals/core"
	"github.com/vitals-go/vitals/wasmprobe"
)

// extismNoop is plugin/noop.wat: an Extism plugin whose "noop" returns 0.
//
//go:embed plugin/noop.wasm
var extismNoop []byte

// vitalsNoop is the smallest Vitals probe (testdata/wasm/noop.wat), run
// from examples/bench.
const vitalsNoop = "../../testdata/wasm/noop.wasm"

// wasmLibs are the warm-call variants: Vitals' provider (the engine's path:
// a deadline per check, watched), Extism's Plugin.Call without and with a
// manifest timeout (which turns on wazero's WithCloseOnContextDone), and a
// bare wazero call of the Vitals noop's export without and with the watch.
var wasmLibs = []string{"vitals", "extism", "extism+timeout", "wazero", "wazero+closeOnCtxDone"}

// warmCall is one variant's call and what releases it.
type warmCall struct {
	call  func() error
	close func()
}

func newWarmCall(lib string, vitalsBin []byte) (*warmCall, error) {
	ctx := context.Background()
	switch lib {
	case "vitals":
		p, err := wasmprobe.NewProvider(ctx, wasmprobe.Options{CacheDir: "-"})
		if err != nil {
			return nil, err
		}
		c := core.Component{Name: "noop", Provider: wasmprobe.Name, Timeout: time.Minute, Config: map[string]any{wasmprobe.KeyModule: vitalsNoop}}
		if err := p.ValidateConfig(c); err != nil {
			return nil, err
		}
		return &warmCall{call: func() error {
			ctx, cancel := context.WithTimeout(ctx, c.Timeout)
			defer cancel()
			if res := p.Check(ctx, c); res.State != core.StateUp {
				return fmt.Errorf("vitals noop: %s %q", res.State, res.Message)
			}
			return nil
		}, close: func() { _ = p.Close(ctx) }}, nil
	case "extism", "extism+timeout":
		m := extism.Manifest{Wasm: []extism.Wasm{extism.WasmData{Data: extismNoop}}}
		if lib == "extism+timeout" {
			m.Timeout = 60000
		}
		p, err := extism.NewPlugin(ctx, m, extism.PluginConfig{}, nil)
		if err != nil {
			return nil, err
		}
		return &warmCall{call: func() error {
			rc, _, err := p.Call("noop", nil)
			if err == nil && rc != 0 {
				err = fmt.Errorf("extism noop returned %d", rc)
			}
			return err
		}, close: func() { _ = p.Close(ctx) }}, nil
	case "wazero", "wazero+closeOnCtxDone":
		watch := lib != "wazero"
		r := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfig().WithCloseOnContextDone(watch))
		mod, err := r.InstantiateWithConfig(ctx, vitalsBin, wazero.NewModuleConfig().WithName("").WithStartFunctions())
		if err != nil {
			return nil, err
		}
		fn := mod.ExportedFunction("vitals_check")
		stack := make([]uint64, 1)
		return &warmCall{call: func() error {
			cctx, cancel := ctx, context.CancelFunc(func() {})
			if watch {
				cctx, cancel = context.WithTimeout(ctx, time.Minute)
			}
			defer cancel()
			stack[0] = 0
			return fn.CallWithStack(cctx, stack)
		}, close: func() { _ = r.Close(ctx) }}, nil
	}
	return nil, fmt.Errorf("unknown wasm variant %q", lib)
}

// benchWasm: warm noop calls, the first call after start with an empty
// and a filled compile cache, and heap per instance.
func benchWasm(o opts, res *results) error {
	vitalsBin, err := os.ReadFile(vitalsNoop)
	if err != nil {
		return fmt.Errorf("%w (run from examples/bench)", err)
	}
	calls := map[string]*warmCall{}
	defer func() {
		for _, c := range calls {
			c.close()
		}
	}()
	for _, lib := range wasmLibs {
		if calls[lib], err = newWarmCall(lib, vitalsBin); err != nil {
			return fmt.Errorf("%s: %w", lib, err)
		}
	}
	firstLibs := []string{"vitals", "extism", "wazero"}
	for round := range o.rounds {
		for _, lib := range rotate(wasmLibs, round) {
			ns, allocs, err := loop(calls[lib].call, o.httpDur)
			if err != nil {
				return fmt.Errorf("%s: %w", lib, err)
			}
			res.add("wasm", "warm noop call", lib, "ns/call", ns)
			res.add("wasm", "warm noop call", lib, "allocs/call", allocs)
		}
		for _, lib := range rotate(firstLibs, round) {
			for _, filled := range []bool{false, true} {
				ms, err := firstCall(lib, vitalsBin, filled, o.coldRuns)
				if err != nil {
					return fmt.Errorf("%s first call: %w", lib, err)
				}
				cas := "first call, empty cache"
				if filled {
					cas = "first call, filled cache"
				}
				res.add("wasm", cas, lib, "ms", ms)
			}
		}
		for _, lib := range rotate(firstLibs, round) {
			heap, resident, err := perInstance(lib, vitalsBin, o.instances)
			if err != nil {
				return fmt.Errorf("%s instances: %w", lib, err)
			}
			res.add("wasm", "instances", lib, "heap KB/instance", heap)
			res.add("wasm", "instances", lib, "rss KB/instance", resident)
		}
	}
	return nil
}

// loop calls call in batches of 100 for d and returns the time and the
// allocations per call, or call's first error.
func loop(call func() error, d time.Duration) (ns, allocs float64, err error) {
	var m0, m1 runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m0)
	start, n := time.Now(), 0
	for time.Since(start) < d {
		for range 100 {
			if err := call(); err != nil {
				return 0, 0, err
			}
		}
		n += 100
	}
	el := time.Since(start)
	runtime.ReadMemStats(&m1)
	return float64(el.Nanoseconds()) / float64(n), float64(m1.Mallocs-m0.Mallocs) / float64(n), nil
}

// firstCall is the median time of runs first calls after start: a new
// host with a compile cache directory (empty, or filled by a call before),
// the module compiled or loaded, instantiated and called once.
func firstCall(lib string, vitalsBin []byte, filled bool, runs int) (float64, error) {
	ctx := context.Background()
	once := func(dir string) error {
		if lib == "vitals" {
			p, err := wasmprobe.NewProvider(ctx, wasmprobe.Options{CacheDir: dir})
			if err != nil {
				return err
			}
			defer p.Close(ctx)
			cctx, cancel := context.WithTimeout(ctx, time.Minute)
			defer cancel()
			c := core.Component{Name: "first", Provider: wasmprobe.Name, Config: map[string]any{wasmprobe.KeyModule: vitalsNoop}}
			if res := p.Check(cctx, c); res.State != core.StateUp {
				return fmt.Errorf("%s %q", res.State, res.Message)
			}
			return nil
		}
		cache, err := wazero.NewCompilationCacheWithDir(dir)
		if err != nil {
			return err
		}
		defer cache.Close(ctx)
		rc := wazero.NewRuntimeConfig().WithCompilationCache(cache)
		switch lib {
		case "extism":
			m := extism.Manifest{Wasm: []extism.Wasm{extism.WasmData{Data: extismNoop}}, Timeout: 60000}
			p, err := extism.NewPlugin(ctx, m, extism.PluginConfig{RuntimeConfig: rc}, nil)
			if err != nil {
				return err
			}
			defer p.Close(ctx)
			_, _, err = p.Call("noop", nil)
			return err
		case "wazero":
			r := wazero.NewRuntimeWithConfig(ctx, rc.WithCloseOnContextDone(true))
			defer r.Close(ctx)
			mod, err := r.InstantiateWithConfig(ctx, vitalsBin, wazero.NewModuleConfig().WithName("").WithStartFunctions())
			if err != nil {
				return err
			}
			cctx, cancel := context.WithTimeout(ctx, time.Minute)
			defer cancel()
			_, err = mod.ExportedFunction("vitals_check").Call(cctx, 0)
			return err
		}
		return fmt.Errorf("unknown variant %q", lib)
	}
	var times []float64
	for range runs {
		dir, err := os.MkdirTemp("", "bench-wasm-cache-")
		if err != nil {
			return 0, err
		}
		if filled {
			err = once(dir)
		}
		start := time.Now()
		if err == nil {
			err = once(dir)
		}
		times = append(times, float64(time.Since(start).Microseconds())/1000)
		os.RemoveAll(dir)
		if err != nil {
			return 0, err
		}
	}
	return median(times), nil
}

// perInstance is the live heap and resident memory k noop instances add,
// per instance: k components of one Vitals provider (pool of 1, each
// checked once), k instances of one compiled Extism plugin, k
// instantiations of one compiled wazero module.
func perInstance(lib string, vitalsBin []byte, k int) (heap, resident float64, err error) {
	ctx := context.Background()
	var keep []any
	var closeAll func()
	debug.FreeOSMemory()
	heap0, rss0 := heapAlloc(), rss()
	switch lib {
	case "vitals":
		p, err := wasmprobe.NewProvider(ctx, wasmprobe.Options{CacheDir: "-", PoolSize: 1})
		if err != nil {
			return 0, 0, err
		}
		closeAll = func() { _ = p.Close(ctx) }
		for i := range k {
			c := core.Component{Name: fmt.Sprintf("noop%04d", i), Provider: wasmprobe.Name, Timeout: time.Minute,
				Config: map[string]any{wasmprobe.KeyModule: vitalsNoop}}
			if res := p.Check(ctx, c); res.State != core.StateUp {
				closeAll()
				return 0, 0, fmt.Errorf("%s %q", res.State, res.Message)
			}
		}
	case "extism":
		m := extism.Manifest{Wasm: []extism.Wasm{extism.WasmData{Data: extismNoop}}, Timeout: 60000}
		cp, err := extism.NewCompiledPlugin(ctx, m, extism.PluginConfig{}, nil)
		if err != nil {
			return 0, 0, err
		}
		var plugins []*extism.Plugin
		closeAll = func() {
			for _, p := range plugins {
				_ = p.Close(ctx)
			}
			_ = cp.Close(ctx)
		}
		for range k {
			p, err := cp.Instance(ctx, extism.PluginInstanceConfig{})
			if err == nil {
				_, _, err = p.Call("noop", nil)
			}
			if err != nil {
				closeAll()
				return 0, 0, err
			}
			plugins = append(plugins, p)
		}
	case "wazero":
		r := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfig().WithCloseOnContextDone(true))
		closeAll = func() { _ = r.Close(ctx) }
		cm, err := r.CompileModule(ctx, vitalsBin)
		if err != nil {
			closeAll()
			return 0, 0, err
		}
		for range k {
			var mod api.Module
			mod, err = r.InstantiateModule(ctx, cm, wazero.NewModuleConfig().WithName("").WithStartFunctions())
			if err == nil {
				_, err = mod.ExportedFunction("vitals_check").Call(ctx, 0)
			}
			if err != nil {
				closeAll()
				return 0, 0, err
			}
			keep = append(keep, mod)
		}
	default:
		return 0, 0, errors.New("unknown variant " + lib)
	}
	debug.FreeOSMemory()
	heap1, rss1 := heapAlloc(), rss()
	runtime.KeepAlive(keep)
	closeAll()
	return float64(heap1-heap0) / 1024 / float64(k), float64(rss1-rss0) / 1024 / float64(k), nil
}
