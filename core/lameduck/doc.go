// Package lameduck shuts a server down so that no client sees an error:
// on SIGTERM (or a Stop call) readiness starts failing at once while the
// server keeps serving for a period, long enough for load balancers to see
// it and route elsewhere; then the listener closes, in-flight requests
// drain, and stop hooks run.
//
// It depends on net/http only. Without fx:
//
//	engine, _ := core.New(...)
//	srv := &http.Server{Addr: ":8080", Handler: mux}
//	r, err := lameduck.NewRunner(lameduck.HTTPServer(srv, nil), lameduck.Config{
//		OnLameDuck: []func(){engine.EnterLameDuck},
//		OnStopped:  []func(context.Context) error{engine.Stop},
//		Logger:     slog.Default(),
//	})
//	if err != nil { ... }
//	return r.Run(ctx) // returns after SIGTERM, once everything is stopped
//
// With fx, OnStart calls Runner.Start and OnStop calls Runner.Stop with
// the OnStop context, whose deadline bounds the whole sequence.
//
// # Coming from the lame-duck seed package
//
// That package's Run(ctx, svr, options...) calls the server's Shutdown as
// soon as a signal arrives, so the listener closes at once, and gives
// Shutdown its period (default 3 s) before calling Close. Here that is a
// drain without a serving period:
//
//	seed                            this package
//	lameduck.Run(ctx, svr)          Run(ctx, svr, Config{DisablePeriod: true, DrainTimeout: 3 * time.Second})
//	Period(x)                       Config{DisablePeriod: true, DrainTimeout: x}
//	Signals(s...)                   Config{Signals: []os.Signal{s...}}
//	WithLogger(l), WithoutLogger()  Config{Logger: slog logger}, a nil Logger
//	Server (Serve/Shutdown/Close)   Server: the same three methods and contract
//	*LameDuckError{Expired, Err}    *LameDuckError{Expired, Err, After}
//	NewRunner(svr), Runner.Ready    NewRunner(svr, cfg), Runner.Ready
//
// To gain what this package adds, drop DisablePeriod: readiness fails at once
// (OnLameDuck: the engine's EnterLameDuck) while the server keeps serving
// for Period (DefaultPeriod), so that load balancers route elsewhere
// before the listener closes.
//
// A second signal differs: in the seed package it kills the process,
// in-flight requests included. Here it never kills anything: during the
// period it ends the period at once and the graceful drain follows,
// bounded by DrainTimeout as always (past it the server is closed hard and
// Run returns a *LameDuckError with Expired); after the period it is
// logged and ignored. A process that must die at once still can
// (SIGKILL; Kubernetes sends it after terminationGracePeriodSeconds).
package lameduck
