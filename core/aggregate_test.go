package core_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/vitals-go/vitals/core"
)

func TestAggregation(t *testing.T) {
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
					p.SetState(name, st)
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
	p.SetState("db", core.StateDown)
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
	p.SetState("db", core.StateUp)
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

// member is a status for the rule tables: st is its published state,
// checked false when it has no result yet.
func member(name string, checked bool, st core.State, nonCritical bool, groups ...string) core.ComponentStatus {
	return core.ComponentStatus{
		Component: core.Component{Name: name, NonCritical: nonCritical, Groups: groups},
		Result:    core.Result{Component: name, State: st},
		Checked:   checked,
	}
}

func TestReadinessAndLivenessRules(t *testing.T) {
	R, L := core.GroupReadiness, core.GroupLiveness
	startUp := member("warm", false, Up, false, R, L)
	startUp.Component.StartUp = true
	tests := []struct {
		name        string
		members     []core.ComponentStatus
		ready, live bool
	}{
		{"empty groups", nil, true, true},
		{"all up", []core.ComponentStatus{member("a", true, Up, false, R, L), member("b", true, Up, false, R, L)}, true, true},
		{"up and checked unknown", []core.ComponentStatus{member("a", true, Up, false, R, L), member("b", true, U, false, R, L)}, false, false},
		{"checked unknown alone", []core.ComponentStatus{member("b", true, U, false, R, L)}, false, false},
		{"up and no result yet", []core.ComponentStatus{member("a", true, Up, false, R, L), member("b", false, U, false, R, L)}, false, true},
		{"all without a result", []core.ComponentStatus{member("a", false, U, false, R, L), member("b", false, U, false, R, L)}, false, true},
		{"start-up component without a result", []core.ComponentStatus{startUp}, true, true},
		{"degraded", []core.ComponentStatus{member("a", true, Up, false, R, L), member("b", true, Deg, false, R, L)}, true, true},
		{"non-critical down", []core.ComponentStatus{member("a", true, Up, false, R, L), member("b", true, Down, true, R, L)}, true, true},
		{"non-critical unknown", []core.ComponentStatus{member("a", true, Up, false, R, L), member("b", true, U, true, R, L)}, false, false},
		{"critical down", []core.ComponentStatus{member("a", true, Up, false, R, L), member("b", true, Down, false, R, L)}, false, false},
		{"other group's unknown", []core.ComponentStatus{member("a", true, Up, false, R), member("b", true, U, false, L)}, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &core.Snapshot{Phase: core.PhaseServing}
			for i := range tt.members {
				s.Components = append(s.Components, &tt.members[i])
			}
			if got := s.Ready(); got != tt.ready {
				t.Errorf("Ready() = %v, want %v", got, tt.ready)
			}
			if got := s.Live(); got != tt.live {
				t.Errorf("Live() = %v, want %v", got, tt.live)
			}
			s.Phase = core.PhaseLameDuck
			if s.Ready() || s.Live() != tt.live {
				t.Errorf("lame duck: Ready() = %v, Live() = %v", s.Ready(), s.Live())
			}
		})
	}
}

// A checked Unknown next to an Up member: the group State stays Up (Unknown
// counts least) but the instance is neither ready nor live, and
// WaitForReady agrees.
func TestCheckedUnknownFailsReadiness(t *testing.T) {
	e, p := newEngine(t)
	a, b := manual("a", core.GroupReadiness, core.GroupLiveness), manual("b", core.GroupReadiness, core.GroupLiveness)
	a.Fall, b.Fall, a.Rise, b.Rise = 1, 1, 1, 1
	mustAdd(t, e, a)
	mustAdd(t, e, b)
	p.SetState("b", core.StateUnknown)
	if err := e.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	mustRun(t, e, "a")
	mustRun(t, e, "b")
	s := e.Snapshot()
	if got := s.Group(core.GroupReadiness).State; got != core.StateUp {
		t.Fatalf("readiness group state = %v, want up (unknown counts least)", got)
	}
	if len(s.Group(core.GroupReadiness).Pending) != 0 {
		t.Fatalf("pending = %v", s.Group(core.GroupReadiness).Pending)
	}
	if s.Ready() || s.Live() {
		t.Fatalf("ready=%v live=%v with a checked unknown member", s.Ready(), s.Live())
	}
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Millisecond)
	defer cancel()
	var nre *core.NotReadyError
	if err := e.WaitForReady(ctx, core.GroupReadiness); !errors.As(err, &nre) || len(nre.NotReady) != 1 || nre.NotReady["b"] != core.StateUnknown {
		t.Fatalf("WaitForReady = %v", err)
	}
	p.SetState("b", core.StateUp)
	mustRun(t, e, "b")
	if s := e.Snapshot(); !s.Ready() || !s.Live() {
		t.Fatalf("ready=%v live=%v once b is up", s.Ready(), s.Live())
	}
}
