package echomw

import (
	"strings"

	"github.com/vitals-go/vitals/core"
)

// kind is the rule an endpoint answers by: the liveness rule (kindHealth),
// the readiness rule (kindReady: /ready and every other group's path) or
// the jobs report.
type kind uint8

const (
	kindHealth kind = iota
	kindReady
	kindJobs
)

// IETF statuses.
const (
	statusPass = "pass"
	statusWarn = "warn"
	statusFail = "fail"
)

// member is a component of the evaluated group.
type member struct {
	cs       *core.ComponentStatus // in the snapshot
	excluded bool
}

// verdict is the answer of a group or per-check endpoint for one snapshot,
// before rendering.
type verdict struct {
	kind kind
	// label names the endpoint in text answers ("ready check failed").
	label string
	ok    bool
	// status is pass, warn or fail.
	status string
	// phase explains why the engine's phase (or the lame-duck switch) fails
	// the endpoint; empty when it does not.
	phase string
	// members of the group (or the one checked component), sorted, the
	// excluded ones flagged.
	members []member
	// unmatched are excluded names that are not members.
	unmatched []string
}

// pending reports whether a component has no result yet and holds
// readiness back for it.
func pending(cs *core.ComponentStatus) bool { return cs.Pending() }

// passes reports whether a counted member lets endpoint k pass: the
// readiness rule of core.Snapshot.Ready for /ready and /jobs (a checked
// Unknown fails), the liveness rule of core.Snapshot.Live for /health.
func (k kind) passes(cs *core.ComponentStatus) bool {
	if k == kindHealth {
		return cs.PassesLiveness()
	}
	return cs.PassesReadiness()
}

// phaseReason explains why the phase fails endpoint k, or "".
func phaseReason(p core.Phase, k kind, lame bool) string {
	switch p {
	case core.PhaseIdle:
		return "engine not started"
	case core.PhaseStopped:
		return "engine stopped"
	}
	if k == kindHealth {
		return ""
	}
	switch {
	case p == core.PhaseStarting:
		return "starting: not serving yet"
	case p == core.PhaseLameDuck || lame:
		return "lame duck: shutting down"
	}
	return ""
}

// evaluateGroup answers the group endpoint ep for s.
// Excluded members do not count.
//
// /ready passes when the engine is serving (not starting, not in lame
// duck) and every counted member passes readiness
// (core.ComponentStatus.PassesReadiness): Snapshot.Ready when nothing is
// excluded. /health passes when the engine is started (lame duck included)
// and the counted members aggregate to Up or Degraded (or there are none).
// The status is fail whenever the endpoint fails, warn when it passes with
// the counted members aggregating to Degraded.
func evaluateGroup(s *core.Snapshot, ep *endpoint, lame bool, exclude []string) verdict {
	k, g := ep.kind, ep.group
	v := verdict{kind: k, label: ep.label, phase: phaseReason(s.Phase, k, lame)}
	state := core.StateUnknown
	counted, failing := 0, false
	// Excluded names, each marked true once it matched a member: linear
	// in the members and the names.
	var excluded map[string]bool
	if len(exclude) > 0 {
		excluded = make(map[string]bool, len(exclude))
		for _, name := range exclude {
			excluded[name] = false
		}
	}
	for _, cs := range s.Components {
		if !cs.Component.InGroup(g) {
			continue
		}
		_, ex := excluded[cs.Component.Name]
		v.members = append(v.members, member{cs: cs, excluded: ex})
		if ex {
			excluded[cs.Component.Name] = true
			continue
		}
		counted++
		state = core.Worst(state, cs.Contribution())
		failing = failing || !k.passes(cs)
	}
	for _, name := range exclude {
		if matched, ok := excluded[name]; ok && !matched {
			if v.unmatched == nil {
				v.unmatched = make([]string, 0, len(excluded))
			}
			v.unmatched = append(v.unmatched, name)
			delete(excluded, name) // listed once
		}
	}
	v.ok = v.phase == "" && !failing
	v.status = statusOf(v.ok, counted > 0 && state == core.StateDegraded)
	return v
}

// evaluateOne answers the per-check endpoint ep/name for s; found is false
// when no member of ep's group has that name.
func evaluateOne(s *core.Snapshot, ep *endpoint, lame bool, name string) (v verdict, found bool) {
	cs, ok := s.Get(name)
	if !ok || !cs.Component.InGroup(ep.group) {
		return verdict{}, false
	}
	v = verdict{kind: ep.kind, label: ep.label, phase: phaseReason(s.Phase, ep.kind, lame), members: []member{{cs: &cs}}}
	st := cs.Result.State
	v.ok = v.phase == "" && !pending(&cs) && st.Healthy()
	v.status = statusOf(v.ok, st == core.StateDegraded)
	return v, true
}

func statusOf(ok, degraded bool) string {
	switch {
	case !ok:
		return statusFail
	case degraded:
		return statusWarn
	}
	return statusPass
}

// checkStatus is the IETF status of one component's own state.
func checkStatus(cs *core.ComponentStatus) string {
	if pending(cs) {
		return statusFail
	}
	switch cs.Result.State {
	case core.StateUp:
		return statusPass
	case core.StateDegraded:
		return statusWarn
	}
	return statusFail
}

// describe states one component's condition in words: "down", "no result
// yet", "degraded: slow" (the message only with details).
func describe(cs *core.ComponentStatus, details bool) string {
	var b strings.Builder
	if pending(cs) {
		b.WriteString("no result yet")
	} else {
		b.WriteString(cs.Result.State.String())
		if cs.Component.NonCritical && cs.Result.State == core.StateDown {
			b.WriteString(" (non-critical)")
		}
		if details && cs.Result.Message != "" {
			b.WriteString(": ")
			b.WriteString(oneLine(cs.Result.Message))
		}
	}
	return b.String()
}

// reasons lists, one per line's worth, why the verdict is not a plain pass:
// the phase, then every counted member that is not Up.
func (v *verdict) reasons(details bool) []string {
	var out []string
	if v.phase != "" {
		out = append(out, v.phase)
	}
	for _, m := range v.members {
		if m.excluded {
			continue
		}
		cs := m.cs
		if !pending(cs) && cs.Result.State == core.StateUp {
			continue
		}
		// A passing /health does not list members without a result: they
		// do not fail it.
		if v.ok && pending(cs) {
			continue
		}
		out = append(out, cs.Component.Name+": "+describe(cs, details))
	}
	return out
}

// oneLine folds a message onto one line.
func oneLine(s string) string {
	if !strings.ContainsAny(s, "\r\n") {
		return s
	}
	return strings.Join(strings.Fields(s), " ")
}
