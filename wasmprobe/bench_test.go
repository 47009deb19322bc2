package wasmprobe

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"

	"github.com/vitals-go/vitals/core"
)

// noopProvider returns a provider with the noop component validated.
func noopProvider(b *testing.B) (*Provider, core.Component) {
	p, _ := newProvider(b, Options{})
	c := component("noop", "noop", time.Minute)
	load(b, p, c)
	return p, c
}

// BenchmarkCheckWarm is a warm check of the noop probe through the whole
// provider path (config lookup, pool, input encoding, call with the deadline
// watched, output decoding), with one deadline context for all iterations.
func BenchmarkCheckWarm(b *testing.B) {
	p, c := noopProvider(b)
	ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
	defer cancel()
	b.ReportAllocs()
	for b.Loop() {
		if res := p.Check(ctx, c); res.State != core.StateUp {
			b.Fatal(res.Message)
		}
	}
}

// BenchmarkCheckWarmDeadlinePerCheck is BenchmarkCheckWarm with a new
// deadline context per check, as the engine makes one.
func BenchmarkCheckWarmDeadlinePerCheck(b *testing.B) {
	p, c := noopProvider(b)
	benchChecks(b, p, c, func(res core.Result) bool { return res.State == core.StateUp })
}

// BenchmarkCheckWarmParallel runs warm checks from GOMAXPROCS goroutines on
// one component (pool of 2).
func BenchmarkCheckWarmParallel(b *testing.B) {
	p, c := noopProvider(b)
	ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
	defer cancel()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if res := p.Check(ctx, c); res.State != core.StateUp {
				b.Error(res.Message)
				return
			}
		}
	})
}

// BenchmarkCallSlot is what the host-wide cap (MaxConcurrentCalls) adds to
// every check: taking and giving back a free call slot.
func BenchmarkCallSlot(b *testing.B) {
	p, _ := newProvider(b, Options{})
	ctx := context.Background()
	for b.Loop() {
		if !p.acquireCall(ctx) {
			b.Fatal("no slot")
		}
		p.releaseCall()
	}
}

// BenchmarkWazeroCall is the floor: a plain wazero call of the same export
// with a reused stack, with and without the deadline watch
// (WithCloseOnContextDone) that the provider needs.
func BenchmarkWazeroCall(b *testing.B) {
	bin, err := os.ReadFile(wasmFile("noop"))
	if err != nil {
		b.Fatal(err)
	}
	for _, watch := range []bool{true, false} {
		name := "close_on_context_done"
		if !watch {
			name = "unwatched"
		}
		b.Run(name, func(b *testing.B) {
			ctx := context.Background()
			r := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfig().WithCloseOnContextDone(watch))
			defer r.Close(ctx)
			wasi_snapshot_preview1.MustInstantiate(ctx, r)
			mod, err := r.InstantiateWithConfig(ctx, bin, wazero.NewModuleConfig().WithName("").WithStartFunctions())
			if err != nil {
				b.Fatal(err)
			}
			fn := mod.ExportedFunction("vitals_check")
			stack := make([]uint64, 1)
			cctx, cancel := context.WithTimeout(ctx, time.Hour)
			defer cancel()
			b.ReportAllocs()
			for b.Loop() {
				stack[0] = 0
				if err := fn.CallWithStack(cctx, stack); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkFirstCheck is the first check after start: a new provider, the
// module loaded (compiled, or read from the disk cache), instantiated and
// called once, for the noop probe and a Go guest, with a cold cache (an
// empty directory each time) and a warm one (filled beforehand).
func BenchmarkFirstCheck(b *testing.B) {
	modules := []struct{ name, path string }{{"noop", wasmFile("noop")}, {"go", ""}}
	for _, m := range modules {
		path := m.path
		if path == "" {
			path = buildGoGuest(b)
		}
		c := core.Component{Name: "first", Provider: Name, Timeout: time.Minute,
			Config: map[string]any{KeyModule: path, "mode": "ok"}}
		first := func(b *testing.B, dir string) {
			p, err := NewProvider(context.Background(), Options{CacheDir: dir})
			if err != nil {
				b.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			res := p.Check(ctx, c)
			cancel()
			if err := p.Close(context.Background()); err != nil {
				b.Fatal(err)
			}
			if res.State != core.StateUp {
				b.Fatalf("%s %q", res.State, res.Message)
			}
		}
		b.Run(m.name+"/cold", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				b.StopTimer()
				dir, err := os.MkdirTemp("", "vitals-bench-cache-")
				if err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				first(b, dir)
				b.StopTimer()
				os.RemoveAll(dir)
				b.StartTimer()
			}
		})
		b.Run(m.name+"/warm", func(b *testing.B) {
			dir := b.TempDir()
			first(b, dir)
			b.ReportAllocs()
			for b.Loop() {
				first(b, dir)
			}
		})
	}
}

// goNoop returns a provider with a component running the Go guest in its
// "noop" mode (decodes its input, returns up with no output), validated.
func goNoop(b *testing.B, name string, kv ...any) (*Provider, core.Component) {
	path := buildGoGuest(b)
	p, _ := newProvider(b, Options{})
	c := core.Component{Name: name, Provider: Name, Timeout: time.Minute,
		Config: map[string]any{KeyModule: path, "mode": "noop"}}
	for i := 0; i+1 < len(kv); i += 2 {
		c.Config[kv[i].(string)] = kv[i+1]
	}
	load(b, p, c)
	return p, c
}

// BenchmarkGoGuestWarm is a warm check of a noop Go guest through the whole
// provider path, with a new deadline per check as the engine makes it, next
// to the same check as a native Go provider (the input a probe gets, encoded
// and decoded, and an Up result): the cost of the sandbox is the difference.
func BenchmarkGoGuestWarm(b *testing.B) {
	b.Run("wasm", func(b *testing.B) {
		p, c := goNoop(b, "go-noop")
		benchChecks(b, p, c, func(res core.Result) bool { return res.State == core.StateUp })
	})
	b.Run("native", func(b *testing.B) {
		native := core.CheckerFunc(func(ctx context.Context) error {
			in, err := json.Marshal(map[string]any{"name": "go-noop", "config": map[string]any{"mode": "noop"}, "timeout_ms": 60000})
			if err != nil {
				return err
			}
			var v struct {
				Name   string         `json:"name"`
				Config map[string]any `json:"config"`
			}
			return json.Unmarshal(in, &v)
		}).Provider("native")
		c := core.Component{Name: "go-noop", Provider: "native", Timeout: time.Minute}
		benchChecks(b, native, c, func(res core.Result) bool { return res.State == core.StateUp })
	})
}

// BenchmarkGoGuestInstanceRSS reports the resident memory one pooled
// instance of the Go guest adds (rss-bytes/instance): it fills the pools of
// 16 components (pool_size 2) and divides the growth of VmRSS by the number
// of instances. Linux only (reads /proc/self/status).
func BenchmarkGoGuestInstanceRSS(b *testing.B) {
	const components, pool = 16, 2
	if _, err := os.Stat("/proc/self/status"); err != nil {
		b.Skip("needs /proc/self/status")
	}
	var perInstance float64
	for b.Loop() {
		p, _ := goNoop(b, "rss-warmup")
		ctx := context.Background()
		comps := make([]core.Component, components)
		for i := range comps {
			comps[i] = core.Component{Name: fmt.Sprintf("rss-%d", i), Provider: Name, Timeout: time.Minute,
				Config: map[string]any{KeyModule: buildGoGuest(b), "mode": "noop", KeyPoolSize: pool}}
			load(b, p, comps[i])
		}
		runtime.GC()
		before := vmRSS(b)
		var wg sync.WaitGroup
		for _, c := range comps {
			for range pool { // concurrent checks fill the whole pool
				wg.Go(func() {
					if res := p.Check(ctx, c); res.State != core.StateUp {
						b.Error(res.Message)
					}
				})
			}
		}
		wg.Wait()
		runtime.GC()
		perInstance = float64(vmRSS(b)-before) / (components * pool)
		if err := p.Close(ctx); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(perInstance, "rss-bytes/instance")
}

// vmRSS is the process's resident set size in bytes.
func vmRSS(b *testing.B) int64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		b.Fatal(err)
	}
	for line := range strings.Lines(string(data)) {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			if err != nil {
				b.Fatal(err)
			}
			return kb << 10
		}
	}
	b.Fatal("no VmRSS in /proc/self/status")
	return 0
}
