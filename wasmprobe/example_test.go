package wasmprobe_test

import (
	"context"
	"fmt"
	"time"

	"github.com/vitals-go/vitals/core"
	"github.com/vitals-go/vitals/wasmprobe"
)

// A probe compiled to WebAssembly is loaded by the wasm provider when its
// component is added (a bad module is an error there, not at the first
// check) and run under the check's deadline. The engine closes the provider
// when it stops.
func Example() {
	ctx := context.Background()
	p, err := wasmprobe.NewProvider(ctx, wasmprobe.Options{CacheDir: "-"}) // no disk cache
	if err != nil {
		fmt.Println(err)
		return
	}
	e, err := core.New(core.WithProviders(p))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer func() { _ = e.Stop(ctx) }()
	err = e.Add(ctx, core.Component{
		Name:     "orders",
		Provider: wasmprobe.Name,
		Config: map[string]any{
			wasmprobe.KeyModule: "../testdata/wasm/degraded.wasm",
			wasmprobe.KeyAllow:  []any{"https://orders.internal/health/"},
		},
		Timeout: 2 * time.Second,
		Fall:    1,
		Rise:    1,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	res, err := e.Check(ctx, "orders")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res.State, res.Message, res.Details)

	// A module that is not there is refused when the component is added.
	err = e.Add(ctx, core.Component{Name: "missing", Provider: wasmprobe.Name,
		Config: map[string]any{wasmprobe.KeyModule: "../testdata/wasm/no-such.wasm"}})
	fmt.Println(err != nil)
	// Output:
	// degraded slow map[latency_ms:1500]
	// true
}
