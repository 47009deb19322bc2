package core

import (
	"context"
	"sync/atomic"
)

// caller makes the provider calls of one scheduler worker, one at a time,
// on a goroutine that outlives them: a goroutine per call would start with
// a small stack and grow it (copy it) in every dial, and be created and
// scheduled anew. A call that ignores its context past its deadline is
// abandoned with its caller (the worker starts another one); the stuck
// goroutine ends when the call returns. Calls from Check and CheckAll run
// on a goroutine each (execute).
type caller struct {
	calls chan *flight
	state atomic.Int32 // callerServing, then callerExited or callerAbandoned
}

// A caller counts in Engine.loops while serving; whichever of its exit and
// its abandonment comes first releases it.
const (
	callerServing int32 = iota
	callerExited
	callerAbandoned
)

// callerSlot is a worker's caller, nil until its first call or after one
// was abandoned.
type callerSlot struct{ cl *caller }

// slotCaller returns the slot's caller, starting one if needed.
func (e *Engine) slotCaller(ctx context.Context, slot *callerSlot) *caller {
	if slot.cl == nil {
		slot.cl = &caller{calls: make(chan *flight)}
		e.loops.Add(1)
		go e.serveCalls(ctx, slot.cl)
	}
	return slot.cl
}

func (e *Engine) serveCalls(ctx context.Context, cl *caller) {
	for {
		select {
		case f := <-cl.calls:
			e.makeCall(f)
			if cl.state.Load() == callerAbandoned {
				return // its worker has another caller; abandon released loops
			}
		case <-ctx.Done():
			if cl.state.CompareAndSwap(callerServing, callerExited) {
				e.loops.Done()
			}
			return
		}
	}
}

// abandon gives the slot's caller up: it is stuck in a call past the
// call's deadline. It no longer counts in Engine.loops (the call counts in
// Engine.inflight until it returns).
func (e *Engine) abandon(slot *callerSlot) {
	if slot.cl.state.CompareAndSwap(callerServing, callerAbandoned) {
		e.loops.Done()
	}
	slot.cl = nil
}

// makeCall makes f's provider call and reports it through f.called.
func (e *Engine) makeCall(f *flight) {
	defer e.inflight.Done()
	f.call = e.callProvider(f.callCtx, f.prov, f.ent.probe)
	// Not busy before the result is out: a run that follows this one at
	// once must not find the component still busy.
	e.callEnded(f.key)
	close(f.called)
}
