// Package promhealth exports the engine's health as Prometheus metrics.
//
// Gauges are read from the engine's snapshot at scrape time, so they are
// never stale and need no goroutine:
//
//	vitals_component_state{component,provider,state}  one-hot: 1 for the published state, 0 for the other three
//	vitals_component_last_check_timestamp_seconds{component}  start of the latest result (absent before the first)
//	vitals_group_state{group,state}                   one-hot, as the component gauge
//	vitals_ready                                      1 when Snapshot.Ready (the /ready rule)
//	vitals_live                                       1 when Snapshot.Live (the /health rule)
//	vitals_lameduck                                   1 in the lame-duck phase
//	vitals_check_store_dropped_total                  results the check store queue dropped (full)
//	vitals_check_store_failed_total                   check store writes that failed
//
// States are "unknown", "up", "degraded" and "down". The one-hot form is
// the Prometheus idiom for enums: `vitals_component_state{state="down"} == 1`
// alerts, and sum by (state) counts components per state.
//
// Every check result is counted and timed:
//
//	vitals_check_results_total{component,state}       by the provider's observed state (before fall/rise)
//	vitals_check_duration_seconds{component}          histogram of how long providers took
//
// Results are not events (the engine emits events only on state changes),
// so a watcher goroutine (Run) wakes at every snapshot
// publication (core.Engine.Changed) and counts each component whose latest
// Check.Time is new, once. Two results of the same component published
// before the watcher wakes between them are counted as one (the latest):
// the engine coalesces results that change no state for up to
// core.MaxResultStaleness (100 ms), so only intervals shorter than that
// are undercounted. Series of removed components are deleted.
package promhealth

import (
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/vitals-go/vitals/core"
)

// Metrics exports one engine's health. Create it with New.
type Metrics struct {
	engine   *core.Engine
	duration *prometheus.HistogramVec
	results  *prometheus.CounterVec
	coll     collector

	mu   sync.Mutex           // guards seen
	seen map[string]time.Time // latest Check.Time counted, by component
}

// Option configures Metrics.
type Option func(*options)

type options struct{ buckets []float64 }

// WithBuckets sets the buckets of vitals_check_duration_seconds (default
// prometheus.DefBuckets, 5ms to 10s).
func WithBuckets(b ...float64) Option { return func(o *options) { o.buckets = b } }

// New registers the metrics of e on reg. reg is required: promhealth never
// falls back to the global registry. It fails when any of them is already
// registered there.
func New(e *core.Engine, reg prometheus.Registerer, opts ...Option) (*Metrics, error) {
	if e == nil {
		return nil, errors.New("promhealth: engine is nil")
	}
	if reg == nil {
		return nil, errors.New("promhealth: registerer is nil (pass the app's registry; the global one is never used by default)")
	}
	o := options{buckets: prometheus.DefBuckets}
	for _, opt := range opts {
		opt(&o)
	}
	m := &Metrics{
		engine: e,
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "vitals_check_duration_seconds",
			Help:    "How long health checks took, by component.",
			Buckets: o.buckets,
		}, []string{"component"}),
		results: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "vitals_check_results_total",
			Help: "Health check results, by component and observed state (before fall/rise).",
		}, []string{"component", "state"}),
		coll: newCollector(e),
		seen: map[string]time.Time{},
	}
	for _, c := range []prometheus.Collector{m.duration, m.results, m.coll} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("promhealth: register: %w", err)
		}
	}
	return m, nil
}

// Handler serves reg's metrics in the exposition formats, for a /metrics
// route.
func Handler(reg *prometheus.Registry) http.Handler {
	return promhttp.HandlerFor(reg, promhttp.HandlerOpts{Registry: reg})
}
