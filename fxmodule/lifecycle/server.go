package lifecycle

import (
	"context"
	"fmt"
	"net"
	"net/http"
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
	if n := r.cfg.Server.MaxConnections; n > 0 {
		ln = newConnLimiter(ln, n, connReserve(n))
	}
	r.mu.Lock()
	r.ln = ln
	r.mu.Unlock()
	if r.listening != nil {
		r.listening(ln)
	}
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

// serve runs the app's server on the bound listener under a lame-duck
// runner, whose sequence Stop runs.
func (r *Runtime) serve(ctx context.Context) error {
	r.mu.Lock()
	ln, g := r.ln, r.grpc
	r.mu.Unlock()
	r.limitsOnce.Do(func() { r.applyServerLimits(r.server) })
	srv := lameduck.HTTPServer(r.server, ln)
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

// applyServerLimits fills the fields of the app's *http.Server that the
// app left at zero with the server.* keys, so that no slow client can
// hold a connection for ever: read_header_timeout, idle_timeout,
// read_timeout and write_timeout (0s, off, by default), max_header_bytes.
// With max_connections, requests on connections past the cap are answered
// by limitHandler.
func (r *Runtime) applyServerLimits(srv *http.Server) {
	c := r.cfg.Server
	if srv.ReadHeaderTimeout == 0 {
		srv.ReadHeaderTimeout = c.ReadHeaderTimeout
	}
	if srv.IdleTimeout == 0 {
		srv.IdleTimeout = c.IdleTimeout
	}
	if srv.ReadTimeout == 0 {
		srv.ReadTimeout = c.ReadTimeout
	}
	if srv.WriteTimeout == 0 {
		srv.WriteTimeout = c.WriteTimeout
	}
	if srv.MaxHeaderBytes == 0 {
		srv.MaxHeaderBytes = c.MaxHeaderBytes
	}
	if c.MaxConnections > 0 {
		srv.ConnContext = markOverCap(srv.ConnContext)
		srv.Handler = limitHandler(srv.Handler, r.healthPath)
	}
	r.log.Debug("vitals: server limits", "read_header_timeout", srv.ReadHeaderTimeout, "idle_timeout", srv.IdleTimeout,
		"read_timeout", srv.ReadTimeout, "write_timeout", srv.WriteTimeout, "max_header_bytes", srv.MaxHeaderBytes,
		"max_connections", c.MaxConnections)
}
