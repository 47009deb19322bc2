package core

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"runtime/debug"
	"time"
)

// startLoopLocked schedules ent's checks if the engine is running; e.mu
// must be held.
func (e *Engine) startLoopLocked(ent *entry) {
	if e.sched == nil || e.phase == PhaseStopped || ent.sched != nil {
		return
	}
	ent.sched = e.sched
	e.sched.add(ent, time.Now().Add(e.firstDelay(ent.comp.Interval)))
}

// jittered spreads d by ±jitter.
func (e *Engine) jittered(d time.Duration) time.Duration {
	j := e.set.jitter
	if j == 0 {
		return d
	}
	return time.Duration(float64(d) * (1 + j*(2*rand.Float64()-1)))
}

// firstDelay is the random delay before a component's first check: up to a
// tenth of its interval, at most 100ms; none without jitter.
func (e *Engine) firstDelay(interval time.Duration) time.Duration {
	if e.set.jitter == 0 {
		return 0
	}
	return time.Duration(rand.Int64N(int64(min(interval, time.Second)/10) + 1))
}

// scheduled runs ent's scheduled check that was due at ent.due and
// returns when the next one is due; ok is false when the engine is
// stopping. See nextDue; the first checks of a component that fails them
// are start-up retries (see WithRetry), each its backoff after the
// previous one started.
func (e *Engine) scheduled(ctx context.Context, ent *entry, slot *callerSlot) (next time.Time, ok bool) {
	if e.retrying(ent, ent.attempt) {
		res := e.run(ctx, ent, recordNone, slot)
		if callerEnded(ctx, res) {
			return time.Time{}, false
		}
		if res.Observed != StateUp && ent.attempt < e.set.retry.MaxRetries {
			ent.attempt++
			backoff := e.set.retry.backoff(ent.attempt)
			if f := e.set.retry.OnRetry; f != nil {
				f(ent.comp.Name, ent.attempt, backoff, res)
			}
			e.log.Info("vitals start-up retry", "component", ent.comp.Name, "attempt", ent.attempt, "backoff", backoff, "state", res.Observed.String(), "message", res.Message)
			began := res.Time
			if began.IsZero() {
				began = time.Now()
			}
			return began.Add(backoff), true
		}
		// The retries were failures in a row: they count toward fall.
		e.mu.Lock()
		ent.fails = max(ent.fails, ent.attempt)
		e.mu.Unlock()
		e.record(ent, res, recordLoop)
		ent.attempt = e.set.retry.MaxRetries + 1
	} else if res := e.run(ctx, ent, recordLoop, slot); callerEnded(ctx, res) {
		return time.Time{}, false
	}
	return e.nextDue(ent, time.Now()), true
}

// nextDue is when ent's next scheduled check is due, now being the end of
// its last. A component's second check is due at a random point between
// half an interval and an interval and a half after its first, and each
// later one an interval (jittered, if jitter is set) after the previous
// one was due, whatever its start waited for or its duration: so the
// checks of many components added together (at start, jitter 0) run
// spread evenly over the interval from their second on, rather than all
// at once every interval, and the time a check waits does not add up from
// one interval to the next. A check that ran past its next due time skips
// the ones it missed (no burst to catch up). See DESIGN.md, "The
// scheduler".
func (e *Engine) nextDue(ent *entry, now time.Time) time.Time {
	iv := ent.comp.Interval
	var next time.Time
	if ent.spread {
		next = ent.due.Add(e.jittered(iv))
	} else {
		next, ent.spread = ent.due.Add(iv/2+rand.N(iv)), true
	}
	if late := now.Sub(next); late > 0 {
		next = next.Add((late/iv + 1) * iv)
	}
	return next
}

// retrying reports whether ent is still in its start-up retry phase.
func (e *Engine) retrying(ent *entry, attempt int) bool {
	if e.set.retry.MaxRetries == 0 || attempt > e.set.retry.MaxRetries || ent.comp.Provider == TTLProviderName {
		return false
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	return !ent.status.Checked
}

// How run records a result.
type recordMode int

const (
	recordNone    recordMode = iota // return it only (start-up retries)
	recordNow                       // record and publish it at once (Run)
	recordLoop                      // a scheduled result: see record
	recordBatched                   // record it; publish within publishGap (RunAll)
	recordPushed                    // as recordLoop, from RecordResult (ttl.go)
)

// MaxResultStaleness bounds how long a scheduled result that changes no
// published state (the component's state is the same and it was checked
// before) waits for a snapshot to show it: such results are coalesced into
// at most one publication per MaxResultStaleness, because a publication
// is O(components) (see DESIGN.md, "Snapshot rebuild per result"). State
// changes, first results, Run, ForceCheck, Add, Update and Remove do not
// wait for it.
const MaxResultStaleness = 100 * time.Millisecond

// publishGap is the least time between two publications that state
// changes and RunAll's results cause: a burst of N of them (every
// component's first result, a round of ForceCheck) publishes once per gap
// rather than N times. A change waits at most publishGap; RunAll publishes
// at its end in any case.
const publishGap = 5 * time.Millisecond

// run checks ent once, joining a run already in flight rather than starting
// a second one, and records the result as mode says. Run and RunAll
// (recordNow, recordBatched) join only a run that started once they were
// called: one that started before may not see what changed since (a
// dependency back up, a fix deployed), so they wait for it to end and then
// check again, or join whichever run started meanwhile. A failure that
// comes with the caller's ctx ended (Run or ForceCheck canceled, the engine
// stopping) is returned but not recorded: it says nothing about the
// component. A run in flight of the definition ent replaced (Update) is
// waited for, not joined: ent's own definition is checked after it.
func (e *Engine) run(ctx context.Context, ent *entry, mode recordMode, slot *callerSlot) Result {
	asked := time.Now()
	fresh := mode == recordNow || mode == recordBatched
	rs := ent.runs
	rs.mu.Lock()
	for {
		if l := rs.last; fresh && l != nil && l.ent == ent && !l.started.Before(asked) {
			rs.mu.Unlock() // a run that started since, ended already
			return l.result
		}
		if rs.flight == nil {
			break
		}
		f := rs.flight
		if f.done == nil { // made by the first to wait: most runs have none
			f.done = make(chan struct{})
		}
		done := f.done
		rs.mu.Unlock()
		select {
		case <-done:
			if f.ent == ent && (!fresh || !f.started.Before(asked)) {
				return f.result
			}
		case <-ctx.Done():
			return e.interrupted(ent.comp, time.Now(), ctx.Err())
		}
		rs.mu.Lock()
	}
	f := &flight{ent: ent, started: time.Now()}
	rs.flight = f
	rs.mu.Unlock()

	res := e.execute(ctx, ent, f, slot)
	if cur, fresh := e.ttlFresh(ent, res); fresh {
		res = cur // a TTL component's pushed result stands
	} else if mode != recordNone && !callerEnded(ctx, res) {
		res = e.record(ent, res, mode)
	}
	f.result = res
	rs.mu.Lock()
	rs.flight, rs.last = nil, f
	done := f.done
	rs.mu.Unlock()
	if done != nil {
		close(done)
	}
	return res
}

// callerEnded reports whether res is a failure that the end of the caller's
// ctx may have caused, rather than the component's own timeout.
func callerEnded(ctx context.Context, res Result) bool {
	return ctx.Err() != nil && res.Failed()
}

func (e *Engine) interrupted(c Component, start time.Time, err error) Result {
	msg := "check canceled"
	if errors.Is(err, context.DeadlineExceeded) {
		msg = fmt.Sprintf("check timed out after %s", c.Timeout)
	}
	return Result{Component: c.Name, Observed: StateDown, State: StateDown, Message: msg, Err: err, Time: start, Duration: time.Since(start)}
}

// execute calls the provider under the concurrency bound and the component
// timeout. A provider that ignores its context is abandoned at the deadline
// (plus a short grace for it to report its own timeout) and counted in
// e.inflight until it returns; until then the next runs of a component of
// that name report that it is still busy instead of stacking up calls, even
// after the component was removed and added again: hung calls are bounded
// by the number of names.
func (e *Engine) execute(ctx context.Context, ent *entry, f *flight, slot *callerSlot) Result {
	c := ent.comp
	select {
	case e.sem <- struct{}{}:
	case <-ctx.Done():
		return e.interrupted(c, time.Now(), ctx.Err())
	}
	defer func() { <-e.sem }()
	start := time.Now() // the check starts once it may run

	p, ok := e.Provider(c.Provider)
	if !ok {
		return Result{Component: c.Name, Observed: StateUnknown, Time: start, Message: fmt.Sprintf("provider %q is not registered", c.Provider), Err: ErrNotFound}
	}
	key := callKey{c.Name, c.Provider}
	if running, ok := e.callStarted(key); !ok {
		return Result{Component: c.Name, Observed: StateDown, Time: start,
			Message: fmt.Sprintf("previous check is still running past its %s timeout (provider %q ignores its context)", c.Timeout, running),
			Err:     context.DeadlineExceeded}
	}
	cctx, cancel := context.WithTimeout(ctx, c.Timeout)
	defer cancel()
	f.callCtx, f.prov, f.key, f.called = cctx, p, key, make(chan struct{})
	e.inflight.Add(1)
	if slot == nil {
		go e.makeCall(f)
	} else {
		select {
		case e.slotCaller(ctx, slot).calls <- f:
		case <-ctx.Done(): // the engine stops; its caller may have ended
			e.callEnded(key)
			e.inflight.Done()
			return e.interrupted(c, start, ctx.Err())
		}
	}
	var res Result
	select {
	case <-f.called:
		res = f.call
	case <-cctx.Done():
		grace := time.NewTimer(e.set.timeoutGrace)
		select {
		case <-f.called:
			res = f.call
		case <-grace.C:
			res = e.interrupted(c, start, cctx.Err())
			if slot != nil {
				e.abandon(slot)
			}
		}
		grace.Stop()
	}
	select {
	case <-f.called: // the call is over: the run kept as the last needs none of it
		f.callCtx, f.prov = nil, nil
	default:
	}
	res.Component, res.Time, res.Duration = c.Name, start, time.Since(start)
	if res.Observed == StateDown && res.Message == "" && res.Err != nil {
		res.Message = res.Err.Error()
	}
	return res
}

// callProvider runs one provider check, a panic turned into a Down result.
// c is the entry's probe copy: a provider that modifies it (it must not)
// cannot change the engine's definition, nor what snapshots show.
func (e *Engine) callProvider(ctx context.Context, p Provider, c Component) (res Result) {
	defer func() {
		if r := recover(); r != nil {
			e.log.Error("vitals provider panicked", "component", c.Name, "provider", c.Provider, "panic", r, "stack", string(debug.Stack()))
			res = Result{Observed: StateDown, Message: fmt.Sprintf("provider %q panicked: %v", c.Provider, r), Err: fmt.Errorf("panic: %v", r)}
		}
	}()
	res = p.Check(ctx, c)
	res.Observed = res.State
	res.Details = e.set.details.limit(res.Details)
	return res
}

// record applies fall/rise hysteresis to a result, publishes it as mode
// says, queues it for the check store and emits an event when the
// published state changed, with the first snapshot that shows the change.
// A scheduled result (recordLoop) that changes the published state, or is
// the component's first, is published at once (at most every publishGap);
// any other waits at most MaxResultStaleness. A result for an entry that
// was removed or replaced meanwhile is dropped.
func (e *Engine) record(ent *entry, res Result, mode recordMode) Result {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.entries[ent.comp.Name] != ent || e.phase == PhaseStopped {
		return res
	}
	prev, first := ent.status.Result.State, !ent.status.Checked
	e.counts.checks++
	switch {
	case mode == recordPushed:
		ent.reported, ent.pushed = e.set.now(), true
		e.counts.pushed++
	case errors.Is(res.Err, ErrTTLExpired):
		e.counts.expired++
		ent.fails = max(ent.fails, ent.comp.Fall-1) // Down at once
	}
	if res.Failed() {
		e.counts.failures++
		ent.fails++
		ent.oks = 0
		res.Consecutive = ent.fails
	} else {
		ent.oks++
		ent.fails = 0
		res.Consecutive = ent.oks
	}
	res.State = e.nextState(ent, prev, res)
	ent.status = &ComponentStatus{Component: ent.comp, Result: res, Checked: true}
	if e.layout != nil {
		e.layout.set(ent)
	}
	if res.State != prev {
		e.pending = append(e.pending, Event{Component: ent.comp.Name, From: prev, To: res.State, Check: res})
		e.log.Info("vitals state change", "component", ent.comp.Name, "from", prev.String(), "to", res.State.String(), "message", res.Message)
	}
	switch {
	case mode == recordNow:
		e.publishLocked()
	case (mode == recordLoop || mode == recordPushed) && res.State == prev && !first:
		e.publishByLocked(time.Now().Add(MaxResultStaleness))
	default:
		e.publishByLocked(e.published.Add(publishGap))
	}
	e.writer.record(res)
	return res
}

// nextState is HAProxy's fall/rise: a healthy component turns to failing
// only after Fall failures in a row, a failing one recovers only after Rise
// successes in a row; Up and Degraded switch freely. From Unknown (the
// initial state of a component not started as Up) a success is published at
// once and failures only after Fall in a row, so a new component that fails
// its first checks stays Unknown (not ready, its message shown) until then.
func (e *Engine) nextState(ent *entry, prev State, res Result) State {
	switch {
	case prev == StateUnknown && !res.Failed():
		return res.Observed
	case prev == StateUnknown:
		if ent.fails >= ent.comp.Fall {
			return res.Observed
		}
		return StateUnknown
	case res.Failed():
		if !prev.Healthy() || ent.fails >= ent.comp.Fall {
			return res.Observed
		}
		return prev
	default:
		if prev.Healthy() || ent.oks >= ent.comp.Rise {
			return res.Observed
		}
		return prev
	}
}
