package fxmodule

import (
	"context"
	"fmt"
	"net"
	"os"

	"github.com/vitals-go/vitals/core/lameduck"
	"github.com/vitals-go/vitals/fxmodule/config"
)

// listen binds server.address, so that a bind error fails start and
// "listening" is a fact once Start returns.
func (r *Runtime) listen() error {
	ln, err := net.Listen("tcp", r.cfg.Server.Address)
	if err != nil {
		return fmt.Errorf("server.address: %w", err)
	}
	r.mu.Lock()
	r.ln = ln
	r.mu.Unlock()
	r.echo.Listener = ln // so that echo's ListenerAddr reports it
	return nil
}

func (r *Runtime) closeListener() {
	r.mu.Lock()
	ln := r.ln
	r.mu.Unlock()
	if ln != nil {
		_ = ln.Close()
	}
}

// serve runs the app's echo server on the bound listener under a lame-duck
// runner, whose sequence Stop runs.
func (r *Runtime) serve(ctx context.Context) error {
	r.mu.Lock()
	ln, g := r.ln, r.grpc
	r.mu.Unlock()
	srv := lameduck.HTTPServer(r.echo.Server, ln)
	var run lameduck.Server = srv
	if g != nil {
		run = servers{HTTPAdapter: srv, grpc: g} // both drain after the period
	}
	runner, err := lameduck.NewRunner(run, r.lameDuckConfig())
	if err != nil {
		return fmt.Errorf("health.lameduck: %w", err)
	}
	r.mu.Lock()
	r.srv, r.runner = srv, runner
	r.mu.Unlock()
	if err := runner.Start(ctx); err != nil {
		return fmt.Errorf("vitals: serve on %s: %w", ln.Addr(), err)
	}
	r.log.Info("vitals: server listening", "address", ln.Addr().String())
	return nil
}

// lameDuckConfig maps health.lameduck onto the runner: the engine enters
// lame duck when the sequence starts (readiness, and the gRPC health
// service, fail) and stops once the server has, then the services.
func (r *Runtime) lameDuckConfig() lameduck.Config {
	ld := r.cfg.Health.LameDuck
	sigs, _ := config.ParseSignals(ld.Signals) // validated with the config
	if sigs == nil {
		sigs = []os.Signal{}
	}
	cc := ld.ConnectionClose
	return lameduck.Config{
		Period:          ld.Period,
		SkipPeriod:      ld.Period == 0,
		DrainTimeout:    ld.DrainTimeout,
		Signals:         sigs,
		ConnectionClose: &cc,
		OnLameDuck:      []func(){r.signalled},
		OnStopped:       []func(context.Context) error{r.afterServer},
		Logger:          r.log,
	}
}
