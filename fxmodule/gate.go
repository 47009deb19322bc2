package fxmodule

import (
	"sync"

	"go.uber.org/fx/fxevent"
)

// Gate decides when readiness opens and when it starts failing, relative
// to the whole fx application rather than to the module's own hook.
//
// A module's lifecycle hook runs at its place in the hook order: hooks that
// the app appends later (invokes of modules listed after fxmodule.Module,
// and root-level fx.Invoke) start after it and stop before it. Only the
// app's fxevent.Logger sees the start of the application end and its stop
// begin, so the exact behaviour needs the app to route its fx event logger
// through the gate:
//
//	fx.WithLogger(fxmodule.EventLogger(&fxevent.SlogLogger{Logger: log}))
//
// With it, readiness opens on fxevent.Started (every OnStart hook has
// returned) and fails on the first OnStop hook, fxevent.Stopping or
// fxevent.RollingBack. Without it, readiness opens when the module's own
// hook has started and fails when the module's OnStop begins.
type Gate struct {
	mu       sync.Mutex
	watching bool   // an event logger reports fx's events to the gate
	started  bool   // fx reported that the whole app started
	stopping bool   // fx began stopping or rolling back
	open     func() // opens readiness; nil until armed
	leave    func() // makes readiness fail; nil until armed
}

// NewGate returns a gate. The module provides one.
func NewGate() *Gate { return &Gate{} }

// Logger returns next wrapped so that the gate sees fx's events. Use it
// when the app's logger constructor has dependencies:
//
//	fx.WithLogger(func(g *fxmodule.Gate, l *slog.Logger) fxevent.Logger {
//		return g.Logger(&fxevent.SlogLogger{Logger: l})
//	})
func (g *Gate) Logger(next fxevent.Logger) fxevent.Logger {
	g.mu.Lock()
	g.watching = true
	g.mu.Unlock()
	if next == nil {
		next = fxevent.NopLogger
	}
	return gateLogger{gate: g, next: next}
}

// EventLogger returns a constructor for fx.WithLogger that logs to next
// through the module's Gate.
func EventLogger(next fxevent.Logger) func(*Gate) fxevent.Logger {
	return func(g *Gate) fxevent.Logger { return g.Logger(next) }
}

// Watching reports whether an event logger reports fx's events to the gate.
func (g *Gate) Watching() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.watching
}

// arm is called when the module's hook has started: open opens readiness,
// leave makes it fail. Without an event logger open runs at once;
// otherwise on fxevent.Started.
func (g *Gate) arm(open, leave func()) {
	g.mu.Lock()
	g.started, g.stopping = false, false
	g.open, g.leave = open, leave
	now := !g.watching
	g.mu.Unlock()
	if now {
		open()
	}
}

// disarm is called when the module's hook stops: later events do nothing.
func (g *Gate) disarm() {
	g.mu.Lock()
	g.open, g.leave = nil, nil
	g.mu.Unlock()
}

func (g *Gate) event(ev fxevent.Event) {
	var f func()
	g.mu.Lock()
	switch e := ev.(type) {
	case *fxevent.Started:
		if e.Err == nil && !g.stopping {
			g.started, f = true, g.open
		}
	case *fxevent.OnStopExecuting, *fxevent.Stopping, *fxevent.RollingBack:
		if !g.stopping {
			g.stopping, f = true, g.leave
		}
	}
	g.mu.Unlock()
	if f != nil {
		f()
	}
}

type gateLogger struct {
	gate *Gate
	next fxevent.Logger
}

// LogEvent shows ev to the gate, then logs it to the wrapped logger.
func (l gateLogger) LogEvent(ev fxevent.Event) {
	l.gate.event(ev)
	l.next.LogEvent(ev)
}
