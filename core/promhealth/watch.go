package promhealth

import (
	"context"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/vitals-go/vitals/core"
)

// Run counts results until ctx ends. Gauges work without it; they need
// no goroutine.
func (m *Metrics) Run(ctx context.Context) { m.engine.Watch(ctx, m.observe) }

// observe counts every component result of s not seen before, and forgets
// the components s no longer has.
func (m *Metrics) observe(s *core.Snapshot) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, cs := range s.Components {
		name, c := cs.Component.Name, cs.Result
		if !cs.Checked {
			continue
		}
		if last, ok := m.seen[name]; ok && last.Equal(c.Time) {
			continue
		}
		m.seen[name] = c.Time
		m.results.WithLabelValues(name, c.Observed.String()).Inc()
		m.duration.WithLabelValues(name).Observe(c.Duration.Seconds())
	}
	for name := range m.seen {
		if _, ok := s.Get(name); !ok {
			delete(m.seen, name)
			m.results.DeletePartialMatch(prometheus.Labels{"component": name})
			m.duration.DeletePartialMatch(prometheus.Labels{"component": name})
		}
	}
}
