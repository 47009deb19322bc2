// Command panic is a hostile Go SDK probe: its function panics. The SDK
// does not recover it, so the host sees a trap and reports the check
// Unknown, with the panic message in the stderr detail.
//
//	GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -o panic.wasm ./testdata/wasm/go/panic
package main

import (
	"github.com/vitals-go/vitals/guest-sdk/go/probe"
)

func init() { probe.Register(check) }

func main() {}

func check(ctx probe.Context) probe.Result {
	var m map[string]int
	m[ctx.Name()]++ // assignment to entry in nil map
	return probe.Upf("survived a nil map write")
}
