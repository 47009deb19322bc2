package coretest

import (
	"context"
	"sync"
	"sync/atomic"

	"github.com/vitals-go/vitals/core"
)

// Provider is a core.Provider whose results the test scripts, per
// component: queued results first (Push), in order, then the result Set
// last, then the default (Up, "scripted up"; SetDefault). A held component
// (Hold) does not answer until its check's context ends. It is safe for
// concurrent use.
type Provider struct {
	name  string
	calls atomic.Int64

	mu      sync.Mutex
	def     core.Result
	results map[string]core.Result
	queue   map[string][]core.Result
	held    map[string]bool
	callsOf map[string]int
}

// NewProvider returns a Provider registered under name.
func NewProvider(name string) *Provider {
	return &Provider{
		name:    name,
		def:     core.Result{State: core.StateUp, Message: "scripted up"},
		results: map[string]core.Result{},
		queue:   map[string][]core.Result{},
		held:    map[string]bool{},
		callsOf: map[string]int{},
	}
}

// Name returns the name given to NewProvider.
func (p *Provider) Name() string { return p.name }

// Set makes res the result of component's checks from now on (after the
// queued ones). Only State, Message, Details and Err are used by the engine.
func (p *Provider) Set(component string, res core.Result) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.results[component] = res
}

// SetState is Set with the message "scripted <state>".
func (p *Provider) SetState(component string, st core.State) {
	p.Set(component, core.Result{State: st, Message: "scripted " + st.String()})
}

// Push queues results for component's next checks, one a check.
func (p *Provider) Push(component string, rs ...core.Result) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.queue[component] = append(p.queue[component], rs...)
}

// SetDefault sets the result of components with nothing set or queued.
func (p *Provider) SetDefault(res core.Result) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.def = res
}

// Hold makes component's checks wait for their context to end (the
// timeout, or the engine stopping); they then report Down, "held".
func (p *Provider) Hold(component string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.held[component] = true
}

// Calls returns how many checks the provider has answered or is answering.
func (p *Provider) Calls() int64 { return p.calls.Load() }

// CallsOf returns how many checks of component the provider has started.
func (p *Provider) CallsOf(component string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.callsOf[component]
}

// Check returns the scripted result of c.
func (p *Provider) Check(ctx context.Context, c core.Component) core.Result {
	p.calls.Add(1)
	p.mu.Lock()
	p.callsOf[c.Name]++
	held := p.held[c.Name]
	res, ok := p.results[c.Name]
	if q := p.queue[c.Name]; len(q) > 0 {
		res, ok, p.queue[c.Name] = q[0], true, q[1:]
	}
	if !ok {
		res = p.def
	}
	p.mu.Unlock()
	if held {
		<-ctx.Done()
		return core.Result{State: core.StateDown, Message: "held", Err: ctx.Err()}
	}
	return res
}

// Held reports whether component is held (Hold).
func (p *Provider) Held(component string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.held[component]
}
