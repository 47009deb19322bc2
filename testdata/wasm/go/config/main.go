// Command config is a Go SDK probe that reports what its config tells it,
// to drive every status from a component config:
//
//	config: {state: up|degraded|down, message: "...", details: {...}, log: "..."}
//
// The default is up with message "config ok". An unknown state is a config
// error: down, with the reason. A log value is logged at info level with
// the component name and state. With message "" it is the SDK's noop probe
// (BenchmarkSDKGoGuestWarm).
//
//	GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -o config.wasm ./testdata/wasm/go/config
package main

import (
	"log/slog"

	"github.com/vitals-go/vitals/guest-sdk/go/probe"
)

type config struct {
	State   string         `json:"state"`
	Message string         `json:"message"`
	Details map[string]any `json:"details"`
	Log     string         `json:"log"`
}

func init() { probe.Register(check) }

func main() {}

func check(ctx probe.Context) probe.Result {
	cfg := config{State: "up", Message: "config ok"}
	if err := ctx.Config(&cfg); err != nil {
		return probe.Downf("%v", err)
	}
	if cfg.Log != "" {
		ctx.Log(slog.LevelInfo, cfg.Log, "component", ctx.Name(), "state", cfg.State)
	}
	r := probe.Result{Message: cfg.Message, Details: cfg.Details}
	switch cfg.State {
	case "up":
		r.Status = probe.Up
	case "degraded":
		r.Status = probe.Degraded
	case "down":
		r.Status = probe.Down
	default:
		return probe.Downf("config: state %q is not up, degraded or down", cfg.State)
	}
	return r
}
