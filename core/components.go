package core

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/vitals-go/vitals/core/confkit"
)

// entry is the engine's record of one component. status and counters are
// guarded by Engine.mu; a status is replaced, never modified, once a
// snapshot may hold it.
type entry struct {
	comp   Component
	probe  Component // comp's copy handed to the provider, made once
	status *ComponentStatus
	fails  int
	oks    int
	pos    int // in Engine.layout.order, when the layout is not nil

	// reported is when RecordResult last recorded a result of the
	// component, or when it was added: a TTL component's clock (ttl.go).
	reported time.Time
	pushed   bool // whether reported is a RecordResult's

	stop     chan struct{} // closed when the component is no longer scheduled
	stopOnce sync.Once

	// Scheduling (schedule.go): sched is set once the entry is scheduled
	// (under Engine.mu); due, seq and index are guarded by sched.mu;
	// attempt is the worker's that holds the entry.
	sched   *scheduler
	due     time.Time
	dueKey  time.Duration // due, from sched.base: the queue's order
	seq     uint64
	index   int  // in sched.queue; -1 when not queued
	attempt int  // start-up retries made
	spread  bool // whether its checks were spread over the interval (nextDue)

	// runs is shared by the entries that replace one another through
	// Update, so that never two provider calls of one component overlap.
	runs *runState
}

// runState is the run in flight of one component, across Update. flight
// is guarded by mu. (Whether a provider call of the component's name is
// still running, abandoned or not, is the engine's: see callStarted.)
type runState struct {
	mu     sync.Mutex
	flight *flight
	last   *flight // the latest that ended, for Run calls that waited
}

type flight struct {
	ent     *entry        // the definition being checked
	started time.Time     // when the run began, before any wait for the bound
	done    chan struct{} // closed when it ends; made by the first waiter (runState.mu)
	result  Result        // what the run returns, recorded

	// The provider call: what it is given, and its result, written by
	// its goroutine before called is closed (an abandoned call writes it
	// when it ends, unread).
	callCtx context.Context
	prov    Provider
	key     callKey
	called  chan struct{}
	call    Result
}

// stopped reports whether stopLoop was called.
func (ent *entry) stopped() bool {
	select {
	case <-ent.stop:
		return true
	default:
		return false
	}
}

// stopLoop ends ent's scheduled checks; Engine.mu must be held.
func (ent *entry) stopLoop() {
	ent.stopOnce.Do(func() { close(ent.stop) })
	if ent.sched != nil {
		ent.sched.remove(ent)
	}
}

func newEntry(c Component, now time.Time) *entry {
	ent := &entry{comp: c, probe: c.Clone(), stop: make(chan struct{}), index: -1, runs: &runState{}, reported: now}
	ent.status = &ComponentStatus{Component: c, Result: Result{Component: c.Name}}
	if c.StartUp {
		ent.status.Result.State = StateUp
	}
	return ent
}

const funcProviderPrefix = "func:"

func isFuncProvider(name string) bool { return strings.HasPrefix(name, funcProviderPrefix) }

// prepare applies defaults and validates c against the registered providers.
func (e *Engine) prepare(c Component) (Component, error) {
	c = c.Clone()
	d := e.set.defaults
	if c.Interval == 0 {
		c.Interval = d.Interval
	}
	if c.Timeout == 0 {
		c.Timeout = d.Timeout
	}
	if c.Fall == 0 {
		c.Fall = d.Fall
	}
	if c.Rise == 0 {
		c.Rise = d.Rise
	}
	c = c.WithDefaults()
	if err := c.Validate(); err != nil {
		return c, fmt.Errorf("core: %w", err)
	}
	p, ok := e.Provider(c.Provider)
	if !ok {
		return c, fmt.Errorf("core: component %q: %w", c.Name, confkit.Errorf("provider", "%q is not registered", c.Provider))
	}
	if v, ok := p.(ConfigValidator); ok {
		if err := v.ValidateConfig(c); err != nil {
			return c, fmt.Errorf("core: component %q: %w", c.Name, confkit.Prefix("config", err))
		}
	}
	return c, nil
}

// Add adds a component. A running engine starts checking it at once.
// Each Add publishes a snapshot, O(components): use AddAll for many.
func (e *Engine) Add(ctx context.Context, c Component) error {
	if errs := e.AddAll(ctx, []Component{c}); errs != nil {
		return errs[0]
	}
	return nil
}

// AddAll adds components as Add does, with one snapshot publication for
// all of them rather than one each, so that registering n components is
// O(n log n), not O(n²). It returns nil when every component was added;
// otherwise one error per component, in order, nil for those added (the
// others are added all the same).
func (e *Engine) AddAll(ctx context.Context, cs []Component) []error {
	errs := make([]error, len(cs))
	prepared := make([]Component, len(cs))
	for i, c := range cs {
		prepared[i], errs[i] = e.prepare(c)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	added := 0
	for i, c := range prepared {
		if errs[i] != nil {
			continue
		}
		if _, dup := e.entries[c.Name]; dup {
			errs[i] = fmt.Errorf("core: component %q: %w", c.Name, confkit.Errorf("name", "already exists"))
			continue
		}
		if err := e.putComponent(ctx, c); err != nil {
			errs[i] = err
			continue
		}
		ent := newEntry(c, e.set.now())
		e.entries[c.Name] = ent
		e.startLoopLocked(ent)
		if added++; added == 1 && e.layout != nil {
			e.layout.insert(ent) // Add: no sort
		} else {
			e.layout = nil // rebuilt (sorted once) by publishLocked
		}
	}
	if added > 0 {
		e.publishLocked()
	}
	if added == len(cs) {
		return nil
	}
	return errs
}

// AddFunc registers f as the provider "func:<name>" and adds c with it. A
// func provider left by an earlier component of that name is replaced;
// Remove unregisters it.
func (e *Engine) AddFunc(ctx context.Context, c Component, f CheckerFunc) error {
	if f == nil {
		return fmt.Errorf("core: component %q: func is nil", c.Name)
	}
	e.funcMu.Lock()
	defer e.funcMu.Unlock()
	if _, dup := e.lookup(c.Name); dup {
		return fmt.Errorf("core: component %q: %w", c.Name, confkit.Errorf("name", "already exists"))
	}
	c.Provider = funcProviderPrefix + c.Name
	e.provs.add(c.Provider, f.Provider(c.Provider)) // free: the name is c's
	if err := e.Add(ctx, c); err != nil {
		if _, added := e.lookup(c.Name); !added {
			e.dropFuncProvider(c.Name)
		}
		return err
	}
	return nil
}

// dropFuncProvider unregisters the func provider of component name.
func (e *Engine) dropFuncProvider(name string) {
	e.provs.remove(funcProviderPrefix + name)
}

// Update replaces a component's definition. Its published state and
// fall/rise counters carry over, and a running engine checks it again at
// once with the new definition.
func (e *Engine) Update(ctx context.Context, c Component) error {
	c, err := e.prepare(c)
	if err != nil {
		return err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	old, ok := e.entries[c.Name]
	if !ok {
		return fmt.Errorf("core: component %q: %w", c.Name, ErrNotFound)
	}
	if err := e.putComponent(ctx, c); err != nil {
		return err
	}
	old.stopLoop()
	ent := newEntry(c, e.set.now())
	ent.runs = old.runs // a run of the old definition in flight finishes first
	ent.status = &ComponentStatus{Component: c, Result: old.status.Result, Checked: old.status.Checked}
	ent.fails, ent.oks = old.fails, old.oks
	ent.reported, ent.pushed = old.reported, old.pushed
	e.entries[c.Name] = ent
	e.layout = nil
	e.startLoopLocked(ent)
	e.publishLocked()
	return nil
}

// Remove stops checking a component and drops it from the snapshot and the
// stores, and unregisters its func provider (AddFunc). Its history is
// forgotten through the check store queue (see WithStoreQueue), after the
// results queued before it: Remove does not wait for the check store.
func (e *Engine) Remove(ctx context.Context, name string) error {
	e.funcMu.Lock()
	defer e.funcMu.Unlock()
	e.mu.Lock()
	ent, ok := e.entries[name]
	if !ok {
		e.mu.Unlock()
		return fmt.Errorf("core: component %q: %w", name, ErrNotFound)
	}
	ent.stopLoop()
	delete(e.entries, name)
	e.layout = nil
	e.publishLocked()
	// Under e.mu: after every result recorded for ent (record drops those
	// that come later), before any of a component added again.
	e.writer.forget(name)
	e.mu.Unlock()
	e.forgetIn(ent.comp.Provider, name)
	e.dropFuncProvider(name)
	if e.comps == nil {
		return nil
	}
	if err := e.comps.DeleteComponent(ctx, name); err != nil {
		return fmt.Errorf("core: component %q: store: %w", name, err)
	}
	return nil
}

// putComponent writes c through to the component store, if any.
func (e *Engine) putComponent(ctx context.Context, c Component) error {
	if e.comps == nil {
		return nil
	}
	if err := e.comps.PutComponent(ctx, c); err != nil {
		return fmt.Errorf("core: component %q: store: %w", c.Name, err)
	}
	return nil
}

// Components returns the current component definitions, sorted by name.
func (e *Engine) Components() []Component {
	s := e.Snapshot()
	out := make([]Component, len(s.Components))
	for i, cs := range s.Components {
		out[i] = cs.Component.Clone()
	}
	return out
}

func (e *Engine) lookup(name string) (*entry, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	ent, ok := e.entries[name]
	return ent, ok
}

func (e *Engine) allEntries() []*entry {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := make([]*entry, 0, len(e.entries))
	for _, ent := range e.entries {
		out = append(out, ent)
	}
	slices.SortFunc(out, func(a, b *entry) int { return strings.Compare(a.comp.Name, b.comp.Name) })
	return out
}

// forgetIn tells provider, if it keeps state per component (Forgetter),
// that component is gone. It is called without e.mu: closing instances
// may take a while.
func (e *Engine) forgetIn(provider, component string) {
	if f, ok := e.Provider(provider); ok {
		if f, ok := f.(Forgetter); ok {
			f.Forget(component)
		}
	}
}
