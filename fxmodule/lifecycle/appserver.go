package lifecycle

import (
	"context"
	"net"
	"net/http"
	"os"
	"os/signal"
	"sync"
	"time"

	"github.com/vitals-go/vitals/core/lameduck"
	"github.com/vitals-go/vitals/fxmodule/config"
)

// sameSignalWindow is how soon after stop began a signal is taken for the
// one that made the app stop (fx.App.Run receives SIGTERM and SIGINT too),
// rather than for a second one: as the lame-duck runner does.
const sameSignalWindow = lameduck.SameSignalWindow

// appServer is the mode where the app runs its own server (server.address
// empty): Vitals cannot delay that server's shutdown, so it does what it
// can around it. ConnectionClose answers "Connection: close" on the app's
// server during the lame duck (health.lameduck.connection_close), and
// appServer handles health.lameduck.signals itself: the first one starts
// the lame duck and, once the period is over, asks the app to stop (so
// the app's server serves through the period whatever the order of its
// hooks); a second one asks at once, or ends the period Stop is waiting.
type appServer struct {
	rt *Runtime

	mu   sync.Mutex
	sigs *appSignals // the signals handled from run to the end of stop
}

// appSignals handles health.lameduck.signals for one start.
type appSignals struct {
	ch      chan os.Signal
	done    chan struct{}
	cut     chan struct{} // closed by a second signal: the period ends
	cutOnce sync.Once
	seen    bool // a signal came (read and written by the watcher only)
	wg      sync.WaitGroup
}

func (a *appServer) bind() error    { return nil }
func (a *appServer) unbind()        {}
func (a *appServer) addr() net.Addr { return nil }

// run starts handling the configured signals.
func (a *appServer) run(context.Context) error {
	r := a.rt
	sigs, _ := config.ParseSignals(r.cfg.Health.LameDuck.Signals) // validated with the config
	if len(sigs) == 0 {
		return nil
	}
	s := &appSignals{ch: make(chan os.Signal, 2), done: make(chan struct{}), cut: make(chan struct{})}
	signal.Notify(s.ch, sigs...)
	a.mu.Lock()
	a.sigs = s
	a.mu.Unlock()
	s.wg.Go(func() {
		var periodOver <-chan time.Time // then the app is asked to stop
		for {
			select {
			case <-s.done:
				return
			case <-periodOver:
				periodOver = nil
				r.log.Info("vitals: lame-duck period over: asking the app to stop")
				r.askStop()
			case sig := <-s.ch:
				if t := a.signal(s, sig); t != nil {
					periodOver = t
				}
			}
		}
	})
	return nil
}

// signal handles one signal; it returns a channel that fires when the
// period that the signal started is over, if it started one.
func (a *appServer) signal(s *appSignals, sig os.Signal) <-chan time.Time {
	r := a.rt
	st := r.snapshot()
	first := st.phase < phaseLameDuck
	same := st.phase == phaseStopping && !s.seen && time.Since(st.lameAt) < sameSignalWindow
	s.seen = true
	switch {
	case first:
		r.log.Info("vitals: lame-duck signal", "signal", sig.String())
		r.enter(phaseLameDuck)
		if !st.served || r.cfg.Health.LameDuck.Period <= 0 {
			r.askStop()
			return nil
		}
		r.log.Info("vitals: serving through the lame-duck period before asking the app to stop", "period", r.cfg.Health.LameDuck.Period)
		return time.After(r.cfg.Health.LameDuck.Period)
	case same:
		r.log.Debug("vitals: signal taken for the one that stopped the app", "signal", sig.String())
		return nil
	default:
		r.log.Warn("vitals: second lame-duck signal: the period ends now", "signal", sig.String())
		s.cutOnce.Do(func() { close(s.cut) })
		r.askStop()
		return nil
	}
}

// stop waits what is left of the period when readiness opened (the app's
// server, if it stops after this, keeps serving meanwhile), stops handling
// the signals, then runs afterServer.
func (a *appServer) stop(ctx context.Context, served bool) error {
	if served {
		a.waitPeriod(ctx)
	}
	a.stopSignals()
	return a.rt.afterServer(ctx)
}

// abort stops handling the signals after a failed start.
func (a *appServer) abort() { a.stopSignals() }

// waitPeriod waits what is left of the lame-duck period since readiness
// started failing, keeping a tenth of the time ctx has left (at most 1s)
// for the engine to stop. A second signal ends it.
func (a *appServer) waitPeriod(ctx context.Context) {
	r := a.rt
	left := r.cfg.Health.LameDuck.Period - time.Since(r.snapshot().lameAt)
	if d, ok := ctx.Deadline(); ok {
		budget := time.Until(d)
		if limit := budget - min(budget/10, time.Second); left > limit {
			r.log.Warn("vitals: lame-duck period clamped to the stop deadline", "period", left, "clamped_to", limit)
			left = limit
		}
	}
	if left <= 0 {
		return
	}
	var cut <-chan struct{} // nil (never) when no signals are handled
	a.mu.Lock()
	if a.sigs != nil {
		cut = a.sigs.cut
	}
	a.mu.Unlock()
	r.log.Info("vitals: serving through the lame-duck period", "period", left)
	t := time.NewTimer(left)
	defer t.Stop()
	select {
	case <-t.C:
		r.log.Info("vitals: lame-duck period over")
	case <-ctx.Done():
		r.log.Warn("vitals: lame-duck period cut short", "cause", context.Cause(ctx))
	case <-cut:
		r.log.Warn("vitals: lame-duck period cut short by a second signal")
	}
}

// stopSignals stops handling the signals.
func (a *appServer) stopSignals() {
	a.mu.Lock()
	s := a.sigs
	a.sigs = nil
	a.mu.Unlock()
	if s == nil {
		return
	}
	signal.Stop(s.ch)
	close(s.done)
	s.wg.Wait()
}

// ConnectionClose is net/http middleware that answers HTTP/1 requests
// with "Connection: close" while the runtime is in lame duck, so that
// keep-alive clients reconnect through the load balancer. Wrap the app's
// handler with it when the app runs its own server; it returns next as it
// is when health.lameduck.connection_close is off or the runtime runs the
// server (the lame-duck runner does the same there). fxmodule adds it to
// the app's *echo.Echo.
func (r *Runtime) ConnectionClose(next http.Handler) http.Handler {
	if !r.ClosesConnections() {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if r.lame.Load() && req.ProtoMajor == 1 {
			w.Header().Set("Connection", "close")
		}
		next.ServeHTTP(w, req)
	})
}

// ClosesConnections reports whether ConnectionClose does anything: the app
// runs its own server and health.lameduck.connection_close is on.
func (r *Runtime) ClosesConnections() bool {
	return r.cfg.Server.Address == "" && r.cfg.Health.LameDuck.ConnectionClose
}
