package wasmprobe

import (
	"context"
	"sync/atomic"
)

// callSlots bounds the guest calls running at once in one provider
// (Options.MaxConcurrentCalls). Taking a free slot is one atomic add, so
// the bound costs a warm check a few nanoseconds (a buffered channel used
// as a semaphore cost ≈40 ns, a tenth of the budget the warm call may
// regress by); only a call that finds every slot taken waits on freed.
type callSlots struct {
	max     int64
	used    atomic.Int64
	waiting atomic.Int64
	// freed holds one wake-up for the waiters: release leaves one when
	// someone waits, and a waiter that took a slot passes it on while
	// slots are free and others wait, so that no waiter sleeps past a
	// free slot.
	freed chan struct{}
}

func newCallSlots(n int) *callSlots {
	return &callSlots{max: int64(n), freed: make(chan struct{}, 1)}
}

// tryAcquire takes a slot if one is free.
func (s *callSlots) tryAcquire() bool {
	if s.used.Add(1) <= s.max {
		return true
	}
	s.used.Add(-1)
	return false
}

// acquire takes a slot, waiting until ctx is done or closing is closed;
// it reports whether it got one.
func (s *callSlots) acquire(ctx context.Context, closing <-chan struct{}) bool {
	if s.tryAcquire() {
		return true
	}
	s.waiting.Add(1)
	defer s.waiting.Add(-1)
	for {
		// Counted as waiting before trying: a release after this attempt
		// leaves a wake-up.
		if s.tryAcquire() {
			if ctx.Err() != nil { // freed too late to start a call
				s.release()
				return false
			}
			s.wakeNext()
			return true
		}
		select {
		case <-s.freed:
		case <-ctx.Done():
			return false
		case <-closing:
			return false
		}
	}
}

// release gives a slot back and wakes a waiter, if any.
func (s *callSlots) release() {
	s.used.Add(-1)
	if s.waiting.Load() > 0 {
		s.wake()
	}
}

// wakeNext passes a wake-up on when slots are still free and another
// call waits (two releases in a row leave one wake-up).
func (s *callSlots) wakeNext() {
	if s.waiting.Load() > 1 && s.used.Load() < s.max {
		s.wake()
	}
}

func (s *callSlots) wake() {
	select {
	case s.freed <- struct{}{}:
	default: // a wake-up is pending already
	}
}

// inUse is the number of slots taken.
func (s *callSlots) inUse() int { return int(s.used.Load()) }

// capacity is MaxConcurrentCalls.
func (s *callSlots) capacity() int { return int(s.max) }
