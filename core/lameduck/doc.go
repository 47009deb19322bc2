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
package lameduck
