// Package fxmodule wires Vitals into an fx application that serves with
// echo: the configuration (package fxmodule/config, from a YAML file,
// VITALS_ environment variables, the app's koanf or a *config.Config it loaded
// itself), the check engine with the built-in http, tcp, jobs and wasm
// providers, the health routes on the app's *echo.Echo, the webhook
// notifier, Prometheus metrics and gRPC health, and the lame-duck
// shutdown.
//
// The whole of it is one option at the root of the app:
//
//	cfg, err := config.Load(config.LoadOptions{File: "vitals.yaml", Env: true})
//	...
//	fx.New(
//		fxmodule.Options(&fxevent.SlogLogger{Logger: log}), // Module + the gate's event logger
//		fxmodule.Supply(cfg),
//		fxmodule.Timeouts(cfg),
//		fx.Provide(newEcho),
//	).Run()
//
// Apps add their own checks, providers and jobs sources through the value
// groups "vitals.checks", "vitals.providers" and "vitals.jobs"
// (assemble.Check, core.Provider, assemble.JobsSource).
//
// With server.address set, the module runs the app's *echo.Echo itself, so
// that the lame-duck sequence (readiness fails, the server keeps serving
// for health.lameduck.period, then drains within
// health.lameduck.drain_timeout, then the engine stops) holds whatever the
// order of the app's modules. The Gate opens readiness once every OnStart
// hook has returned when fx's event logger goes through it (Options, or
// EventLogger).
//
// The package is thin fx glue. The work is done without fx by package
// fxmodule/assemble (the engine from the configuration, and Validate,
// which checks a configuration without starting anything) and package
// fxmodule/lifecycle (the Runtime: start, readiness, the lame-duck stop):
// a net/http app uses those two directly.
package fxmodule
