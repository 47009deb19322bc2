package promhealth

import (
	"context"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/vitals-go/vitals/core"
)

// Start runs the result watcher in the background until Stop.
func (m *Metrics) Start() {
	m.runs.Add(1)
	go func() {
		defer m.runs.Done()
		m.watch(context.Background())
	}()
}

// Run counts results until ctx ends or Stop is called. Use it instead of
// Start to own the goroutine.
func (m *Metrics) Run(ctx context.Context) {
	m.runs.Add(1)
	defer m.runs.Done()
	m.watch(ctx)
}

// Stop ends the watcher and waits for it. Gauges still work after Stop;
// they need no goroutine. It is safe to call more than once.
func (m *Metrics) Stop() {
	m.close.Do(func() { close(m.quit) })
	m.runs.Wait()
}

func (m *Metrics) watch(ctx context.Context) {
	for {
		changed := m.engine.Changed()
		m.observe(m.engine.Snapshot())
		select {
		case <-changed:
		case <-ctx.Done():
			return
		case <-m.quit:
			return
		}
	}
}

// observe counts every component result of s not seen before, and forgets
// the components s no longer has.
func (m *Metrics) observe(s *core.Snapshot) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, cs := range s.Components {
		name, c := cs.Component.Name, cs.Check
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
