package promhealth_test

import (
	"context"
	"errors"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/vitals-go/vitals/core"
	"github.com/vitals-go/vitals/core/promhealth"
	"github.com/vitals-go/vitals/internal/testprom"
)

// fixture is an engine with two function components whose results the test
// sets, metrics on a fresh registry, and a scrape endpoint.
type fixture struct {
	engine *core.Engine
	fail   map[string]*atomic.Bool
	srv    *httptest.Server
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	e, err := core.New(core.WithJitter(0))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = e.Stop(context.Background()) })
	f := &fixture{engine: e, fail: map[string]*atomic.Bool{}}
	for _, c := range []core.Component{
		{Name: "db", Interval: time.Hour, Fall: 1, Rise: 1},
		{Name: "cache", Interval: time.Hour, Fall: 1, Rise: 1, NonCritical: true, Groups: []string{"readiness", "extras"}},
	} {
		b := new(atomic.Bool)
		f.fail[c.Name] = b
		err := e.AddFunc(context.Background(), c, func(context.Context) error {
			if b.Load() {
				return errors.New("boom")
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	reg := prometheus.NewRegistry()
	m, err := promhealth.New(e, reg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	ran := make(chan struct{})
	go func() { defer close(ran); m.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-ran })
	f.srv = httptest.NewServer(promhealth.Handler(reg))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fixture) run(t *testing.T, name string) {
	t.Helper()
	if _, err := f.engine.Check(context.Background(), name); err != nil {
		t.Fatal(err)
	}
}

// scrape fetches /metrics and parses the text exposition.
func (f *fixture) scrape(t *testing.T) map[string]*dto.MetricFamily {
	t.Helper()
	return testprom.Scrape(t, f.srv.Client(), f.srv.URL)
}

// value returns the value of the series of family name with exactly the
// given labels ("k=v" pairs); ok is false when there is none.
func value(fams map[string]*dto.MetricFamily, name string, labels ...string) (float64, bool) {
	want := map[string]string{}
	for _, kv := range labels {
		k, v, _ := strings.Cut(kv, "=")
		want[k] = v
	}
	return testprom.Value(fams[name], want, true)
}

// want asserts a series' value, polling for up to 5s since counters are fed
// by the watcher goroutine.
func (f *fixture) want(t *testing.T, v float64, name string, labels ...string) {
	t.Helper()
	var got float64
	var ok bool
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if got, ok = value(f.scrape(t), name, labels...); ok && got == v {
			return
		}
	}
	t.Fatalf("%s%v = %v (present %v), want %v", name, labels, got, ok, v)
}

func TestComponentAndGroupStates(t *testing.T) {
	f := newFixture(t)
	fams := f.scrape(t)
	for _, st := range []string{"unknown", "up", "degraded", "down"} {
		want := 0.0
		if st == "unknown" {
			want = 1
		}
		if v, ok := value(fams, "vitals_component_state", "component=db", "provider=func:db", "state="+st); !ok || v != want {
			t.Fatalf("db state=%s: %v %v before any check", st, v, ok)
		}
	}
	if _, ok := value(fams, "vitals_component_last_check_timestamp_seconds", "component=db"); ok {
		t.Fatal("last check timestamp before any check")
	}
	f.run(t, "db")
	f.fail["cache"].Store(true)
	f.run(t, "cache")
	f.want(t, 1, "vitals_component_state", "component=db", "provider=func:db", "state=up")
	f.want(t, 0, "vitals_component_state", "component=db", "provider=func:db", "state=unknown")
	f.want(t, 1, "vitals_component_state", "component=cache", "provider=func:cache", "state=down")
	// cache is non-critical: its Down only degrades its groups.
	f.want(t, 1, "vitals_group_state", "group=extras", "state=degraded")
	f.want(t, 1, "vitals_group_state", "group=readiness", "state=degraded")
	f.want(t, 0, "vitals_group_state", "group=liveness", "state=down")
	ts, ok := value(f.scrape(t), "vitals_component_last_check_timestamp_seconds", "component=db")
	if now := float64(time.Now().Unix()); !ok || ts < now-60 || ts > now+1 {
		t.Fatalf("last check timestamp %v %v, now %v", ts, ok, now)
	}
}

func TestResultsCountedOncePerCheck(t *testing.T) {
	f := newFixture(t)
	// Each result is counted once the watcher saw it (results of one
	// component microseconds apart may be merged, so the test waits).
	f.run(t, "db")
	f.want(t, 1, "vitals_check_results_total", "component=db", "state=up")
	f.run(t, "db")
	f.want(t, 2, "vitals_check_results_total", "component=db", "state=up")
	f.fail["db"].Store(true)
	f.run(t, "db")
	f.want(t, 1, "vitals_check_results_total", "component=db", "state=down")
	f.want(t, 2, "vitals_check_results_total", "component=db", "state=up")
	f.want(t, 2+1, "vitals_check_duration_seconds", "component=db") // sample count
	// Publications without a new result (another component, Update) do not count.
	f.run(t, "cache")
	f.want(t, 1, "vitals_check_results_total", "component=cache", "state=up")
	f.want(t, 1, "vitals_check_results_total", "component=db", "state=down")
	f.want(t, 3, "vitals_check_duration_seconds", "component=db")

	if err := f.engine.Remove(context.Background(), "db"); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		fams := f.scrape(t)
		_, r := value(fams, "vitals_check_results_total", "component=db", "state=up")
		_, s := value(fams, "vitals_component_state", "component=db", "provider=func:db", "state=up")
		if !r && !s {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("series of removed component remain: results %v state %v", r, s)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestReadyLiveAndLameDuck(t *testing.T) {
	f := newFixture(t)
	f.want(t, 0, "vitals_ready")
	f.want(t, 0, "vitals_live")
	if err := f.engine.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := f.engine.ForceCheck(context.Background()); err != nil {
		t.Fatal(err)
	}
	f.want(t, 1, "vitals_ready")
	f.want(t, 1, "vitals_live")
	f.want(t, 0, "vitals_lameduck")
	f.engine.EnterLameDuck()
	f.want(t, 1, "vitals_lameduck")
	f.want(t, 0, "vitals_ready")
	f.want(t, 1, "vitals_live")
	f.want(t, 0, "vitals_check_store_dropped_total")
	f.want(t, 0, "vitals_check_store_failed_total")
}

func TestNewRejects(t *testing.T) {
	e, err := core.New()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := promhealth.New(e, nil); err == nil || !strings.Contains(err.Error(), "registerer is nil") {
		t.Fatalf("nil registerer: %v", err)
	}
	if _, err := promhealth.New(nil, prometheus.NewRegistry()); err == nil {
		t.Fatal("nil engine accepted")
	}
	reg := prometheus.NewRegistry()
	if _, err := promhealth.New(e, reg); err != nil {
		t.Fatal(err)
	}
	if _, err := promhealth.New(e, reg); err == nil {
		t.Fatal("second registration on the same registry accepted")
	}
}

func TestRunStopsWithContext(t *testing.T) {
	e, err := core.New()
	if err != nil {
		t.Fatal(err)
	}
	m, err := promhealth.New(e, prometheus.NewRegistry(), promhealth.WithBuckets(0.1, 1))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { m.Run(ctx); close(done) }()
	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return when ctx ended")
	}
}

// TestLongNameLabels: a component name at core.MaxNameLength (a DNS name,
// a container ID) is a label value as it is, and the exposition parses.
func TestLongNameLabels(t *testing.T) {
	f := newFixture(t)
	long := "c." + strings.Repeat("0123456789abcdef", 16)[:core.MaxNameLength-2]
	if err := f.engine.AddFunc(context.Background(), core.Component{Name: long, Interval: time.Hour, Fall: 1, Rise: 1}, func(context.Context) error { return errors.New("boom") }); err != nil {
		t.Fatal(err)
	}
	f.run(t, long)
	f.want(t, 1, "vitals_component_state", "component="+long, "provider=func:"+long, "state=down")
	f.want(t, 0, "vitals_component_state", "component="+long, "provider=func:"+long, "state=up")
}
