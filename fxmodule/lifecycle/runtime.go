package lifecycle

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/vitals-go/vitals/core"
	"github.com/vitals-go/vitals/core/promhealth"
	"github.com/vitals-go/vitals/fxmodule/config"
)

// Runtime runs Vitals inside an application: it starts and stops the
// engine, runs the app's HTTP server when server.address is set (WithServer),
// opens readiness and takes the service through the lame-duck sequence on
// stop. Package fxmodule appends Start and Stop as one fx lifecycle hook;
// without fx, call them yourself, or call Run.
type Runtime struct {
	cfg    *config.Config
	engine *core.Engine
	mode   mode // who runs the app's server: ownServer or appServer
	hold   bool // Start leaves readiness closed: the caller calls Open
	log    *slog.Logger

	// Set by options, before New picks the mode.
	server    *http.Server
	listening func(net.Listener)

	registry *prometheus.Registry // nil: metrics off
	metrics  *promhealth.Metrics

	mu       sync.Mutex
	st       state
	grpc     *grpcServer // nil: no gRPC health server
	svc      *services   // what startServices started
	onSignal func()      // asks the app to stop when a lame-duck signal comes first
	// cancelWait ends Start's wait for readiness (health.wait_for_ready).
	cancelWait context.CancelCauseFunc
	lame       atomic.Bool // readiness fails: ConnectionClose answers "Connection: close"
}

// errLameDuckDuringStart ends a start still waiting for readiness.
var errLameDuckDuringStart = errors.New("the lame duck began (a signal, or stop) while waiting for readiness")

// Option configures a Runtime.
type Option func(*Runtime)

// WithServer gives the runtime the app's server to run at server.address
// (required when server.address is set, ignored otherwise): the runtime
// binds the address at Start, fills the server's zero limits with the
// server.* keys, serves srv.Handler and shuts it down in the lame-duck
// sequence. listening, if not nil, is told the bound listener before
// serving starts (fxmodule sets echo's Listener with it).
func WithServer(srv *http.Server, listening func(net.Listener)) Option {
	return func(r *Runtime) { r.server, r.listening = srv, listening }
}

// WithLogger sets the runtime's logger (default slog.Default()).
func WithLogger(log *slog.Logger) Option {
	return func(r *Runtime) {
		if log != nil {
			r.log = log
		}
	}
}

// WithRegistry registers the metrics (health.metrics.enabled) on reg, the
// app's registry, instead of a registry of the runtime's own. fxmodule
// passes the app's *prometheus.Registry when the app provides one.
func WithRegistry(reg *prometheus.Registry) Option {
	return func(r *Runtime) { r.registry = reg }
}

// WithHeldReadiness makes Start return with readiness still held: the
// caller opens it with Open once the rest of the app has started.
// fxmodule's Gate does so on fx's Started event.
func WithHeldReadiness() Option {
	return func(r *Runtime) { r.hold = true }
}

// New returns a runtime for engine, built from cfg (for instance with
// assemble.NewEngine). With cfg.Server.Address set, WithServer must give
// it the server to run.
//
// The runtime also runs what cfg turns on beside the engine: the webhook
// notifier (health.notify), the Prometheus metrics (health.metrics,
// registered here, on WithRegistry's registry or the runtime's own) and
// the gRPC health server (health.grpc.address).
func New(cfg *config.Config, engine *core.Engine, opts ...Option) (*Runtime, error) {
	if cfg == nil || engine == nil {
		return nil, fmt.Errorf("lifecycle: runtime needs a config and an engine")
	}
	r := &Runtime{cfg: cfg, engine: engine, log: slog.Default()}
	for _, opt := range opts {
		opt(r)
	}
	if cfg.Server.Address != "" && r.server == nil {
		return nil, fmt.Errorf("server.address: %q is set but the app provides no server to run there", cfg.Server.Address)
	}
	if cfg.Server.Address != "" {
		r.mode = &ownServer{rt: r, server: r.server, listening: r.listening}
	} else {
		r.mode = &appServer{rt: r}
	}
	if cfg.Secrets.Len() > 0 {
		r.log = slog.New(cfg.Secrets.Handler(r.log.Handler()))
	}
	if err := r.initMetrics(r.registry); err != nil {
		return nil, err
	}
	return r, nil
}

// Engine returns the engine the runtime runs.
func (r *Runtime) Engine() *core.Engine { return r.engine }

// Addr returns the address the runtime's server listens on, or nil when it
// runs none or has not started.
func (r *Runtime) Addr() net.Addr { return r.mode.addr() }

// Start binds the server's listener and the gRPC health server's (a bind
// error fails start), starts the notifier, the metrics and the gRPC health
// service, starts the engine with readiness held, serves, waits for the
// readiness group when health.wait_for_ready is set (failing with the
// *core.NotReadyError past it), and opens readiness (unless
// WithHeldReadiness). When it fails, whatever it started is stopped.
func (r *Runtime) Start(ctx context.Context) error {
	began := time.Now()
	r.mu.Lock()
	r.st = state{phase: phaseStarting}
	r.grpc, r.svc = nil, nil
	r.mu.Unlock()
	r.lame.Store(false)
	if err := r.mode.bind(); err != nil {
		return err
	}
	if err := r.listenGRPC(); err != nil {
		r.mode.unbind()
		return err
	}
	if err := r.startServices(); err != nil {
		r.mode.unbind()
		_ = r.stopGRPC(ctx)
		return err
	}
	if err := r.engine.Start(ctx); err != nil {
		r.mode.unbind()
		_ = r.stopGRPC(ctx)
		_ = r.stopServices(ctx)
		return fmt.Errorf("vitals: start engine: %w", err)
	}
	if err := r.mode.run(ctx); err != nil {
		return r.abort(ctx, err)
	}
	if wait := r.cfg.Health.WaitForReady; wait > 0 {
		// A lame-duck signal during the wait ends it: readiness cannot pass.
		sctx, stop := context.WithCancelCause(ctx)
		r.mu.Lock()
		r.cancelWait = stop
		if r.st.phase >= phaseLameDuck {
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
	if r.hold {
		r.log.Info("vitals: started; readiness held until Open", "took", time.Since(began))
		return nil
	}
	r.log.Info("vitals: started", "took", time.Since(began))
	r.Open()
	return nil
}

// Open opens readiness: the engine serves (core.Engine.Serve) and the
// readiness group may pass. Start calls it, unless WithHeldReadiness was
// given. It does nothing once the lame duck began or Stop was called.
func (r *Runtime) Open() {
	r.mu.Lock()
	if r.st.phase != phaseStarting {
		r.mu.Unlock()
		return
	}
	r.toLocked(phaseServing)
	r.mu.Unlock()
	r.engine.Serve()
	r.log.Info("vitals: serving: readiness may pass", "phase", r.engine.Phase().String())
}

// EnterLameDuck makes readiness fail now, as the beginning of Stop does;
// a lame-duck signal afterwards no longer asks the app to stop. fxmodule's
// Gate calls it when fx begins stopping, before Vitals' own OnStop hook.
func (r *Runtime) EnterLameDuck() { r.enter(phaseStopping) }

// abort undoes a Start that failed after the engine started.
func (r *Runtime) abort(ctx context.Context, cause error) error {
	r.log.Error("vitals: start failed; stopping what was started", "error", cause)
	r.mode.abort()
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
