package fxmodule

import (
	"log/slog"
	"os"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/fx"
	"go.uber.org/fx/fxevent"

	"github.com/vitals-go/vitals/core"
)

// Module is Vitals as one fx option:
//
//	fx.New(fxmodule.Module, ...)
//
// It provides *Config (from the app's *koanf.Koanf, a supplied
// *LoadOptions, or defaults and VITALS_ variables), the *core.Engine, the
// echomw configuration, the *Gate and the *Runtime; collects the groups
// "vitals.checks", "vitals.providers" and "vitals.jobs"; registers the
// health routes (and /metrics, with health.metrics.enabled) on the app's
// *echo.Echo when there is one (it never provides one); and appends the
// Runtime's Start and Stop as a lifecycle hook. With server.address set it
// also runs that *echo.Echo; with health.grpc.address, a gRPC health
// server; with health.notify.webhooks, a notifier. An app-provided
// *prometheus.Registry, if any, receives the metrics.
var Module = fx.Module("vitals",
	fx.Provide(
		provideConfig,
		provideEngine,
		provideEchoConfig,
		NewGate,
		provideRuntime,
	),
	fx.Invoke(register),
	fx.Invoke(registerPprof),
)

// Options is Module with the app's fx event logger routed through the
// module's Gate, so that readiness opens once every OnStart hook of the
// app has returned (hooks appended after Vitals' included) and fails at
// the first OnStop hook. It replaces both fxmodule.Module and the app's
// fx.WithLogger, at the root of the app:
//
//	fx.New(fxmodule.Options(&fxevent.SlogLogger{Logger: log}), ...)
//
// next nil keeps fx's default logger (fxevent.ConsoleLogger on stderr).
// Do not nest it in an fx.Module: fx.WithLogger there only logs that
// module's events, and another fx.WithLogger at the root replaces this one
// (then Vitals logs a warning at start: readiness is not following the
// whole app).
func Options(next fxevent.Logger) fx.Option {
	if next == nil {
		next = &fxevent.ConsoleLogger{W: os.Stderr}
	}
	return fx.Options(Module, fx.WithLogger(EventLogger(next)))
}

// RuntimeParams are what the module's *Runtime is made from.
type RuntimeParams struct {
	fx.In

	// Config is the module's configuration.
	Config *Config
	// Engine is the module's engine.
	Engine *core.Engine
	// Gate opens readiness once the whole app has started.
	Gate *Gate
	// Echo is the app's server, if it has one.
	Echo *echo.Echo `optional:"true"`
	// Logger is the app's logger; slog.Default() when it provides none.
	Logger *slog.Logger `optional:"true"`
	// Shutdowner stops the app when a lame-duck signal starts the sequence.
	Shutdowner fx.Shutdowner
	// Registry is the app's Prometheus registry, if it has one: with
	// health.metrics.enabled the metrics are registered there, else on a
	// registry of the module's own (never the global one).
	Registry *prometheus.Registry `optional:"true"`
}

func provideRuntime(p RuntimeParams) (*Runtime, error) {
	var opts []RuntimeOption
	if p.Registry != nil {
		opts = append(opts, WithRegistry(p.Registry))
	}
	r, err := NewRuntime(p.Config, p.Engine, p.Echo, p.Gate, p.Logger, opts...)
	if err != nil {
		return nil, err
	}
	r.NotifyStop(func() { _ = p.Shutdowner.Shutdown() })
	return r, nil
}

// RegisterParams are what the module's invoke uses.
type RegisterParams struct {
	fx.In

	// Lifecycle receives the runtime's hook.
	Lifecycle fx.Lifecycle
	// Runtime is the module's runtime.
	Runtime *Runtime
	// Engine serves the health routes.
	Engine *core.Engine
	// EchoConfig configures the health routes.
	EchoConfig EchoConfig
	// Echo is the app's server, if it has one: the routes (and the
	// metrics, and Connection: close when the app runs it) go there.
	Echo *echo.Echo `optional:"true"`
}

// register mounts the health routes on the app's echo, if any, and
// appends the runtime's hook.
func register(p RegisterParams) error {
	if p.Echo != nil {
		if err := RegisterRoutes(p.Echo, p.Engine, p.EchoConfig); err != nil {
			return err
		}
		p.Runtime.RegisterMetrics(p.Echo)
		if p.Runtime.connectionCloseOn() {
			p.Echo.Use(p.Runtime.ConnectionClose())
		}
	}
	p.Lifecycle.Append(fx.Hook{OnStart: p.Runtime.Start, OnStop: p.Runtime.Stop})
	return nil
}
