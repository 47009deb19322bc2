package core

import "time"

// counters are the engine's running counts, guarded by Engine.mu.
type counters struct {
	checks       uint64
	failures     uint64
	pushed       uint64
	expired      uint64
	publications uint64
	lastRound    time.Duration
	lastRoundAt  time.Time
}

// Stats are the engine's counts at one moment: what the monitor seed's
// GetStats (total, healthy, unhealthy) gives, and more. See Engine.Stats.
type Stats struct {
	// Components is how many components there are.
	Components int `json:"components"`
	// Up, Degraded, Down and Unknown count the components by their
	// current state (after fall/rise), results not yet published
	// included. Healthy is Up + Degraded; Unhealthy is Down + Unknown.
	Up       int `json:"up"`
	Degraded int `json:"degraded"`
	Down     int `json:"down"`
	Unknown  int `json:"unknown"`
	// Checks counts the results recorded since New: scheduled checks, Run,
	// RunAll, RecordResult and TTL expiries. Start-up retries that were
	// retried again and checks whose caller gave up are not counted.
	Checks uint64 `json:"checks"`
	// Failures counts the recorded results whose observed state was Down or
	// Unknown.
	Failures uint64 `json:"failures"`
	// Pushed counts the results recorded by RecordResult.
	Pushed uint64 `json:"pushed"`
	// Expired counts the TTL expiries: results "last report N ago".
	Expired uint64 `json:"expired"`
	// Publications counts the snapshots published since New.
	Publications uint64 `json:"publications"`
	// LastRound is how long the last RunAll (or ForceCheck) took, ended at
	// LastRoundAt; zero when there was none. Scheduled checks have no
	// rounds: each component has its own interval.
	LastRound   time.Duration `json:"last_round"`
	LastRoundAt time.Time     `json:"last_round_at"`
	// Store is the check store queue's counts (StoreStats).
	Store StoreStats `json:"store"`
}

// Healthy is Up + Degraded: the components a proxy routes to.
func (s Stats) Healthy() int { return s.Up + s.Degraded }

// Unhealthy is Down + Unknown.
func (s Stats) Unhealthy() int { return s.Down + s.Unknown }

// Stats returns the engine's counts. It takes the engine's lock for a
// pass over the components, O(components); the names of the unhealthy
// ones (the seed's GetUnhealthyTargets) are in Snapshot: see
// Snapshot.Unhealthy.
func (e *Engine) Stats() Stats {
	e.mu.Lock()
	s := Stats{
		Components:   len(e.entries),
		Checks:       e.counts.checks,
		Failures:     e.counts.failures,
		Pushed:       e.counts.pushed,
		Expired:      e.counts.expired,
		Publications: e.counts.publications,
		LastRound:    e.counts.lastRound,
		LastRoundAt:  e.counts.lastRoundAt,
	}
	for _, ent := range e.entries {
		switch ent.status.Result.State {
		case StateUp:
			s.Up++
		case StateDegraded:
			s.Degraded++
		case StateDown:
			s.Down++
		default:
			s.Unknown++
		}
	}
	e.mu.Unlock()
	s.Store = e.StoreStats()
	return s
}

// Unhealthy returns the names of the components whose published state is
// Down or Unknown, sorted: the targets a proxy should not route to.
func (s *Snapshot) Unhealthy() []string {
	var out []string
	for _, cs := range s.Components {
		if !cs.Result.State.Healthy() {
			out = append(out, cs.Component.Name)
		}
	}
	return out
}

// roundDone records the duration of a RunAll round that started at start.
func (e *Engine) roundDone(start time.Time) {
	e.mu.Lock()
	e.counts.lastRound, e.counts.lastRoundAt = time.Since(start), time.Now()
	e.mu.Unlock()
}
