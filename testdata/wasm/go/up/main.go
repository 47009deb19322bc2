// Command up is the smallest probe of the Go guest SDK: it logs a line and
// reports up with its component name and the time it had.
//
//	GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -o up.wasm ./testdata/wasm/go/up
package main

import (
	"log/slog"

	"github.com/vitals-go/vitals/guest-sdk/go/probe"
)

func init() { probe.Register(check) }

func main() {}

func check(ctx probe.Context) probe.Result {
	ctx.Log(slog.LevelInfo, "checking", "component", ctx.Name())
	return probe.Upf("sdk ok").With("name", ctx.Name()).With("timeout_ms", ctx.Timeout().Milliseconds())
}
