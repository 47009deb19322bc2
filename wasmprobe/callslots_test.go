package wasmprobe

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestCallSlotsWaiters checks the host-wide bound under contention: never
// more than max calls at once, every waiter gets a slot (none sleeps past
// a free one: the waiters' context is long), and a waiter whose context
// ends, or whose provider closes, gives up.
func TestCallSlotsWaiters(t *testing.T) {
	s := newCallSlots(2)
	closing := make(chan struct{})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var running, most, done atomic.Int64
	var wg sync.WaitGroup
	for range 50 {
		wg.Go(func() {
			for range 20 {
				if !s.acquire(ctx, closing) {
					t.Error("no slot within a minute")
					return
				}
				n := running.Add(1)
				for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
				}
				time.Sleep(10 * time.Microsecond)
				running.Add(-1)
				s.release()
				done.Add(1)
			}
		})
	}
	wg.Wait()
	if most.Load() > 2 || done.Load() != 1000 || s.inUse() != 0 {
		t.Fatalf("at most %d at once (max 2), %d calls (want 1000), %d slots left taken", most.Load(), done.Load(), s.inUse())
	}

	// all taken: a short deadline gives up, and so does closing
	for range 2 {
		if !s.acquire(ctx, closing) {
			t.Fatal("a free slot not taken")
		}
	}
	short, cancelShort := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancelShort()
	if s.acquire(short, closing) {
		t.Fatal("a third slot of 2")
	}
	close(closing)
	if s.acquire(ctx, closing) {
		t.Fatal("a slot after closing")
	}
	if s.inUse() != 2 {
		t.Fatalf("%d slots taken, want 2", s.inUse())
	}
}
