package core

import (
	"slices"
	"strings"
	"time"
)

// Phase is where the engine is in its lifecycle. Readiness needs PhaseServing.
type Phase int

const (
	// PhaseIdle: created, not started.
	PhaseIdle Phase = iota
	// PhaseStarting: checks run, but the owner has not said the service is
	// ready to serve yet (see WithServingGate).
	PhaseStarting
	// PhaseServing: started and serving.
	PhaseServing
	// PhaseLameDuck: leaving; readiness fails, liveness does not.
	PhaseLameDuck
	// PhaseStopped: stopped.
	PhaseStopped
)

// String returns the lower-case name of the phase.
func (p Phase) String() string {
	switch p {
	case PhaseIdle:
		return "idle"
	case PhaseStarting:
		return "starting"
	case PhaseServing:
		return "serving"
	case PhaseLameDuck:
		return "lameduck"
	case PhaseStopped:
		return "stopped"
	}
	return "phase(?)"
}

// MarshalText encodes the phase as its String form.
func (p Phase) MarshalText() ([]byte, error) { return []byte(p.String()), nil }

// ComponentStatus is one component and its latest result in a Snapshot.
type ComponentStatus struct {
	// Component is the component's definition, defaults applied.
	Component Component `json:"component"`
	// Result is the latest result; Result.State is StateUnknown (or Up with
	// StartUp) and Checked is false until the first result.
	Result Result `json:"check"`
	// Checked reports whether at least one result has been published.
	Checked bool `json:"checked"`
}

// Pending reports whether the component has no result yet and holds
// readiness back for it: it has not been checked and is not a StartUp
// component (which is published Up until its first result).
func (cs *ComponentStatus) Pending() bool { return !cs.Checked && !cs.Component.StartUp }

// Contribution is the state the component adds to its groups' and the
// overall State: its published state, a non-critical Down counting as
// Degraded.
func (cs *ComponentStatus) Contribution() State {
	st := cs.Result.State
	if cs.Component.NonCritical && st == StateDown {
		return StateDegraded
	}
	return st
}

// PassesReadiness reports whether the component lets its readiness group
// pass: it has a result (or is a StartUp component) and contributes Up or
// Degraded. Unlike the State aggregation, where Unknown counts least, a
// checked Unknown fails readiness: an instance is never ready on a result
// that could not be interpreted.
func (cs *ComponentStatus) PassesReadiness() bool {
	return !cs.Pending() && cs.Contribution().Healthy()
}

// PassesLiveness reports whether the component lets its liveness group
// pass: it has no result yet (a process must not be restarted before its
// first check), or its result contributes Up or Degraded. A checked Unknown
// or a critical Down fails liveness.
func (cs *ComponentStatus) PassesLiveness() bool {
	return !cs.Checked || cs.Contribution().Healthy()
}

// GroupStatus is the aggregate of the components of one group.
type GroupStatus struct {
	// State is the worst contribution of the members (non-critical Down
	// counts as Degraded, Unknown counts least); StateUnknown for an empty
	// group. Whether the group lets readiness or liveness pass is
	// Snapshot.Ready and Snapshot.Live, not State.Healthy.
	State State `json:"state"`
	// Components are the names of the members, sorted.
	Components []string `json:"components"`
	// Pending names the members without a result yet.
	Pending []string `json:"pending,omitempty"`
}

// Snapshot is an immutable view of the engine at one moment. The engine
// publishes a new one atomically after every change; readers must not
// modify it.
type Snapshot struct {
	// Time is when the snapshot was built.
	Time time.Time `json:"time"`
	// Phase is the engine's lifecycle phase.
	Phase Phase `json:"phase"`
	// State is the worst state over all components (non-critical Down counts
	// as Degraded, Unknown counts least).
	State State `json:"state"`
	// Components, sorted by name. A status is shared, unchanged, by the
	// snapshots published until the component's next result: like the
	// snapshot, it must not be modified.
	Components []*ComponentStatus `json:"components"`
	// Groups by name; the liveness and readiness groups are always present.
	Groups map[string]GroupStatus `json:"groups"`
}

// Get returns the status of the named component (a binary search of
// Components).
func (s *Snapshot) Get(name string) (ComponentStatus, bool) {
	i, ok := slices.BinarySearchFunc(s.Components, name, func(cs *ComponentStatus, n string) int {
		return strings.Compare(cs.Component.Name, n)
	})
	if !ok {
		return ComponentStatus{}, false
	}
	return *s.Components[i], true
}

// Group returns the status of the named group; an unknown group is an empty
// group in StateUnknown.
func (s *Snapshot) Group(name string) GroupStatus { return s.Groups[name] }

// Started reports whether the engine has been started and not stopped.
func (s *Snapshot) Started() bool { return s.Phase >= PhaseStarting && s.Phase < PhaseStopped }

// Live reports whether the liveness group lets the process be: the engine is
// started (lame duck included) and every liveness member passes liveness
// (see ComponentStatus.PassesLiveness): a member without a result yet does
// not fail it, so a process is not killed before its first check, but a
// checked Unknown or a critical Down does. An empty liveness group is live.
// echomw's /health, grpchealth and promhealth use the same rule.
func (s *Snapshot) Live() bool {
	if !s.Started() {
		return false
	}
	return s.groupPasses(GroupLiveness, (*ComponentStatus).PassesLiveness)
}

// Ready reports whether the instance should receive traffic: serving (not
// starting, not lame duck) and every readiness member passes readiness (see
// ComponentStatus.PassesReadiness: a result that is Up or Degraded, a
// non-critical Down counting as Degraded; a member without a result yet or
// with a checked Unknown fails it). An empty group is ready. WaitForReady
// and echomw's /ready use the same rule.
func (s *Snapshot) Ready() bool {
	if s.Phase != PhaseServing {
		return false
	}
	return s.groupPasses(GroupReadiness, (*ComponentStatus).PassesReadiness)
}

// groupPasses reports whether every member of group g passes.
func (s *Snapshot) groupPasses(g string, pass func(*ComponentStatus) bool) bool {
	for _, cs := range s.Components {
		if cs.Component.InGroup(g) && !pass(cs) {
			return false
		}
	}
	return true
}

// Healthy returns the names of the components whose published state is Up
// or Degraded, sorted: the targets a proxy should route to.
func (s *Snapshot) Healthy() []string {
	var out []string
	for _, cs := range s.Components {
		if cs.Result.State.Healthy() {
			out = append(out, cs.Component.Name)
		}
	}
	return out
}

// layout is what snapshots share while the set of components and their
// groups stay the same: the entries sorted by name and the group
// memberships, with the statuses to publish next in dense arrays (a
// result sets its slot, record), so that a publication copies one pointer
// per component and folds the states without visiting the statuses.
// Rebuilding it costs a sort (see BENCHMARKS.md).
type layout struct {
	order  []*entry
	status []*ComponentStatus  // status[i] is order[i].status
	flags  []slotFlags         // of status[i]
	groups map[string][]int    // group -> indexes in order
	names  map[string][]string // group -> member names, sorted
}

// slotFlags is what a publication folds of a status: its contribution
// (the low bits) and whether it is pending.
type slotFlags uint8

const slotPending slotFlags = 1 << 7

func flagsOf(cs *ComponentStatus) slotFlags {
	f := slotFlags(cs.Contribution())
	if cs.Pending() {
		f |= slotPending
	}
	return f
}

func (f slotFlags) contribution() State { return State(f &^ slotPending) }

func newLayout(entries map[string]*entry) *layout {
	l := &layout{
		order:  make([]*entry, 0, len(entries)),
		groups: map[string][]int{GroupLiveness: nil, GroupReadiness: nil},
		names:  map[string][]string{GroupLiveness: nil, GroupReadiness: nil},
	}
	for _, ent := range entries {
		l.order = append(l.order, ent)
	}
	slices.SortFunc(l.order, func(a, b *entry) int { return strings.Compare(a.comp.Name, b.comp.Name) })
	l.status = make([]*ComponentStatus, len(l.order))
	l.flags = make([]slotFlags, len(l.order))
	for i, ent := range l.order {
		ent.pos = i
		l.status[i], l.flags[i] = ent.status, flagsOf(ent.status)
		for _, g := range ent.comp.Groups {
			l.groups[g] = append(l.groups[g], i)
			l.names[g] = append(l.names[g], ent.comp.Name)
		}
	}
	return l
}

// set records ent's new status for the next publication.
func (l *layout) set(ent *entry) {
	l.status[ent.pos], l.flags[ent.pos] = ent.status, flagsOf(ent.status)
}

// insert adds ent, a component not in l, in place: O(components) moves
// but no sort, for a single Add. The order and the group indexes are the
// engine's alone; the member names are shared with published snapshots,
// so those of ent's groups are copied.
func (l *layout) insert(ent *entry) {
	name := ent.comp.Name
	pos, _ := slices.BinarySearchFunc(l.order, name, func(x *entry, n string) int { return strings.Compare(x.comp.Name, n) })
	l.order = slices.Insert(l.order, pos, ent)
	l.status = slices.Insert(l.status, pos, ent.status)
	l.flags = slices.Insert(l.flags, pos, flagsOf(ent.status))
	for i := pos; i < len(l.order); i++ {
		l.order[i].pos = i
	}
	for _, members := range l.groups {
		for i, m := range members {
			if m >= pos {
				members[i] = m + 1
			}
		}
	}
	for _, g := range ent.comp.Groups {
		members := l.groups[g]
		at, _ := slices.BinarySearch(members, pos)
		l.groups[g] = slices.Insert(members, at, pos)
		names := l.names[g]
		at, _ = slices.BinarySearch(names, name)
		l.names[g] = slices.Insert(slices.Clip(names), at, name) // a copy
	}
}

// snapshot builds a snapshot of the current statuses: one pointer per
// component, the statuses themselves shared. Called with the engine mutex
// held.
func (l *layout) snapshot(now time.Time, phase Phase) *Snapshot {
	state := StateUnknown
	for _, f := range l.flags {
		state = worse(state, f.contribution())
	}
	s := &Snapshot{
		Time:       now,
		Phase:      phase,
		State:      state,
		Components: slices.Clone(l.status),
		Groups:     make(map[string]GroupStatus, len(l.groups)),
	}
	for g, members := range l.groups {
		gs := GroupStatus{Components: l.names[g]}
		for _, i := range members {
			f := l.flags[i]
			gs.State = worse(gs.State, f.contribution())
			if f&slotPending != 0 {
				gs.Pending = append(gs.Pending, l.order[i].comp.Name)
			}
		}
		s.Groups[g] = gs
	}
	return s
}

// worse is Worst of two states.
func worse(a, b State) State {
	if b > a && b <= StateDown {
		return b
	}
	return a
}
