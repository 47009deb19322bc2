package core

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
)

// DefaultStoreQueue is how many results wait for the check store at most
// by default (WithStoreQueue): at 10,000 components checked every 10 s,
// ten seconds of results, about 2 MB. When it is full, new results are
// dropped for the store (the snapshot still shows them) and counted.
const DefaultStoreQueue = 10000

// DefaultStoreWriteTimeout bounds one check store write by default
// (WithStoreQueue): the deadline of the context RecordResult and
// ForgetResults get.
const DefaultStoreWriteTimeout = 2 * time.Second

// storeLogEvery rate-limits the log lines of dropped and failed writes.
const storeLogEvery = 10 * time.Second

// StoreStats counts what happened to the results the engine handed to its
// check store (Engine.StoreStats).
type StoreStats struct {
	// Queued is the number of writes waiting now.
	Queued int
	// Dropped counts the results not written because the queue was full
	// (the store was slower than the checks).
	Dropped uint64
	// Failed counts the writes the store failed, deadline included.
	Failed uint64
}

type storeOpKind uint8

const (
	opRecord storeOpKind = iota
	opForget
	opBarrier
)

type storeOp struct {
	kind  storeOpKind
	check Result        // opRecord
	name  string        // opForget
	done  chan struct{} // opBarrier: closed once the writes before it are done
}

// storeWriter takes the check store off the check's critical path: results
// and forgets wait in a FIFO queue, written in order by one goroutine that
// runs while the queue is not empty. Records past the bound are dropped
// and counted; forgets are never dropped (one per Remove), so a removed
// component's history always goes. FIFO order is what keeps a result
// recorded before its component's Remove from outliving the forget.
//
// The engine's memory store (a *MemoryStore, the default) is written in
// place instead (inPlace): it only takes a mutex, never blocks, and
// queueing it would cost each check a goroutine wake-up for nothing.
type storeWriter struct {
	store   ResultStore
	inPlace bool // store is a *MemoryStore: written by record and forget themselves
	log     *slog.Logger
	max     int
	timeout time.Duration

	dropped atomic.Uint64
	failed  atomic.Uint64

	mu      sync.Mutex
	queue   []storeOp
	head    int
	records int  // opRecord in queue[head:]
	running bool // the drain goroutine runs
	logged  time.Time
}

func (w *storeWriter) record(c Result) {
	if w.inPlace {
		_ = w.store.RecordResult(context.Background(), c) // a MemoryStore never fails
		return
	}
	w.mu.Lock()
	if w.records >= w.max {
		w.mu.Unlock()
		n := w.dropped.Add(1)
		w.warn("vitals check store queue full, results dropped (the store is slower than the checks; see WithStoreQueue)",
			"component", c.Component, "dropped_total", n, "queue", w.max)
		return
	}
	w.records++
	w.pushLocked(storeOp{kind: opRecord, check: c})
}

func (w *storeWriter) forget(name string) {
	if w.inPlace {
		_ = w.store.ForgetResults(context.Background(), name)
		return
	}
	w.mu.Lock()
	w.pushLocked(storeOp{kind: opForget, name: name})
}

// pushLocked queues op, starting the drain goroutine if it is not running,
// and unlocks w.mu.
func (w *storeWriter) pushLocked(op storeOp) {
	w.queue = append(w.queue, op)
	start := !w.running
	w.running = true
	w.mu.Unlock()
	if start {
		go w.drain()
	}
}

// sync waits until the writes queued before it are done, or ctx ends.
func (w *storeWriter) sync(ctx context.Context) error {
	w.mu.Lock()
	if !w.running {
		w.mu.Unlock()
		return nil
	}
	done := make(chan struct{})
	w.pushLocked(storeOp{kind: opBarrier, done: done})
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("%d check store writes still queued: %w", w.stats().Queued, ctx.Err())
	}
}

func (w *storeWriter) stats() StoreStats {
	w.mu.Lock()
	q := len(w.queue) - w.head
	w.mu.Unlock()
	return StoreStats{Queued: q, Dropped: w.dropped.Load(), Failed: w.failed.Load()}
}

func (w *storeWriter) drain() {
	for {
		w.mu.Lock()
		if w.head == len(w.queue) {
			w.queue, w.head, w.running = w.queue[:0], 0, false
			w.mu.Unlock()
			return
		}
		op := w.queue[w.head]
		w.queue[w.head] = storeOp{}
		w.head++
		if op.kind == opRecord {
			w.records--
		}
		w.mu.Unlock()
		w.apply(op)
	}
}

func (w *storeWriter) apply(op storeOp) {
	if op.kind == opBarrier {
		close(op.done)
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), w.timeout)
	defer cancel()
	var err error
	name := op.name
	if op.kind == opRecord {
		name = op.check.Component
		err = w.store.RecordResult(ctx, op.check)
	} else {
		err = w.store.ForgetResults(ctx, op.name)
	}
	if err != nil {
		n := w.failed.Add(1)
		w.warn("vitals check store failed", "component", name, "error", err, "failed_total", n)
	}
}

// warn logs at most once per storeLogEvery.
func (w *storeWriter) warn(msg string, args ...any) {
	w.mu.Lock()
	now := time.Now()
	if now.Sub(w.logged) < storeLogEvery {
		w.mu.Unlock()
		return
	}
	w.logged = now
	w.mu.Unlock()
	w.log.Warn(msg, args...)
}
