package lifecycle

import (
	"net/http"
	"os"
	"os/signal"
	"sync"
	"time"

	"github.com/vitals-go/vitals/core/lameduck"
	"github.com/vitals-go/vitals/fxmodule/config"
)

// This file is the mode where the app runs its own server (server.address
// empty): Vitals cannot delay that server's shutdown, so it does what it
// can around it. It answers "Connection: close" on the app's server
// during the lame duck (health.lameduck.connection_close), and handles
// health.lameduck.signals itself: the first one starts the lame duck and,
// once the period is over, asks the app to stop (so the app's server
// serves through the period whatever the order of its hooks); a second
// one asks at once, or ends the period Stop is waiting.

// sameSignalWindow is how soon after stop began a signal is taken for the
// one that made the app stop (fx.App.Run receives SIGTERM and SIGINT too),
// rather than for a second one: as the lame-duck runner does.
const sameSignalWindow = lameduck.SameSignalWindow

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

// appSignals handles health.lameduck.signals when the app runs its own
// server. It lives from Start to the end of Stop.
type appSignals struct {
	ch      chan os.Signal
	done    chan struct{}
	cut     chan struct{} // closed by a second signal: the period ends
	cutOnce sync.Once
	wg      sync.WaitGroup
}

// watchSignals starts handling the configured signals; the runtime must
// run no server of its own.
func (r *Runtime) watchSignals() {
	sigs, _ := config.ParseSignals(r.cfg.Health.LameDuck.Signals) // validated with the config
	if len(sigs) == 0 {
		return
	}
	s := &appSignals{ch: make(chan os.Signal, 2), done: make(chan struct{}), cut: make(chan struct{})}
	signal.Notify(s.ch, sigs...)
	r.mu.Lock()
	r.sigs = s
	r.mu.Unlock()
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
				if t := r.appSignal(s, sig); t != nil {
					periodOver = t
				}
			}
		}
	})
}

// appSignal handles one signal; it returns a channel that fires when the
// period that the signal started is over, if it started one.
func (r *Runtime) appSignal(s *appSignals, sig os.Signal) <-chan time.Time {
	r.mu.Lock()
	first := r.lameAt.IsZero()
	opened, stopping, lameAt := r.opened, r.stopping, r.lameAt
	same := stopping && !r.sigSeen && time.Since(lameAt) < sameSignalWindow
	r.sigSeen = true
	r.mu.Unlock()
	switch {
	case first:
		r.log.Info("vitals: lame-duck signal", "signal", sig.String())
		r.enterLameDuck()
		if !opened || r.cfg.Health.LameDuck.Period <= 0 {
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

// askStop asks the app to stop (NotifyStop's func), unless it is stopping.
func (r *Runtime) askStop() {
	r.mu.Lock()
	notify := r.onSignal
	if r.stopping {
		notify = nil
	}
	r.mu.Unlock()
	if notify != nil {
		notify()
	}
}

// periodCut returns the channel a second signal closes; nil (never) when
// no signals are handled.
func (r *Runtime) periodCut() <-chan struct{} {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.sigs == nil {
		return nil
	}
	return r.sigs.cut
}

// stopSignals stops handling the signals.
func (r *Runtime) stopSignals() {
	r.mu.Lock()
	s := r.sigs
	r.sigs = nil
	r.mu.Unlock()
	if s == nil {
		return
	}
	signal.Stop(s.ch)
	close(s.done)
	s.wg.Wait()
}

// ClosesConnections reports whether ConnectionClose does anything: the app
// runs its own server and health.lameduck.connection_close is on.
func (r *Runtime) ClosesConnections() bool {
	return r.cfg.Server.Address == "" && r.cfg.Health.LameDuck.ConnectionClose
}
