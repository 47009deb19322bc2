package fxmodule

import (
	"context"
	"log/slog"
	"net"
	"os"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/fx"
	"go.uber.org/fx/fxevent"

	"github.com/vitals-go/vitals/core"
	"github.com/vitals-go/vitals/echomw/echoroute"
	"github.com/vitals-go/vitals/fxmodule/assemble"
	"github.com/vitals-go/vitals/fxmodule/config"
	"github.com/vitals-go/vitals/fxmodule/lifecycle"
)

// Module is Vitals as one fx option:
//
//	fx.New(fxmodule.Module, ...)
//
// It provides the *config.Config (from the app's *koanf.Koanf, a supplied
// *config.LoadOptions, or defaults and VITALS_ variables), the
// *core.Engine (assemble.NewEngine), the *Gate and the
// *lifecycle.Runtime; collects the groups "vitals.checks",
// "vitals.providers" and "vitals.jobs"; registers the health routes (and
// /metrics, with health.metrics.enabled) on the app's *echo.Echo when
// there is one (it never provides one); and appends the Runtime's Start
// and Stop as a lifecycle hook. With server.address set the runtime also
// runs that *echo.Echo; with health.grpc.address, a gRPC health server;
// with health.notify.webhooks, a notifier. An app-provided
// *prometheus.Registry, if any, receives the metrics.
var Module = fx.Module("vitals",
	fx.Provide(
		provideConfig,
		provideEngine,
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

// engineParams are what the module's engine is made from.
type engineParams struct {
	fx.In

	Config    *config.Config
	Logger    *slog.Logger          `optional:"true"`
	Providers []core.Provider       `group:"vitals.providers"`
	Checks    []assemble.Check      `group:"vitals.checks"`
	Jobs      []assemble.JobsSource `group:"vitals.jobs"`
}

func provideEngine(p engineParams) (*core.Engine, error) {
	return assemble.NewEngine(p.Config, p.Logger, p.Providers, p.Checks, p.Jobs)
}

// runtimeParams are what the module's *lifecycle.Runtime is made from.
type runtimeParams struct {
	fx.In

	Config     *config.Config
	Engine     *core.Engine
	Echo       *echo.Echo    `optional:"true"` // run by the runtime with server.address
	Logger     *slog.Logger  `optional:"true"`
	Shutdowner fx.Shutdowner // stops the app when a lame-duck signal starts the sequence
	// Registry is the app's Prometheus registry, if it has one: with
	// health.metrics.enabled the metrics are registered there, else on a
	// registry of the runtime's own (never the global one).
	Registry *prometheus.Registry `optional:"true"`
}

func provideRuntime(p runtimeParams) (*lifecycle.Runtime, error) {
	opts := []lifecycle.Option{lifecycle.WithLogger(p.Logger), lifecycle.WithHeldReadiness()}
	if p.Registry != nil {
		opts = append(opts, lifecycle.WithRegistry(p.Registry))
	}
	if p.Echo != nil {
		e := p.Echo
		// So that echo's ListenerAddr reports the runtime's listener.
		opts = append(opts, lifecycle.WithServer(e.Server, func(ln net.Listener) { e.Listener = ln }))
	} else if p.Config.Server.Address != "" {
		return nil, errNoEcho(p.Config.Server.Address)
	}
	r, err := lifecycle.New(p.Config, p.Engine, opts...)
	if err != nil {
		return nil, err
	}
	r.NotifyStop(func() { _ = p.Shutdowner.Shutdown() })
	return r, nil
}

// registerParams are what the module's invoke uses.
type registerParams struct {
	fx.In

	Lifecycle fx.Lifecycle
	Config    *config.Config
	Runtime   *lifecycle.Runtime
	Engine    *core.Engine
	Gate      *Gate
	Logger    *slog.Logger `optional:"true"`
	Echo      *echo.Echo   `optional:"true"` // gets the routes, the metrics and Connection: close
}

// register mounts the health routes on the app's echo, if any, and
// appends the runtime's hook, with the gate opening readiness.
func register(p registerParams) error {
	if e := p.Echo; e != nil {
		if err := echoroute.RegisterWithConfig(e, p.Engine, assemble.HandlerConfig(p.Config)); err != nil {
			return err
		}
		if path, h := p.Runtime.Metrics(); h != nil {
			e.GET(path, echo.WrapHandler(h))
		}
		if p.Runtime.ClosesConnections() {
			e.Use(echo.WrapMiddleware(p.Runtime.ConnectionClose))
		}
	}
	log := p.Logger
	if log == nil {
		log = slog.Default()
	}
	rt, g := p.Runtime, p.Gate
	p.Lifecycle.Append(fx.Hook{
		OnStart: func(ctx context.Context) error {
			if err := rt.Start(ctx); err != nil {
				return err
			}
			if g.Watching() {
				log.Info("vitals: started; readiness opens once the whole app has started")
			} else {
				log.Warn("vitals: started; readiness opened without waiting for OnStart hooks after this one (use fxmodule.Options, or route fx's event logger through fxmodule.EventLogger, to wait for all)")
			}
			g.arm(rt.Open, rt.EnterLameDuck)
			return nil
		},
		OnStop: func(ctx context.Context) error {
			g.disarm()
			return rt.Stop(ctx)
		},
	})
	return nil
}
