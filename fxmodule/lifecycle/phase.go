package lifecycle

import "time"

// phase is where a runtime is in its life. It only moves forward during
// one start (Start sets phaseStarting again). The zero phase is idle:
// never started.
type phase uint8

const (
	// phaseStarting: Start runs, or returned with readiness held
	// (WithHeldReadiness) and Open has not come yet.
	phaseStarting phase = iota + 1
	// phaseServing: readiness is open.
	phaseServing
	// phaseLameDuck: readiness fails because a lame-duck signal came; the
	// app is not stopping yet (the runtime asks it to, NotifyStop).
	phaseLameDuck
	// phaseStopping: the app is stopping (Stop, or EnterLameDuck when fx
	// begins stopping); readiness fails.
	phaseStopping
)

// state is the runtime's phase and what the phase moves recorded.
type state struct {
	phase phase
	// served: readiness opened during this start, so the lame duck has a
	// period (a runtime that never served has no traffic to drain).
	served bool
	// lameAt: when readiness started failing, set by the move into
	// phaseLameDuck or phaseStopping, whichever came first.
	lameAt time.Time
}

// toLocked moves the runtime forward to p (never back) and reports whether
// readiness started failing with this move. r.mu must be held.
func (r *Runtime) toLocked(p phase) (failing bool) {
	if p <= r.st.phase {
		return false
	}
	failing = r.st.phase < phaseLameDuck && p >= phaseLameDuck
	if failing {
		r.st.lameAt = time.Now()
	}
	if p == phaseServing {
		r.st.served = true
	}
	r.st.phase = p
	return failing
}

// enter moves the runtime to phaseLameDuck or phaseStopping. The first
// move into either makes readiness fail at once: the engine enters lame
// duck, ConnectionClose starts answering "Connection: close" and a Start
// waiting for readiness gives up.
func (r *Runtime) enter(p phase) {
	r.mu.Lock()
	failing := r.toLocked(p)
	if failing {
		r.lame.Store(true)
		if r.cancelWait != nil {
			r.cancelWait(errLameDuckDuringStart)
		}
	}
	r.mu.Unlock()
	if failing {
		r.engine.EnterLameDuck()
		r.log.Info("vitals: lame duck: readiness fails from now on")
	}
}

// snapshot returns the runtime's state.
func (r *Runtime) snapshot() state {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.st
}

// askStop asks the app to stop (NotifyStop's func), unless it is stopping
// already.
func (r *Runtime) askStop() {
	r.mu.Lock()
	notify := r.onSignal
	if r.st.phase == phaseStopping {
		notify = nil
	}
	r.mu.Unlock()
	if notify != nil {
		notify()
	}
}
