package lifecycle

import (
	"cmp"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"sync"

	"github.com/vitals-go/vitals/core/lameduck"
	"github.com/vitals-go/vitals/fxmodule/config"
)

// ownServer is the mode where the runtime runs the app's server
// (server.address set): it binds the address at Start, serves under a
// lame-duck runner (with the gRPC health server, if any: both drain after
// the period), and the runner runs the sequence at Stop or on one of
// health.lameduck.signals.
type ownServer struct {
	rt         *Runtime
	server     *http.Server
	listening  func(net.Listener) // told the bound listener (fxmodule sets echo's Listener)
	limitsOnce sync.Once          // the server.* limits are applied to the app's server once

	mu     sync.Mutex
	ln     net.Listener
	srv    *lameduck.HTTPAdapter
	runner *lameduck.Runner
}

// bind binds server.address, so that a bind error fails start and
// "listening" is a fact once Start returns.
func (o *ownServer) bind() error {
	c := o.rt.cfg.Server
	ln, err := net.Listen("tcp", c.Address)
	if err != nil {
		return fmt.Errorf("server.address: %w", err)
	}
	if n := c.MaxConnections; n > 0 {
		ln = newConnLimiter(ln, n, connReserve(n))
	}
	o.mu.Lock()
	o.ln = ln
	o.mu.Unlock()
	if o.listening != nil {
		o.listening(ln)
	}
	return nil
}

// unbind closes the listener bind opened.
func (o *ownServer) unbind() {
	o.mu.Lock()
	ln := o.ln
	o.mu.Unlock()
	if ln != nil {
		_ = ln.Close()
	}
}

func (o *ownServer) addr() net.Addr {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.ln == nil {
		return nil
	}
	return o.ln.Addr()
}

// run serves the app's server on the bound listener under a lame-duck
// runner, whose sequence Stop runs.
func (o *ownServer) run(ctx context.Context) error {
	r := o.rt
	o.mu.Lock()
	ln := o.ln
	o.mu.Unlock()
	g, _ := r.running()
	o.limitsOnce.Do(func() { o.applyServerLimits(o.server) })
	srv := lameduck.HTTPServer(o.server, ln)
	var run lameduck.Server = srv
	if g != nil {
		run = servers{HTTPAdapter: srv, grpc: g} // both drain after the period
	}
	runner, err := lameduck.NewRunner(run, o.lameDuckConfig())
	if err != nil {
		return fmt.Errorf("health.lameduck: %w", err)
	}
	o.mu.Lock()
	o.srv, o.runner = srv, runner
	o.mu.Unlock()
	if err := runner.Start(ctx); err != nil {
		return fmt.Errorf("vitals: serve on %s: %w", ln.Addr(), err)
	}
	r.log.Info("vitals: server listening", "address", ln.Addr().String())
	return nil
}

// signalled is the runner's OnLameDuck hook: readiness fails, and when one
// of the lame-duck signals started the sequence before the app began
// stopping, the app is asked to stop too.
func (o *ownServer) signalled() {
	r := o.rt
	r.mu.Lock()
	notify := r.onSignal
	if r.st.phase == phaseStopping {
		notify = nil
	}
	r.mu.Unlock()
	r.enter(phaseLameDuck)
	if notify != nil {
		r.log.Info("vitals: lame-duck signal: asking the app to stop")
		notify()
	}
}

// stop runs the lame-duck sequence of the runner: the period (when
// readiness opened; none otherwise), the drain within
// health.lameduck.drain_timeout, then afterServer (the runner's OnStopped).
func (o *ownServer) stop(ctx context.Context, served bool) error {
	r := o.rt
	o.mu.Lock()
	runner, srv := o.runner, o.srv
	o.mu.Unlock()
	if runner == nil {
		return r.afterServer(ctx)
	}
	if !served {
		r.log.Info("vitals: stopping before readiness opened: no lame-duck period")
		dctx, cancel := context.WithTimeout(ctx, r.cfg.Health.LameDuck.DrainTimeout)
		_ = srv.Shutdown(dctx)
		cancel()
		_ = srv.Close()
		<-runner.Done()
		return r.afterServer(ctx)
	}
	return runner.Stop(ctx)
}

// abort closes the server and the listener after a failed start.
func (o *ownServer) abort() {
	o.mu.Lock()
	srv, runner := o.srv, o.runner
	o.mu.Unlock()
	if srv != nil {
		_ = srv.Close()
		if runner != nil {
			<-runner.Done()
		}
	}
	o.unbind()
}

// lameDuckConfig maps health.lameduck onto the runner: the engine enters
// lame duck when the sequence starts (readiness, and the gRPC health
// service, fail) and stops once the server has, then the services.
func (o *ownServer) lameDuckConfig() lameduck.Config {
	r := o.rt
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
		OnLameDuck:      []func(){o.signalled},
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
func (o *ownServer) applyServerLimits(srv *http.Server) {
	r := o.rt
	c := r.cfg.Server
	srv.ReadHeaderTimeout = cmp.Or(srv.ReadHeaderTimeout, c.ReadHeaderTimeout)
	srv.IdleTimeout = cmp.Or(srv.IdleTimeout, c.IdleTimeout)
	srv.ReadTimeout = cmp.Or(srv.ReadTimeout, c.ReadTimeout)
	srv.WriteTimeout = cmp.Or(srv.WriteTimeout, c.WriteTimeout)
	srv.MaxHeaderBytes = cmp.Or(srv.MaxHeaderBytes, c.MaxHeaderBytes)
	if c.MaxConnections > 0 {
		srv.ConnContext = markOverCap(srv.ConnContext)
		srv.Handler = limitHandler(srv.Handler, r.healthPaths())
	}
	r.log.Debug("vitals: server limits", "read_header_timeout", srv.ReadHeaderTimeout, "idle_timeout", srv.IdleTimeout,
		"read_timeout", srv.ReadTimeout, "write_timeout", srv.WriteTimeout, "max_header_bytes", srv.MaxHeaderBytes,
		"max_connections", c.MaxConnections)
}
