package core

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Engine runs providers against components in the background and publishes
// the results as an immutable Snapshot. Create it with New; nothing runs
// until Start, and Stop ends every goroutine it started.
type Engine struct {
	log      *slog.Logger
	set      settings
	comps    ComponentStore // nil: none (the engine's entries are all there is)
	checks   ResultStore
	writer   storeWriter // the queue in front of checks
	sem      chan struct{}
	provs    registry[Provider]
	funcMu   sync.Mutex // serializes AddFunc and Remove around func providers
	hub      hub
	snap     atomic.Pointer[Snapshot]
	loops    sync.WaitGroup // the scheduler's goroutines
	inflight sync.WaitGroup // provider calls, abandoned ones included
	callsMu  sync.Mutex
	calls    map[string]string // component name: provider of its running call

	mu      sync.Mutex // guards the fields below and snapshot publication
	entries map[string]*entry
	layout  *layout // of entries; nil when they changed since the last publication

	published time.Time   // of the current snapshot
	stale     bool        // results recorded after it, not yet published
	due       time.Time   // when pubTimer publishes them; zero: not armed
	pubTimer  *time.Timer // runs flush at due
	pending   []Event     // state changes to emit with the next snapshot
	phase     Phase
	runCtx    context.Context
	cancel    context.CancelFunc
	sched     *scheduler    // nil until Start
	changed   chan struct{} // closed and replaced on every publication
	counts    counters      // for Stats
}

// New returns an engine with the given options. It fails, naming the
// option, provider or component, when any is invalid.
func New(opts ...Option) (*Engine, error) {
	s := defaultSettings()
	for _, o := range opts {
		if err := o(&s); err != nil {
			return nil, prefixed(err)
		}
	}
	mem := NewMemoryStore(s.history)
	e := &Engine{
		log:     s.logger,
		set:     s,
		comps:   s.components,
		checks:  s.checks,
		sem:     make(chan struct{}, s.concurrency),
		entries: map[string]*entry{},
		changed: make(chan struct{}),
	}
	if e.checks == nil {
		e.checks = mem
	}
	_, inPlace := e.checks.(*MemoryStore)
	e.writer = storeWriter{store: e.checks, inPlace: inPlace, log: e.log, max: s.storeQueue, timeout: s.storeTimeout}
	e.provs.add(TTLProviderName, ttlProvider{e})
	for _, p := range s.providers {
		if err := e.RegisterProvider(p); err != nil {
			return nil, err
		}
	}
	if err := errors.Join(e.AddAll(context.Background(), s.initial)...); err != nil {
		return nil, err
	}
	e.mu.Lock()
	e.publishLocked()
	e.mu.Unlock()
	return e, nil
}

// RegisterProvider makes p available to components under p.Name(). Names
// are unique per engine.
func (e *Engine) RegisterProvider(p Provider) error {
	if p == nil {
		return errors.New("core: provider is nil")
	}
	name := p.Name()
	if !namePattern.MatchString(name) && !isFuncProvider(name) {
		return fmt.Errorf("core: provider name %q is not valid", name)
	}
	if !e.provs.add(name, p) {
		return fmt.Errorf("core: provider %q is already registered", name)
	}
	return nil
}

// Provider returns the provider registered under name.
func (e *Engine) Provider(name string) (Provider, bool) {
	return e.provs.get(name)
}

// Logger returns the engine's logger, for components built around it.
func (e *Engine) Logger() *slog.Logger { return e.log }

// Snapshot returns the latest published snapshot. It never blocks and never
// runs a check.
func (e *Engine) Snapshot() *Snapshot { return e.snap.Load() }

// History returns up to n of the latest results of a component from the
// check store, oldest first, once the results queued for the store before
// the call are written (or ctx ends: then with an error).
func (e *Engine) History(ctx context.Context, component string, n int) ([]Result, error) {
	if err := e.writer.sync(ctx); err != nil {
		return nil, fmt.Errorf("core: history: %w", err)
	}
	return e.checks.History(ctx, component, n)
}

// StoreStats returns the counts of the check store queue: writes waiting,
// results dropped because the queue was full, writes the store failed.
func (e *Engine) StoreStats() StoreStats { return e.writer.stats() }

// Subscribe returns a subscription to state-change events with the given
// buffer (DefaultSubscriptionBuffer when <= 0). See Subscription for what
// happens when a subscriber falls behind.
func (e *Engine) Subscribe(buffer int) *Subscription { return e.hub.add(buffer) }

// Start loads components from the component store, starts the scheduler
// (every component's first check at once) and moves to PhaseServing
// (PhaseStarting with WithServingGate). It returns at once; ctx only bounds the store read.
func (e *Engine) Start(ctx context.Context) error {
	var stored []Component
	if e.comps != nil {
		var err error
		if stored, err = e.comps.ListComponents(ctx); err != nil {
			return fmt.Errorf("core: start: list components: %w", err)
		}
	}
	var add []Component
	e.mu.Lock()
	for _, c := range stored {
		if _, known := e.entries[c.Name]; !known {
			add = append(add, c)
		}
	}
	e.mu.Unlock()
	for _, err := range e.AddAll(ctx, add) {
		if err != nil {
			return fmt.Errorf("core: start: stored %w", err)
		}
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.phase != PhaseIdle {
		return fmt.Errorf("core: start: engine is %s, not idle", e.phase)
	}
	e.runCtx, e.cancel = context.WithCancel(context.Background())
	e.sched = newScheduler(e, e.runCtx)
	e.loops.Add(1)
	go e.sched.dispatch()
	e.phase = PhaseServing
	if e.set.servingGate {
		e.phase = PhaseStarting
	}
	for _, ent := range e.entries {
		e.startLoopLocked(ent)
	}
	e.publishLocked()
	e.log.Info("vitals engine started", "components", len(e.entries), "phase", e.phase.String())
	return nil
}

// Serve opens the serving gate (see WithServingGate): readiness may pass.
func (e *Engine) Serve() { e.setPhase(PhaseServing, PhaseStarting) }

// EnterLameDuck moves a running engine to PhaseLameDuck: readiness fails at
// once while checks and liveness go on.
func (e *Engine) EnterLameDuck() { e.setPhase(PhaseLameDuck, PhaseStarting, PhaseServing) }

// Phase returns the current lifecycle phase.
func (e *Engine) Phase() Phase { return e.Snapshot().Phase }

func (e *Engine) setPhase(to Phase, from ...Phase) {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, f := range from {
		if e.phase == f {
			e.log.Info("vitals phase change", "from", e.phase.String(), "to", to.String())
			e.phase = to
			e.publishLocked()
			return
		}
	}
}

// Stop stops the scheduler, waits for running checks (a provider that
// ignores its context is waited for until ctx ends), closes providers that
// implement Closer and closes every subscription. When ctx ends first, Stop
// returns anyway, with an error wrapping ctx's that names the provider calls
// still running (`db (provider "slow")`): calls the engine abandoned because
// their providers ignore their context. Stop does not wait for them; they
// end on their own later, and their results are dropped.
func (e *Engine) Stop(ctx context.Context) error {
	e.mu.Lock()
	if e.phase == PhaseStopped {
		e.mu.Unlock()
		return nil
	}
	wasRunning := e.cancel != nil
	if wasRunning {
		e.cancel()
	}
	e.phase = PhaseStopped
	for _, ent := range e.entries {
		ent.stopLoop()
	}
	e.publishLocked()
	e.mu.Unlock()

	var errs []error
	if err := waitGroup(ctx, &e.loops); err != nil {
		errs = append(errs, fmt.Errorf("core: stop: scheduler still running: %w", err))
	}
	if err := waitGroup(ctx, &e.inflight); err != nil {
		errs = append(errs, fmt.Errorf("core: stop: provider calls still running, abandoned (their providers ignore the context; they end on their own later): %s: %w", strings.Join(e.runningCalls(), ", "), err))
	}
	if err := e.writer.sync(ctx); err != nil {
		errs = append(errs, fmt.Errorf("core: stop: check store: %w (the store ignores its context; its writes end on their own later)", err))
	}
	for _, p := range e.provs.all() {
		if c, ok := p.(Closer); ok {
			if err := c.Close(ctx); err != nil {
				errs = append(errs, fmt.Errorf("core: stop: close provider %q: %w", p.Name(), err))
			}
		}
	}
	e.hub.closeAll()
	e.log.Info("vitals engine stopped")
	return errors.Join(errs...)
}

func waitGroup(ctx context.Context, wg *sync.WaitGroup) error {
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// publishLocked builds and publishes a snapshot; e.mu must be held.
func (e *Engine) publishLocked() *Snapshot {
	if e.layout == nil {
		e.layout = newLayout(e.entries)
	}
	now := time.Now()
	s := e.layout.snapshot(now, e.phase)
	e.snap.Store(s)
	e.counts.publications++
	e.published, e.stale = now, false
	if !e.due.IsZero() {
		e.pubTimer.Stop()
		e.due = time.Time{}
	}
	for _, ev := range e.pending {
		ev.Snapshot = s
		e.hub.publish(ev)
	}
	clear(e.pending)
	e.pending = e.pending[:0]
	close(e.changed)
	e.changed = make(chan struct{})
	return s
}

// publishByLocked marks the snapshot stale and makes sure a publication
// happens by at: at once when at has come, otherwise by the publication
// timer (one for the engine, armed for the earliest time asked). e.mu
// must be held.
func (e *Engine) publishByLocked(at time.Time) {
	e.stale = true
	wait := time.Until(at)
	if wait <= 0 {
		e.publishLocked()
		return
	}
	if !e.due.IsZero() && !e.due.After(at) {
		return
	}
	e.due = at
	if e.pubTimer == nil {
		e.pubTimer = time.AfterFunc(wait, e.flush)
		return
	}
	e.pubTimer.Reset(wait)
}

// flush publishes the results recorded since the last publication, if any.
func (e *Engine) flush() {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.stale {
		e.publishLocked()
	}
}

// changes returns a channel closed at the next publication.
func (e *Engine) changes() <-chan struct{} {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.changed
}

// Changed returns a channel closed at the next snapshot publication. A
// watcher takes it, reads Snapshot, and waits on it: no publication is
// missed between the two, though several may be seen as one.
func (e *Engine) Changed() <-chan struct{} { return e.changes() }

// Watch calls f with the current snapshot, then again after each
// publication, until ctx ends; several publications while f runs are seen
// as one, the latest. f runs on Watch's goroutine.
func (e *Engine) Watch(ctx context.Context, f func(*Snapshot)) {
	for {
		changed := e.changes()
		f(e.Snapshot())
		select {
		case <-changed:
		case <-ctx.Done():
			return
		}
	}
}

// prefixed puts "core: " before an option's error, before each of them when
// the option names several (one per field).
func prefixed(err error) error {
	j, ok := err.(interface{ Unwrap() []error })
	if !ok {
		return fmt.Errorf("core: %w", err)
	}
	errs := j.Unwrap()
	out := make([]error, len(errs))
	for i, e := range errs {
		out[i] = fmt.Errorf("core: %w", e)
	}
	return errors.Join(out...)
}

// callKey names a provider call: formatted only when Stop reports it, not
// on every check.
type callKey struct{ component, provider string }

// callStarted records a provider call of key.component, unless one is
// running already (abandoned or not): then it returns false and the
// provider of that call. The mark is the component's name, not its entry,
// so that it outlives Remove and Add: one name never has two calls in
// flight. callEnded removes the mark.
func (e *Engine) callStarted(key callKey) (running string, ok bool) {
	e.callsMu.Lock()
	defer e.callsMu.Unlock()
	if p, busy := e.calls[key.component]; busy {
		return p, false
	}
	if e.calls == nil {
		e.calls = map[string]string{}
	}
	e.calls[key.component] = key.provider
	return "", true
}

func (e *Engine) callEnded(key callKey) {
	e.callsMu.Lock()
	delete(e.calls, key.component)
	e.callsMu.Unlock()
}

// runningCalls names the provider calls still running, sorted.
func (e *Engine) runningCalls() []string {
	e.callsMu.Lock()
	defer e.callsMu.Unlock()
	out := make([]string, 0, len(e.calls))
	for name, provider := range e.calls {
		out = append(out, fmt.Sprintf("%s (provider %q)", name, provider))
	}
	slices.Sort(out)
	return out
}
