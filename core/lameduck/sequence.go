package lameduck

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

// sequence is one run of the lame-duck sequence.
type sequence struct {
	reason   string
	bySignal bool
	start    time.Time
	ctx      context.Context // the starter's context; cancelled when a joiner's ends
	cancel   context.CancelCauseFunc

	signals  atomic.Int32  // signals Run received after the sequence started
	inPeriod atomic.Bool   // the period is running
	skip     chan struct{} // closed to end the period now
	skipOnce sync.Once

	mu       sync.Mutex
	deadline time.Time     // earliest deadline of the callers; zero: none
	tighter  chan struct{} // signalled when deadline gets earlier

	done chan struct{}
	err  error
}

func newSequence(ctx context.Context, reason string, bySignal bool) *sequence {
	sctx, cancel := context.WithCancelCause(ctx)
	s := &sequence{
		reason:   reason,
		bySignal: bySignal,
		start:    time.Now(),
		ctx:      sctx,
		cancel:   cancel,
		skip:     make(chan struct{}),
		tighter:  make(chan struct{}, 1),
		done:     make(chan struct{}),
	}
	s.deadline, _ = ctx.Deadline()
	return s
}

// join makes the sequence respect a second caller's context too: an
// earlier deadline clamps it, and the context's end cuts it short. The
// returned func releases ctx.
func (s *sequence) join(ctx context.Context) (stop func() bool) {
	if d, ok := ctx.Deadline(); ok {
		s.mu.Lock()
		if s.deadline.IsZero() || d.Before(s.deadline) {
			s.deadline = d
			select {
			case s.tighter <- struct{}{}:
			default:
			}
		}
		s.mu.Unlock()
	}
	return context.AfterFunc(ctx, func() {
		s.cancel(fmt.Errorf("shutdown caller's context: %w", context.Cause(ctx)))
	})
}

func (s *sequence) currentDeadline() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.deadline
}

// endPeriod ends the period now.
func (s *sequence) endPeriod() { s.skipOnce.Do(func() { close(s.skip) }) }

// plan is how the sequence splits the time it has.
type plan struct {
	period, drain time.Duration
	// reserve is kept before the deadline for the OnStopped hooks.
	reserve time.Duration
	// budget is the time from the start of the sequence to the deadline.
	budget  time.Duration
	clamped bool
}

// makePlan fits the period and the drain timeout before deadline (zero:
// none). A tenth of the budget, at most 1 s, is kept for the OnStopped
// hooks. If the rest does not hold both, the drain keeps up to a quarter of
// it and the period gets the remainder: the period is what spares clients
// errors, the drain usually takes milliseconds.
func makePlan(period, drain time.Duration, start, deadline time.Time) plan {
	p := plan{period: period, drain: drain}
	if deadline.IsZero() {
		return p
	}
	p.budget = max(deadline.Sub(start), 0)
	p.reserve = min(p.budget/10, time.Second)
	avail := p.budget - p.reserve
	if period+drain <= avail {
		return p
	}
	p.clamped = true
	p.period = min(period, avail-min(drain, avail/4))
	p.drain = min(drain, avail-p.period)
	return p
}

func (r *Runner) plan(s *sequence, period time.Duration) plan {
	return makePlan(period, r.cfg.DrainTimeout, s.start, s.currentDeadline())
}

func (r *Runner) logClamp(p plan, period time.Duration) {
	if p.clamped {
		r.log.Warn("lameduck: period and drain timeout clamped to the context deadline",
			"period", p.period, "configured_period", period,
			"drain_timeout", p.drain, "configured_drain_timeout", r.cfg.DrainTimeout,
			"deadline_in", p.budget, "reserved_for_hooks", p.reserve)
	}
}

// signal handles a signal that Run received after the sequence started. A
// sequence started by a signal ends its period on the next one. One started
// by Shutdown ends it on the next one too, except for a first signal within
// SameSignalWindow of Shutdown: that is likely the very signal that made
// the caller (fx) call Shutdown.
func (s *sequence) signal(r *Runner, sig os.Signal) {
	n := s.signals.Add(1)
	switch {
	case !s.bySignal && n == 1 && time.Since(s.start) < SameSignalWindow:
		r.log.Info("lameduck: signal received right after Shutdown: taken for the one that caused it", "signal", sig.String())
	case s.inPeriod.Load():
		r.log.Info("lameduck: second signal: ending the lame-duck period now", "signal", sig.String(), "after", time.Since(s.start))
		s.endPeriod()
	default:
		r.log.Info("lameduck: signal ignored: the lame-duck period is over", "signal", sig.String())
	}
}

// sequence runs the lame-duck sequence s. serveDone is nil when Run has not
// started Serve.
func (r *Runner) sequence(s *sequence, serveDone <-chan struct{}) {
	defer close(s.done)
	defer s.cancel(nil)
	log := r.log
	log.Info("lameduck: lame duck started", "reason", s.reason)

	// 1. Readiness fails at once; keep-alive clients are told to reconnect.
	r.lameDuck.Store(true)
	t := time.Now()
	for _, h := range r.cfg.OnLameDuck {
		h()
	}
	log.Info("lameduck: OnLameDuck hooks ran", "hooks", len(r.cfg.OnLameDuck), "took", time.Since(t))
	if cc, ok := r.srv.(connectionCloser); ok && r.cfg.connectionClose() {
		cc.startConnectionClose()
		log.Info("lameduck: responses now say Connection: close")
	}

	// 2. The period: keep serving.
	serving := serveDone != nil && !isClosed(serveDone)
	r.period(s, serving, serveDone)

	// 3. Graceful shutdown, hard past the drain timeout.
	err := r.drain(s)
	if serving {
		select {
		case <-serveDone:
		case <-s.ctx.Done():
			log.Warn("lameduck: Serve has not returned after shutdown", "cause", context.Cause(s.ctx))
		}
	}

	// 4. OnStopped hooks.
	t = time.Now()
	errs := []error{err}
	for i, h := range r.cfg.OnStopped {
		if herr := h(s.ctx); herr != nil {
			log.Warn("lameduck: OnStopped hook failed", "hook", i, "error", herr)
			errs = append(errs, fmt.Errorf("lameduck: OnStopped[%d]: %w", i, herr))
		}
	}
	log.Info("lameduck: OnStopped hooks ran", "hooks", len(r.cfg.OnStopped), "took", time.Since(t))
	s.err = errors.Join(errs...)
	if s.err != nil {
		log.Warn("lameduck: lame duck over", "took", time.Since(s.start), "error", s.err)
	} else {
		log.Info("lameduck: lame duck over", "took", time.Since(s.start))
	}
}

func (r *Runner) period(s *sequence, serving bool, serveDone <-chan struct{}) {
	period := r.cfg.Period
	p := r.plan(s, period)
	r.logClamp(p, period)
	switch {
	case !serving:
		r.log.Info("lameduck: no lame-duck period: the server is not serving")
		return
	case p.period <= 0:
		r.log.Info("lameduck: no lame-duck period")
		return
	}
	s.inPeriod.Store(true)
	defer s.inPeriod.Store(false)
	r.log.Info("lameduck: serving through the lame-duck period", "period", p.period)
	timer := time.NewTimer(time.Until(s.start.Add(p.period)))
	defer timer.Stop()
	var why string
	for why == "" {
		select {
		case <-timer.C:
			why = "elapsed"
		case <-s.skip:
			why = "second signal"
		case <-s.tighter:
			p = r.plan(s, period)
			r.logClamp(p, period)
			timer.Reset(time.Until(s.start.Add(p.period)))
		case <-s.ctx.Done():
			why = fmt.Sprintf("context done: %v", context.Cause(s.ctx))
		case <-serveDone:
			why = "the server stopped serving"
		}
	}
	r.log.Info("lameduck: lame-duck period over", "reason", why, "took", time.Since(s.start))
}

func (r *Runner) drain(s *sequence) error {
	start := time.Now()
	deadline := start.Add(r.cfg.DrainTimeout)
	if d := s.currentDeadline(); !d.IsZero() {
		p := r.plan(s, r.cfg.Period)
		if limit := d.Add(-p.reserve); limit.Before(deadline) {
			deadline = limit
			r.log.Warn("lameduck: drain timeout clamped to the context deadline",
				"drain_timeout", max(deadline.Sub(start), 0), "configured_drain_timeout", r.cfg.DrainTimeout,
				"deadline_in", d.Sub(start), "reserved_for_hooks", p.reserve)
		}
	}
	timeout := max(deadline.Sub(start), 0)
	r.log.Info("lameduck: shutting down: listener closed, waiting for in-flight requests", "drain_timeout", timeout)
	ctx, cancel := context.WithDeadline(s.ctx, deadline)
	defer cancel()
	err := r.srv.Shutdown(ctx)
	took := time.Since(start)
	switch {
	case err == nil:
		r.log.Info("lameduck: drained", "took", took)
		return nil
	case ctx.Err() != nil:
		cerr := r.srv.Close()
		r.log.Warn("lameduck: drain expired: server closed hard",
			"after", took, "drain_timeout", timeout, "cause", context.Cause(ctx), "close_error", cerr)
		return &LameDuckError{Expired: true, After: took, Err: cerr}
	default:
		cerr := r.srv.Close()
		r.log.Error("lameduck: shutdown failed: server closed hard", "after", took, "error", err, "close_error", cerr)
		return &LameDuckError{After: took, Err: err}
	}
}

func isClosed(c <-chan struct{}) bool {
	select {
	case <-c:
		return true
	default:
		return false
	}
}
