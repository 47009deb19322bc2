package wasmprobe

import (
	"context"
	"os"
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
	if err := p.ValidateConfig(c); err != nil {
		b.Fatal(err)
	}
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
	b.ReportAllocs()
	for b.Loop() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		res := p.Check(ctx, c)
		cancel()
		if res.State != core.StateUp {
			b.Fatal(res.Message)
		}
	}
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
