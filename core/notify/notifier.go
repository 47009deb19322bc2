// Package notify posts the engine's state changes to webhooks.
//
// A Notifier subscribes to the engine's events and hands each one to every
// configured webhook. Each webhook has its own bounded queue and worker, so
// a slow or hanging receiver delays nobody else, and a full queue drops the
// notification (counted in Dropped and logged) rather than waiting: the
// engine and its checks never block on notifications. Each delivery is
// retried with exponential backoff and each attempt has a timeout.
package notify

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vitals-go/vitals/core"
)

// Notifier delivers state changes to webhooks. Create it with New, feed it
// with Run (a subscription to the engine) or Notify, and end it with Stop.
type Notifier struct {
	log       *slog.Logger
	cfg       Config
	client    *http.Client
	transport *http.Transport // ours, when cfg.Client is nil
	sinks     []*sink

	sent, failed, dropped atomic.Uint64

	mu      sync.RWMutex // guards the fields below; Notify holds it to send
	started bool
	closed  bool
	subs    []*core.Subscription
	quit    chan struct{} // closed by Stop: Run returns
	workers sync.WaitGroup
	abort   context.Context // canceled when Stop gives up
	cancel  context.CancelFunc
}

// New validates cfg and returns a notifier that logs to logger (nil:
// discard). No goroutine runs until Run or Notify.
func New(cfg Config, logger *slog.Logger) (*Notifier, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("notify: %w", err)
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	cfg = cfg.withDefaults()
	n := &Notifier{log: logger, cfg: cfg, client: cfg.Client, quit: make(chan struct{})}
	if n.client == nil {
		n.transport = http.DefaultTransport.(*http.Transport).Clone()
		n.client = &http.Client{Transport: n.transport}
	}
	n.abort, n.cancel = context.WithCancel(context.Background())
	for i, w := range cfg.Webhooks {
		n.sinks = append(n.sinks, newSink(i, w, cfg.QueueSize))
	}
	return n, nil
}

// Run delivers the events of sub until ctx ends (returning its error), sub
// is closed or Stop is called (returning nil). It does not close sub.
// Subscribe before the engine starts to see its first state changes:
//
//	sub := engine.Subscribe(cfg.QueueSize)
//	defer sub.Close()
//	go n.Run(ctx, sub)
//
// Events sub dropped because Run fell behind count in Dropped and are
// logged, with their number, at most once a second.
func (n *Notifier) Run(ctx context.Context, sub *core.Subscription) error {
	n.mu.Lock()
	closed := n.closed
	if !closed {
		n.subs = append(n.subs, sub)
		n.startLocked()
	}
	n.mu.Unlock()
	if closed {
		return nil
	}
	// Events the subscription dropped are logged at most once per
	// dropLogInterval, with how many, and once more when Run returns.
	tick := time.NewTicker(dropLogInterval)
	defer tick.Stop()
	var logged uint64
	logDrops := func() {
		if d := sub.Dropped(); d > logged {
			n.log.Warn("notify: state changes dropped: the notifier fell behind the engine", "dropped", d-logged, "total", d)
			logged = d
		}
	}
	defer logDrops()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-n.quit:
			return nil
		case <-tick.C:
			logDrops()
		case ev, ok := <-sub.C():
			if !ok {
				return nil
			}
			n.Notify(ev)
		}
	}
}

// dropLogInterval rate-limits the log of events the subscription dropped.
const dropLogInterval = time.Second

// Notify queues ev for every webhook without waiting: a webhook whose queue
// is full drops it. After Stop it drops every event.
func (n *Notifier) Notify(ev core.Event) {
	p := NewPayload(n.cfg.ServiceID, ev)
	n.mu.RLock()
	if n.closed {
		n.mu.RUnlock()
		n.dropped.Add(uint64(len(n.sinks)))
		return
	}
	if !n.started {
		n.mu.RUnlock()
		n.mu.Lock()
		n.startLocked()
		n.mu.Unlock()
		n.Notify(ev)
		return
	}
	defer n.mu.RUnlock()
	for _, s := range n.sinks {
		select {
		case s.queue <- p:
		default:
			n.dropped.Add(1)
			s.logDrop(n.log, p)
		}
	}
}

// startLocked starts the workers once; n.mu must be held.
func (n *Notifier) startLocked() {
	if n.started || n.closed {
		return
	}
	n.started = true
	for _, s := range n.sinks {
		n.workers.Add(1)
		go n.work(s)
	}
}

// Stop stops taking events and waits for the queued notifications to be
// delivered (retries included). When ctx ends first it cancels the
// deliveries in flight (counted in Failed), drops the queued ones (counted
// in Dropped) and returns ctx's error, wrapped.
// It is safe to call more than once.
func (n *Notifier) Stop(ctx context.Context) error {
	n.mu.Lock()
	if n.closed {
		n.mu.Unlock()
		return nil
	}
	n.closed = true
	close(n.quit)
	for _, s := range n.sinks {
		close(s.queue)
	}
	n.mu.Unlock()

	done := make(chan struct{})
	go func() { n.workers.Wait(); close(done) }()
	var err error
	select {
	case <-done:
	case <-ctx.Done():
		before := n.dropped.Load()
		n.cancel()
		<-done // workers return promptly once aborted
		err = fmt.Errorf("notify: stop: gave up, %d notifications undelivered: %w", n.dropped.Load()-before, ctx.Err())
	}
	n.cancel()
	if n.transport != nil {
		n.transport.CloseIdleConnections()
	}
	return err
}

// Sent returns how many deliveries (one event to one webhook) succeeded.
func (n *Notifier) Sent() uint64 { return n.sent.Load() }

// Failed returns how many deliveries failed after their last attempt.
func (n *Notifier) Failed() uint64 { return n.failed.Load() }

// Dropped returns how many deliveries were never attempted: queue full,
// abandoned by Stop, or events the subscription dropped (counted once per
// webhook).
func (n *Notifier) Dropped() uint64 {
	n.mu.RLock()
	defer n.mu.RUnlock()
	d := n.dropped.Load()
	for _, s := range n.subs {
		d += s.Dropped() * uint64(len(n.sinks))
	}
	return d
}
