// Command basic is the Vitals demo: an echo app with Vitals added as one fx
// module. It serves GET /hello, checks that route over HTTP, a small TCP
// echo server over TCP and an in-memory jobs pipeline, prints the URLs to
// try, and on SIGTERM (or Ctrl-C) runs the lame-duck sequence, logging each
// step with its timing to stderr.
//
//	go run ./examples/basic                                   # 127.0.0.1:8080
//	go run ./examples/basic --config examples/basic/config.example.yaml
//	go run ./examples/basic --address 127.0.0.1:9090
//	VITALS_HEALTH__LAMEDUCK__PERIOD=0s go run ./examples/basic
//
// Layers: Vitals' defaults, this command's (defaults below), --config,
// VITALS_ variables, then --address.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/spf13/pflag"

	"github.com/vitals-go/vitals/fxmodule/config"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, pflag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "basic:", err)
		}
		os.Exit(1)
	}
}

// run parses the flags, loads the configuration and runs the app until
// SIGINT or SIGTERM (or the end of ctx) has taken it through the lame-duck
// sequence.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := pflag.NewFlagSet("basic", pflag.ContinueOnError)
	fs.SetOutput(stderr)
	file := fs.String("config", "", "YAML configuration `file` (keys: see README)")
	fs.String("address", "", "listen `address`, as 127.0.0.1:8080 (server.address)")
	debug := fs.Bool("debug", false, "also log fx's events (hooks, provides) and debug records")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg, err := config.Load(config.LoadOptions{
		Defaults: defaults(),
		File:     *file,
		Env:      true,
		Flags:    fs,
		FlagKeys: map[string]string{"address": "server.address"},
	})
	if err != nil {
		return fmt.Errorf("configuration:\n%w", err)
	}
	if cfg.Server.Address == "" {
		return errors.New("configuration: server.address: the demo needs an address to serve on")
	}
	level := slog.LevelInfo
	if *debug {
		level = slog.LevelDebug
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
	app := newApp(cfg, log, stdout)
	if err := app.Err(); err != nil {
		return err
	}
	startCtx, cancel := context.WithTimeout(ctx, app.StartTimeout())
	defer cancel()
	if err := app.Start(startCtx); err != nil {
		return err
	}
	select {
	case sig := <-app.Wait():
		log.Info("basic: stop requested", "signal", sig.Signal.String())
	case <-ctx.Done():
		log.Info("basic: stop requested", "cause", context.Cause(ctx))
	}
	begin := time.Now()
	stopCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), app.StopTimeout())
	defer cancel()
	err = app.Stop(stopCtx)
	log.Info("basic: stopped", "took", time.Since(begin), "error", err)
	return err
}

// defaults are the example's own defaults over Vitals' built-in ones.
//
// The lame-duck period and drain timeout are 5 s, half of Vitals' 10 s
// defaults, so that `kill -TERM` shows every step without a long wait: the
// demo runs behind no load balancer, so nothing needs the time to notice
// /ready failing. In production keep the 10 s default (HAProxy's default
// checks need up to 6 s plus a check to mark a server down; see DESIGN.md,
// "Default period 10 s").
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
		"health.metrics.enabled":        true,
		"health.checks": []any{
			map[string]any{"name": "pipeline", "provider": "jobs", "groups": []any{"readiness", "jobs"},
				"config": map[string]any{"checker": "pipeline"}},
		},
	}
}
