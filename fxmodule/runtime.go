package fxmodule

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/vitals-go/vitals/core"
	"github.com/vitals-go/vitals/core/lameduck"
	"github.com/vitals-go/vitals/core/promhealth"
)

// Runtime runs Vitals inside an application: it starts and stops the
// engine, runs the app's echo server when server.address is set, opens
// readiness through the Gate and takes the service through the lame-duck
// sequence on stop. The module appends Start and Stop as one lifecycle
// hook; without fx, call them yourself.
type Runtime struct {
	cfg    *Config
	engine *core.Engine
	echo   *echo.Echo // nil: no server of ours
	gate   *Gate
	log    *slog.Logger

	registry *prometheus.Registry // nil: metrics off
	metrics  *promhealth.Metrics

	limitsOnce sync.Once // the server.* limits are applied to the app's server once

	mu       sync.Mutex
	grpc     *grpcServer // nil: no gRPC health server
	svc      *services   // what startServices started
	ln       net.Listener
	srv      *lameduck.HTTPAdapter
	runner   *lameduck.Runner
	opened   bool        // readiness was opened by this start
	lameAt   time.Time   // when readiness started failing; zero: not yet
	stopping bool        // Stop was called
	onSignal func()      // asks the app to stop when a lame-duck signal comes first
	sigs     *appSignals // the signals, when the app runs its own server
	sigSeen  bool        // a signal came since Start
	lame     atomic.Bool // in lame duck: ConnectionClose answers "Connection: close"
	// cancelWait ends Start's wait for readiness (health.wait_for_ready).
	cancelWait context.CancelCauseFunc
}

// errLameDuckDuringStart ends a start still waiting for readiness.
var errLameDuckDuringStart = errors.New("the lame duck began (a signal, or stop) while waiting for readiness")

// NewRuntime returns a runtime for engine. With cfg.Server.Address set, e
// must not be nil: the runtime serves it there. gate may be nil (readiness
// then opens when Start returns); log nil means slog.Default().
//
// The runtime also runs what cfg turns on beside the engine: the webhook
// notifier (health.notify), the Prometheus metrics (health.metrics,
// registered here, on WithRegistry's registry or the runtime's own) and
// the gRPC health server (health.grpc.address).
func NewRuntime(cfg *Config, engine *core.Engine, e *echo.Echo, gate *Gate, log *slog.Logger, opts ...RuntimeOption) (*Runtime, error) {
	if cfg == nil || engine == nil {
		return nil, fmt.Errorf("fxmodule: runtime needs a config and an engine")
	}
	if cfg.Server.Address != "" && e == nil {
		return nil, fmt.Errorf("server.address: %q is set but the app provides no *echo.Echo to serve", cfg.Server.Address)
	}
	if cfg.Server.Address == "" {
		e = nil
	}
	if gate == nil {
		gate = NewGate()
	}
	if log == nil {
		log = slog.Default()
	}
	if cfg.Secrets.Len() > 0 {
		log = slog.New(cfg.Secrets.Handler(log.Handler()))
	}
	var o runtimeOptions
	for _, opt := range opts {
		opt(&o)
	}
	r := &Runtime{cfg: cfg, engine: engine, echo: e, gate: gate, log: log}
	if err := r.initMetrics(o.registry); err != nil {
		return nil, err
	}
	return r, nil
}

// Engine returns the engine the runtime runs.
func (r *Runtime) Engine() *core.Engine { return r.engine }

// Addr returns the address the runtime's server listens on, or nil when it
// runs none or has not started.
func (r *Runtime) Addr() net.Addr {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.ln == nil {
		return nil
	}
	return r.ln.Addr()
}

// Start binds the server's listener and the gRPC health server's (a bind
// error fails start), starts the notifier, the metrics and the gRPC health
// service, starts the engine with readiness held, serves, waits for the
// readiness group when health.wait_for_ready is set (failing with the
// *core.NotReadyError past it), and arms the gate. When it fails, whatever
// it started is stopped.
func (r *Runtime) Start(ctx context.Context) error {
	began := time.Now()
	r.mu.Lock()
	r.opened, r.lameAt, r.stopping, r.sigSeen = false, time.Time{}, false, false
	r.grpc, r.svc = nil, nil
	r.mu.Unlock()
	r.lame.Store(false)
	if r.echo != nil {
		if err := r.listen(); err != nil {
			return err
		}
	}
	if err := r.listenGRPC(); err != nil {
		r.closeListener()
		return err
	}
	if err := r.startServices(); err != nil {
		r.closeListener()
		_ = r.stopGRPC(ctx)
		return err
	}
	if err := r.engine.Start(ctx); err != nil {
		r.closeListener()
		_ = r.stopGRPC(ctx)
		_ = r.stopServices(ctx)
		return fmt.Errorf("vitals: start engine: %w", err)
	}
	if r.echo != nil {
		if err := r.serve(ctx); err != nil {
			return r.abort(ctx, err)
		}
	} else {
		r.watchSignals() // the runner handles them when Vitals runs the server
	}
	if wait := r.cfg.Health.WaitForReady; wait > 0 {
		// A lame-duck signal during the wait ends it: readiness cannot pass.
		sctx, stop := context.WithCancelCause(ctx)
		r.mu.Lock()
		r.cancelWait = stop
		if !r.lameAt.IsZero() {
			stop(errLameDuckDuringStart)
		}
		r.mu.Unlock()
		wctx, cancel := context.WithTimeout(sctx, wait)
		err := r.engine.WaitForReady(wctx, core.GroupReadiness)
		cancel()
		r.mu.Lock()
		r.cancelWait = nil
		r.mu.Unlock()
		interrupted := errors.Is(context.Cause(sctx), errLameDuckDuringStart)
		stop(nil)
		switch {
		case interrupted:
			return r.abort(ctx, fmt.Errorf("vitals: start: %w", errLameDuckDuringStart))
		case err != nil:
			return r.abort(ctx, fmt.Errorf("health.wait_for_ready: not ready within %s: %w", wait, err))
		}
		r.log.Info("vitals: readiness group passing", "took", time.Since(began))
	}
	r.gate.arm(r.open, r.leave)
	if r.gate.Watching() {
		r.log.Info("vitals: started; readiness opens once the whole app has started", "took", time.Since(began))
	} else {
		r.log.Warn("vitals: started; readiness opened without waiting for OnStart hooks after this one (use fxmodule.Options, or route fx's event logger through fxmodule.EventLogger, to wait for all)", "took", time.Since(began))
	}
	return nil
}

// open opens readiness (the gate calls it).
func (r *Runtime) open() {
	r.mu.Lock()
	if r.stopping || !r.lameAt.IsZero() {
		r.mu.Unlock()
		return
	}
	r.opened = true
	r.mu.Unlock()
	r.engine.Serve()
	r.log.Info("vitals: serving: readiness may pass", "phase", r.engine.Phase().String())
}

// leave makes readiness fail when fx begins stopping (the gate calls it).
func (r *Runtime) leave() {
	r.mu.Lock()
	r.stopping = true
	r.mu.Unlock()
	r.enterLameDuck()
}

// signalled is the runner's OnLameDuck hook: when one of the lame-duck
// signals starts the sequence before fx began stopping, the app is asked
// to stop too.
func (r *Runtime) signalled() {
	r.mu.Lock()
	notify := r.onSignal
	if r.stopping {
		notify = nil
	}
	r.mu.Unlock()
	r.enterLameDuck()
	if notify != nil {
		r.log.Info("vitals: lame-duck signal: asking the app to stop")
		notify()
	}
}

// enterLameDuck makes readiness fail at once, the first time it is called.
func (r *Runtime) enterLameDuck() {
	r.mu.Lock()
	if !r.lameAt.IsZero() {
		r.mu.Unlock()
		return
	}
	r.lameAt = time.Now()
	r.lame.Store(true)
	if r.cancelWait != nil {
		r.cancelWait(errLameDuckDuringStart)
	}
	r.mu.Unlock()
	r.engine.EnterLameDuck()
	r.log.Info("vitals: lame duck: readiness fails from now on")
}

// abort undoes a Start that failed after the engine started.
func (r *Runtime) abort(ctx context.Context, cause error) error {
	r.log.Error("vitals: start failed; stopping what was started", "error", cause)
	r.mu.Lock()
	srv, runner := r.srv, r.runner
	r.mu.Unlock()
	if srv != nil {
		_ = srv.Close()
		if runner != nil {
			<-runner.Done()
		}
	}
	r.closeListener()
	if err := r.afterServer(ctx); err != nil {
		return fmt.Errorf("%w (and stopping: %v)", cause, err)
	}
	return cause
}

// NotifyStop sets f, called when one of health.lameduck.signals starts the
// lame-duck sequence of the runtime's server before Stop was called, so
// that the app stops too (the module passes fx's Shutdowner). f must not
// block.
func (r *Runtime) NotifyStop(f func()) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.onSignal = f
}
