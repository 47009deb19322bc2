package core

import (
	"sync"
	"sync/atomic"
)

// Event is a change of a component's published state.
type Event struct {
	// Component is the name of the component whose state changed.
	Component string `json:"component"`
	// From is the published state before the change.
	From State `json:"from"`
	// To is the published state after the change.
	To State `json:"to"`
	// Check is the result that caused the change.
	Check Result `json:"check"`
	// Snapshot is the engine's view right after the change; Snapshot.Healthy
	// lists the components to route to.
	Snapshot *Snapshot `json:"-"`
}

// DefaultSubscriptionBuffer is the channel buffer of Subscribe(0).
const DefaultSubscriptionBuffer = 64

// Subscription receives the engine's events on C. Delivery never blocks the
// engine: when the buffer is full the event is dropped for this subscriber
// and counted in Dropped; the latest state is always in the Snapshot.
type Subscription struct {
	c       chan Event
	dropped atomic.Uint64
	hub     *hub
}

// C returns the channel of events. It is closed by Close or by Engine.Stop.
func (s *Subscription) C() <-chan Event { return s.c }

// Dropped returns how many events this subscriber missed because its
// buffer was full.
func (s *Subscription) Dropped() uint64 { return s.dropped.Load() }

// Close unsubscribes and closes C. It is safe to call more than once.
func (s *Subscription) Close() { s.hub.remove(s) }

type hub struct {
	mu   sync.Mutex
	subs map[*Subscription]struct{}
	done bool
}

func (h *hub) add(buffer int) *Subscription {
	if buffer <= 0 {
		buffer = DefaultSubscriptionBuffer
	}
	s := &Subscription{c: make(chan Event, buffer), hub: h}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.done {
		close(s.c)
		return s
	}
	if h.subs == nil {
		h.subs = map[*Subscription]struct{}{}
	}
	h.subs[s] = struct{}{}
	return s
}

func (h *hub) remove(s *Subscription) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if _, ok := h.subs[s]; ok {
		delete(h.subs, s)
		close(s.c)
	}
}

func (h *hub) publish(ev Event) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for s := range h.subs {
		select {
		case s.c <- ev:
		default:
			s.dropped.Add(1)
		}
	}
}

func (h *hub) closeAll() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for s := range h.subs {
		close(s.c)
	}
	h.subs = nil
	h.done = true
}
