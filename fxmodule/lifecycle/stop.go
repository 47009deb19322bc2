package lifecycle

import (
	"context"
	"time"
)

// Stop runs the lame-duck sequence: readiness fails at once (if
// EnterLameDuck has not made it fail already), the server keeps serving for
// health.lameduck.period, then shuts down gracefully within
// health.lameduck.drain_timeout (a *lameduck.LameDuckError with Expired
// past it), and the engine stops last. When the runtime runs no server it
// waits the period itself before stopping the engine, so that the app's
// server, if it stops after this hook, keeps serving meanwhile. If
// readiness never opened (start failed, or stop came first) there is no
// period. ctx's deadline bounds it all.
func (r *Runtime) Stop(ctx context.Context) error {
	r.mu.Lock()
	r.stopping = true
	opened, runner, srv := r.opened, r.runner, r.srv
	r.mu.Unlock()
	r.enterLameDuck()
	if runner != nil {
		if !opened {
			r.log.Info("vitals: stopping before readiness opened: no lame-duck period")
			dctx, cancel := context.WithTimeout(ctx, r.cfg.Health.LameDuck.DrainTimeout)
			_ = srv.Shutdown(dctx)
			cancel()
			_ = srv.Close()
			<-runner.Done()
			return r.afterServer(ctx)
		}
		return runner.Shutdown(ctx)
	}
	if opened {
		r.waitPeriod(ctx)
	}
	return r.afterServer(ctx)
}

// waitPeriod waits what is left of the lame-duck period since readiness
// started failing, keeping a tenth of the time ctx has left (at most 1s)
// for the engine to stop.
func (r *Runtime) waitPeriod(ctx context.Context) {
	r.mu.Lock()
	since := r.lameAt
	r.mu.Unlock()
	left := r.cfg.Health.LameDuck.Period - time.Since(since)
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
	r.log.Info("vitals: serving through the lame-duck period", "period", left)
	t := time.NewTimer(left)
	defer t.Stop()
	select {
	case <-t.C:
		r.log.Info("vitals: lame-duck period over")
	case <-ctx.Done():
		r.log.Warn("vitals: lame-duck period cut short", "cause", context.Cause(ctx))
	case <-r.periodCut():
		r.log.Warn("vitals: lame-duck period cut short by a second signal")
	}
}
