// Command basic is the Vitals demo: an echo app with Vitals added as one fx
// module. It serves GET /hello, checks that route over HTTP, a small TCP
// echo server over TCP and an in-memory jobs pipeline, and on SIGTERM runs
// the lame-duck sequence, logging each step with its timing to stderr.
//
//	go run ./examples/basic                                   # 127.0.0.1:8080
//	go run ./examples/basic --config examples/basic/config.example.yaml
//	go run ./examples/basic --address 127.0.0.1:9090
//	VITALS_HEALTH__LAMEDUCK__PERIOD=0s go run ./examples/basic
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/spf13/pflag"

	"github.com/vitals-go/vitals/fxmodule"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, pflag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "basic:", err)
		}
		os.Exit(1)
	}
}

// run parses the flags, loads the configuration and runs the app until
// SIGINT or SIGTERM has taken it through the lame-duck sequence.
func run(args []string, stdout, stderr io.Writer) error {
	fs := pflag.NewFlagSet("basic", pflag.ContinueOnError)
	fs.SetOutput(stderr)
	file := fs.String("config", "", "YAML configuration `file` (keys: see README)")
	fs.String("address", "", "listen `address`, as 127.0.0.1:8080 (server.address)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg, err := fxmodule.LoadConfig(fxmodule.LoadOptions{
		Defaults: defaults(),
		File:     *file,
		Env:      true,
		Flags:    fs,
		FlagKeys: map[string]string{"address": "server.address"},
	})
	if err != nil {
		return fmt.Errorf("configuration:\n%w", err)
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))
	app := newApp(cfg, log, stdout)
	if err := app.Err(); err != nil {
		return err
	}
	startCtx, cancel := context.WithTimeout(context.Background(), app.StartTimeout())
	defer cancel()
	if err := app.Start(startCtx); err != nil {
		return err
	}
	sig := <-app.Wait()
	log.Info("basic: stop requested", "signal", sig.Signal.String())
	stopCtx, cancel := context.WithTimeout(context.Background(), app.StopTimeout())
	defer cancel()
	return app.Stop(stopCtx)
}

// defaults are the example's own defaults over Vitals' built-in ones.
func defaults() map[string]any {
	return map[string]any{
		"server.address":                "127.0.0.1:8080",
		"health.interval":               "2s",
		"health.check_timeout":          "1s",
		"health.details":                "always",
		"health.service.id":             "basic",
		"health.service.description":    "Vitals demo app",
		"health.lameduck.period":        "5s",
		"health.lameduck.drain_timeout": "5s",
		"health.checks": []any{
			map[string]any{"name": "pipeline", "provider": "jobs", "groups": []any{"readiness", "jobs"},
				"config": map[string]any{"checker": "pipeline"}},
		},
	}
}
