package core_test

import (
	"testing"

	"github.com/vitals-go/vitals/core"
)

func TestAggregation(t *testing.T) {
	U, Up, Deg, Down := core.StateUnknown, core.StateUp, core.StateDegraded, core.StateDown
	tests := []struct {
		name     string
		states   map[string]core.State // "" means never checked
		critical map[string]bool
		want     core.State
	}{
		{"no components", nil, nil, U},
		{"all up", map[string]core.State{"a": Up, "b": Up}, nil, Up},
		{"unknown cannot mask down", map[string]core.State{"a": U, "b": Down}, nil, Down},
		{"unknown counts least", map[string]core.State{"a": U, "b": Up}, nil, Up},
		{"degraded", map[string]core.State{"a": Deg, "b": Up}, nil, Deg},
		{"non-critical down only degrades", map[string]core.State{"a": Down, "b": Up}, map[string]bool{"a": true}, Deg},
		{"critical down wins over non-critical", map[string]core.State{"a": Down, "b": Down}, map[string]bool{"a": true}, Down},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, p := newEngine(t)
			for name, st := range tt.states {
				c := manual(name)
				c.Fall, c.NonCritical = 1, tt.critical[name]
				mustAdd(t, e, c)
				if st != U {
					p.set(name, st)
					mustRun(t, e, name)
				}
			}
			if got := e.Snapshot().State; got != tt.want {
				t.Fatalf("overall = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestGroupsAndReadiness(t *testing.T) {
	e, p := newEngine(t)
	mustAdd(t, e, manual("db"))                                             // readiness by default
	mustAdd(t, e, manual("deadlock", core.GroupLiveness))                   // liveness only
	mustAdd(t, e, manual("cache", core.GroupReadiness, core.GroupLiveness)) // both
	s := e.Snapshot()
	if s.Live() || s.Ready() {
		t.Fatal("an idle engine is live or ready")
	}
	if got := s.Group(core.GroupReadiness).Components; len(got) != 2 || got[0] != "cache" || got[1] != "db" {
		t.Fatalf("readiness members = %v", got)
	}
	if err := e.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	if e.Snapshot().Ready() {
		t.Fatal("ready before every readiness member has a result")
	}
	if pend := e.Snapshot().Group(core.GroupReadiness).Pending; len(pend) != 2 {
		t.Fatalf("pending = %v", pend)
	}
	mustRun(t, e, "db")
	mustRun(t, e, "cache")
	mustRun(t, e, "deadlock")
	if s := e.Snapshot(); !s.Ready() || !s.Live() {
		t.Fatalf("not ready/live after all up: %+v", s.Groups)
	}
	p.set("db", core.StateDown)
	c := manual("db")
	c.Fall = 1
	if err := e.Update(t.Context(), c); err != nil {
		t.Fatal(err)
	}
	mustRun(t, e, "db")
	s = e.Snapshot()
	if s.Ready() || !s.Live() {
		t.Fatal("a down readiness member must fail readiness and leave liveness alone")
	}
	p.set("db", core.StateUp)
	mustRun(t, e, "db")
	mustRun(t, e, "db")
	e.EnterLameDuck()
	if s := e.Snapshot(); s.Ready() || !s.Live() || s.Phase != core.PhaseLameDuck {
		t.Fatalf("lame duck: ready=%v live=%v phase=%v", s.Ready(), s.Live(), s.Phase)
	}
	if got := e.Snapshot().Healthy(); len(got) != 3 {
		t.Fatalf("healthy = %v", got)
	}
}

func TestServingGate(t *testing.T) {
	e, _ := newEngine(t, core.WithServingGate())
	mustAdd(t, e, manual("a"))
	if err := e.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	mustRun(t, e, "a")
	if s := e.Snapshot(); s.Ready() || s.Phase != core.PhaseStarting {
		t.Fatalf("gate closed but ready=%v phase=%v", s.Ready(), s.Phase)
	}
	e.Serve()
	if !e.Snapshot().Ready() {
		t.Fatal("not ready after Serve")
	}
}
