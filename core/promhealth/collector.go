package promhealth

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/vitals-go/vitals/core"
)

// states returns the values of the state label, in core.State order.
func states() [4]core.State {
	return [...]core.State{core.StateUnknown, core.StateUp, core.StateDegraded, core.StateDown}
}

// collector reads the snapshot at scrape time.
type collector struct {
	engine                      *core.Engine
	component, lastCheck, group *prometheus.Desc
	ready, live, lameduck       *prometheus.Desc
	storeDropped, storeFailed   *prometheus.Desc
}

func newCollector(e *core.Engine) collector {
	return collector{
		engine: e,
		component: prometheus.NewDesc("vitals_component_state",
			"Published state of each component, one-hot: 1 for its state, 0 for the others.",
			[]string{"component", "provider", "state"}, nil),
		lastCheck: prometheus.NewDesc("vitals_component_last_check_timestamp_seconds",
			"When the latest result of each component started, in Unix seconds.",
			[]string{"component"}, nil),
		group: prometheus.NewDesc("vitals_group_state",
			"Aggregate state of each group, one-hot: 1 for its state, 0 for the others.",
			[]string{"group", "state"}, nil),
		ready:    prometheus.NewDesc("vitals_ready", "1 when the service is ready to receive traffic, else 0.", nil, nil),
		live:     prometheus.NewDesc("vitals_live", "1 when the service is live, else 0.", nil, nil),
		lameduck: prometheus.NewDesc("vitals_lameduck", "1 while the service is in lame duck (leaving), else 0.", nil, nil),
		storeDropped: prometheus.NewDesc("vitals_check_store_dropped_total",
			"Results not written to the check store because its queue was full (core.Engine.StoreStats).", nil, nil),
		storeFailed: prometheus.NewDesc("vitals_check_store_failed_total",
			"Check store writes that failed, deadline included (core.Engine.StoreStats).", nil, nil),
	}
}

// Describe implements prometheus.Collector.
func (c collector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.component, c.lastCheck, c.group, c.ready, c.live, c.lameduck, c.storeDropped, c.storeFailed} {
		ch <- d
	}
}

// Collect implements prometheus.Collector.
func (c collector) Collect(ch chan<- prometheus.Metric) {
	s := c.engine.Snapshot()
	for _, cs := range s.Components {
		name := cs.Component.Name
		for _, st := range states() {
			ch <- prometheus.MustNewConstMetric(c.component, prometheus.GaugeValue,
				bit(cs.Result.State == st), name, cs.Component.Provider, st.String())
		}
		if cs.Checked && !cs.Result.Time.IsZero() {
			ch <- prometheus.MustNewConstMetric(c.lastCheck, prometheus.GaugeValue,
				float64(cs.Result.Time.UnixNano())/1e9, name)
		}
	}
	for g, gs := range s.Groups {
		for _, st := range states() {
			ch <- prometheus.MustNewConstMetric(c.group, prometheus.GaugeValue, bit(gs.State == st), g, st.String())
		}
	}
	ch <- prometheus.MustNewConstMetric(c.ready, prometheus.GaugeValue, bit(s.Ready()))
	ch <- prometheus.MustNewConstMetric(c.live, prometheus.GaugeValue, bit(s.Live()))
	ch <- prometheus.MustNewConstMetric(c.lameduck, prometheus.GaugeValue, bit(s.Phase == core.PhaseLameDuck))
	st := c.engine.StoreStats()
	ch <- prometheus.MustNewConstMetric(c.storeDropped, prometheus.CounterValue, float64(st.Dropped))
	ch <- prometheus.MustNewConstMetric(c.storeFailed, prometheus.CounterValue, float64(st.Failed))
}

func bit(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
