package core

import (
	"container/heap"
	"context"
	"sync"
	"time"
)

// scheduler runs the scheduled checks of a started engine: one queue of
// components ordered by when each is due (Engine.nextDue), one goroutine
// that hands due components to workers, and up to the concurrency bound of
// workers that check them and queue them again. Goroutines and timers do
// not grow with the number of components. Components due at the same
// instant are handed out in the order they were first scheduled. See
// DESIGN.md, "The scheduler".
type scheduler struct {
	e    *Engine
	ctx  context.Context
	base time.Time     // the origin of entry.dueKey
	work chan *entry   // due components, to a worker
	wake chan struct{} // a component was queued ahead of the first

	mu      sync.Mutex
	queue   dueQueue
	seq     uint64 // the order of first scheduling, to break ties
	workers int    // started, at most the concurrency bound
}

func newScheduler(e *Engine, ctx context.Context) *scheduler {
	return &scheduler{e: e, ctx: ctx, base: time.Now(), work: make(chan *entry), wake: make(chan struct{}, 1)}
}

// add queues ent's first check at due.
func (s *scheduler) add(ent *entry, due time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seq++
	ent.seq = s.seq
	s.pushLocked(ent, due)
}

// requeue queues ent's next check at due, unless ent was stopped (removed,
// replaced or the engine stopping) meanwhile.
func (s *scheduler) requeue(ent *entry, due time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !ent.stopped() {
		s.pushLocked(ent, due)
	}
}

func (s *scheduler) pushLocked(ent *entry, due time.Time) {
	ent.due, ent.dueKey = due, due.Sub(s.base) // monotonic: a wall clock step reorders nothing
	heap.Push(&s.queue, ent)
	if ent.index == 0 { // now the first: the dispatcher may sleep too long
		select {
		case s.wake <- struct{}{}:
		default:
		}
	}
}

// remove takes ent out of the queue, if it is there (a worker may hold it:
// requeue then drops it, since ent.stop is closed before remove).
func (s *scheduler) remove(ent *entry) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if ent.index >= 0 {
		heap.Remove(&s.queue, ent.index)
	}
}

// dispatchTick is the grain of the dispatcher's clock: it wakes for a
// scheduled check at the first multiple of dispatchTick (from the
// scheduler's start) at or after the check is due, so that the checks due
// within one tick share one wake-up of the process, and a component whose
// interval is a multiple of the tick (without jitter) starts its checks
// the same time past their due time every round (they stay an interval
// apart). A check is never
// handed out early; it waits at most a tick. See BENCHMARKS.md for what
// the tick costs and saves.
const dispatchTick = 25 * time.Millisecond

// dispatch hands due components to workers until the engine stops.
func (s *scheduler) dispatch() {
	defer s.e.loops.Done()
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	var due []*entry
	for {
		due = due[:0]
		wait := time.Hour
		at := time.Since(s.base)
		s.mu.Lock()
		for len(s.queue) > 0 {
			if next := s.queue[0].dueKey; next > at {
				tick := (next + dispatchTick - 1) / dispatchTick * dispatchTick
				wait = tick - at
				break
			}
			due = append(due, heap.Pop(&s.queue).(*entry))
		}
		s.mu.Unlock()
		for i, ent := range due {
			if !s.hand(ent) {
				clear(due[i:])
				return
			}
		}
		clear(due) // no entry kept alive by the slice's backing array
		timer.Reset(wait)
		select {
		case <-s.ctx.Done():
			return
		case <-s.wake:
			timer.Stop() // since Go 1.23, no stale tick is left to drain
		case <-timer.C:
		}
	}
}

// hand gives ent to an idle worker, or to a new one while there are fewer
// than the concurrency bound, or else waits for one to be idle. It returns
// false when the engine stopped first.
func (s *scheduler) hand(ent *entry) bool {
	select {
	case s.work <- ent:
		return true
	default:
	}
	if s.workers < cap(s.e.sem) {
		s.workers++
		s.e.loops.Add(1)
		go s.worker(ent)
		return true
	}
	select {
	case s.work <- ent:
		return true
	case <-s.ctx.Done():
		return false
	}
}

// worker checks the components it is handed, first, then those of the
// work channel, until the engine stops.
func (s *scheduler) worker(first *entry) {
	defer s.e.loops.Done()
	var slot callerSlot
	for ent := first; ; {
		// Removed after the dispatcher took it from the queue: no check.
		if !ent.stopped() {
			if next, ok := s.e.scheduled(s.ctx, ent, &slot); ok {
				s.requeue(ent, next)
			}
		}
		select {
		case <-s.ctx.Done():
			return
		case ent = <-s.work:
		}
	}
}

// dueQueue is a min-heap of entries by due time, then by the order they
// were first scheduled.
type dueQueue []*entry

func (q dueQueue) Len() int { return len(q) }

func (q dueQueue) Less(i, j int) bool {
	if q[i].dueKey != q[j].dueKey {
		return q[i].dueKey < q[j].dueKey
	}
	return q[i].seq < q[j].seq
}

func (q dueQueue) Swap(i, j int) {
	q[i], q[j] = q[j], q[i]
	q[i].index, q[j].index = i, j
}

func (q *dueQueue) Push(x any) {
	ent := x.(*entry)
	ent.index = len(*q)
	*q = append(*q, ent)
}

func (q *dueQueue) Pop() any {
	old := *q
	n := len(old) - 1
	ent := old[n]
	old[n] = nil
	ent.index = -1
	*q = old[:n]
	return ent
}
