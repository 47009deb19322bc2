package core_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vitals-go/vitals/core"
	"github.com/vitals-go/vitals/core/coretest"
)

// withMemoryJobs returns a JobsProvider and the MemoryJobs registered in
// it under name.
func withMemoryJobs(t *testing.T, name string) (*core.JobsProvider, *coretest.MemoryJobs) {
	t.Helper()
	p := core.NewJobsProvider()
	m := coretest.NewMemoryJobs()
	if err := p.Register(name, m); err != nil {
		t.Fatal(err)
	}
	return p, m
}

func ready(name string) core.JobsReport {
	return core.JobsReport{Pipeline: name, Ready: true, Driver: "memory", Queue: name + "-q", Priority: 10}
}

func TestJobsProviderStates(t *testing.T) {
	t.Parallel()
	notReady := core.JobsReport{Pipeline: "emails", Driver: "amqp"}
	broken := core.JobsReport{Pipeline: "sms", Ready: true, Driver: "sqs", ErrorMessage: "AccessDenied"}
	backlog := ready("images")
	backlog.Delayed, backlog.Active = 500, 40

	tests := []struct {
		name    string
		reports []core.JobsReport
		err     error
		cfg     map[string]any
		want    core.State
		msg     string
	}{
		{name: "no pipelines", want: core.StateUp, msg: "no pipelines"},
		{name: "all ready", reports: []core.JobsReport{ready("b"), ready("a")}, want: core.StateUp, msg: "2 pipelines ready"},
		{name: "one not ready", reports: []core.JobsReport{ready("a"), notReady}, want: core.StateDegraded, msg: "1 of 2 pipelines not ready: emails: not ready"},
		{name: "ready with an error", reports: []core.JobsReport{ready("a"), broken}, want: core.StateDegraded, msg: "sms: AccessDenied"},
		{name: "none ready", reports: []core.JobsReport{notReady, broken}, want: core.StateDown, msg: "no pipeline ready (2): emails: not ready; sms: AccessDenied"},
		{name: "checker error", err: errors.New("rpc: connection refused"), want: core.StateDown, msg: `jobs checker "orders": rpc: connection refused`},
		{name: "within thresholds", reports: []core.JobsReport{backlog}, cfg: map[string]any{"max_delayed": 500, "max_active": 40}, want: core.StateUp},
		{name: "over max_delayed", reports: []core.JobsReport{backlog, ready("a")}, cfg: map[string]any{"max_delayed": 100}, want: core.StateDegraded,
			msg: "images: 500 delayed jobs (max_delayed 100)"},
		{name: "over max_active", reports: []core.JobsReport{backlog}, cfg: map[string]any{"max_active": "10"}, want: core.StateDegraded,
			msg: "images: 40 active jobs (max_active 10)"},
		{name: "not ready and backlog", reports: []core.JobsReport{backlog, notReady}, cfg: map[string]any{"max_active": 0}, want: core.StateDegraded,
			msg: "1 of 2 pipelines not ready: emails: not ready; images: 40 active jobs (max_active 0)"},
		{name: "none ready beats backlog", reports: []core.JobsReport{notReady}, cfg: map[string]any{"max_active": 0}, want: core.StateDown},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := core.NewJobsProvider()
			given := append([]core.JobsReport(nil), tc.reports...)
			err := p.Register("orders", core.JobsCheckerFunc(func(context.Context) ([]core.JobsReport, error) {
				return given, tc.err
			}))
			if err != nil {
				t.Fatal(err)
			}
			cfg := map[string]any{"checker": "orders"}
			for k, v := range tc.cfg {
				cfg[k] = v
			}
			res := checkWithin(t, p, cfg, 5*time.Second)
			if res.State != tc.want || !strings.Contains(res.Message, tc.msg) {
				t.Fatalf("got %s %q, want %s containing %q", res.State, res.Message, tc.want, tc.msg)
			}
			if (res.State == core.StateUp) != (res.Err == nil) {
				t.Errorf("state %s with err %v", res.State, res.Err)
			}
			pipelines, ok := res.Details["pipelines"].([]core.JobsReport)
			if !ok {
				t.Fatalf("Details[pipelines] is %T, want []core.JobsReport", res.Details["pipelines"])
			}
			if tc.err != nil {
				if len(pipelines) != 0 {
					t.Errorf("pipelines after a checker error: %v", pipelines)
				}
				return
			}
			if len(pipelines) != len(tc.reports) {
				t.Fatalf("pipelines = %v", pipelines)
			}
			for i := 1; i < len(pipelines); i++ {
				if pipelines[i-1].Pipeline > pipelines[i].Pipeline {
					t.Errorf("pipelines not sorted: %v", pipelines)
				}
			}
			for i := range given {
				if given[i] != tc.reports[i] {
					t.Errorf("the provider reordered or changed the checker's slice: %v", given)
				}
			}
		})
	}
}

func TestJobsProviderRegister(t *testing.T) {
	t.Parallel()
	p, _ := withMemoryJobs(t, "main")
	tests := []struct {
		name string
		jc   core.JobsChecker
		want string
	}{
		{"", coretest.NewMemoryJobs(), "name is empty"},
		{"  ", coretest.NewMemoryJobs(), "name is empty"},
		{"nil", nil, `checker "nil" is nil`},
		{"nil func", core.JobsCheckerFunc(nil), "nil func"},
		{"main", coretest.NewMemoryJobs(), `"main" is already registered`},
	}
	for _, tc := range tests {
		err := p.Register(tc.name, tc.jc)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Register(%q) = %v, want %q", tc.name, err, tc.want)
		}
	}
}

func TestJobsProviderValidateConfig(t *testing.T) {
	t.Parallel()
	p := core.NewJobsProvider()
	for _, n := range []string{"queue", "rr"} {
		if err := p.Register(n, coretest.NewMemoryJobs()); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name      string
		component string
		cfg       map[string]any
		want      string
	}{
		{"default is the component's name", "queue", nil, ""},
		{"named", "jobs", map[string]any{"checker": "rr", "max_delayed": 10, "max_active": float64(5)}, ""},
		{"unknown default", "jobs", nil, `checker: "jobs" is not registered (known: queue, rr)`},
		{"unknown named", "jobs", map[string]any{"checker": "sqs"}, `checker: "sqs" is not registered (known: queue, rr)`},
		{"empty", "queue", map[string]any{"checker": ""}, "checker: must not be empty"},
		{"negative threshold", "queue", map[string]any{"max_delayed": -1}, "max_delayed: -1 is out of range"},
		{"threshold not a number", "queue", map[string]any{"max_active": "many"}, "max_active: \"many\" is not an integer"},
		{"unknown key", "queue", map[string]any{"max_reserved": 1}, "max_reserved: unknown key (known keys: checker, max_active, max_delayed)"},
	}
	for _, tc := range tests {
		wantConfigError(t, p, tc.name, core.Component{Name: tc.component, Provider: "jobs", Config: tc.cfg}, tc.want)
	}
	empty := core.NewJobsProvider()
	err := empty.ValidateConfig(core.Component{Name: "jobs", Provider: "jobs"})
	if err == nil || !strings.Contains(err.Error(), "no jobs checkers are registered") {
		t.Errorf("no checkers: %v", err)
	}
	res := empty.Check(t.Context(), core.Component{Name: "jobs"})
	if res.State != core.StateUnknown || !strings.Contains(res.Message, "config.checker") {
		t.Errorf("check with an unknown checker: %s %q", res.State, res.Message)
	}
	if _, ok := res.Details["pipelines"].([]core.JobsReport); !ok {
		t.Errorf("Details[pipelines] is %T", res.Details["pipelines"])
	}
}

func TestJobsReportJSON(t *testing.T) {
	t.Parallel()
	b, err := json.Marshal(core.JobsReport{Pipeline: "p", Priority: 3, Ready: true, Queue: "q", Active: 1, Delayed: 2, Reserved: 4, Driver: "amqp", ErrorMessage: "e"})
	if err != nil {
		t.Fatal(err)
	}
	want := `{"pipeline":"p","priority":3,"ready":true,"queue":"q","active":1,"delayed":2,"reserved":4,"driver":"amqp","error_message":"e"}`
	if string(b) != want {
		t.Errorf("got  %s\nwant %s", b, want)
	}
}

func TestMemoryJobs(t *testing.T) {
	t.Parallel()
	m := coretest.NewMemoryJobs()
	got, err := m.JobsState(t.Context())
	if err != nil || len(got) != 0 {
		t.Fatalf("empty: %v %v", got, err)
	}
	m.Set(ready("b"))
	m.Set(ready("a"))
	nr := ready("b")
	nr.Ready = false
	m.Set(nr)
	got, _ = m.JobsState(t.Context())
	if len(got) != 2 || got[0].Pipeline != "a" || got[1].Pipeline != "b" || got[1].Ready {
		t.Fatalf("got %v", got)
	}
	got[0].Pipeline = "mutated"
	if again, _ := m.JobsState(t.Context()); again[0].Pipeline != "a" {
		t.Error("JobsState returned shared state")
	}
	m.Remove("a")
	m.Remove("missing")
	if got, _ = m.JobsState(t.Context()); len(got) != 1 || got[0].Pipeline != "b" {
		t.Fatalf("after Remove: %v", got)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := m.JobsState(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("canceled context: %v", err)
	}
	var zero coretest.MemoryJobs
	zero.Set(ready("z"))
	if got, _ := zero.JobsState(t.Context()); len(got) != 1 {
		t.Errorf("zero MemoryJobs: %v", got)
	}
}

// TestJobsProviderConcurrent registers checkers, checks and changes
// pipelines at once; run with -race.
func TestJobsProviderConcurrent(t *testing.T) {
	t.Parallel()
	p, m := withMemoryJobs(t, "main")
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := range 50 {
				name := fmt.Sprintf("w%d-%d", w, i)
				if err := p.Register(name, coretest.NewMemoryJobs()); err != nil {
					t.Error(err)
				}
				m.Set(ready(name))
				if i%3 == 0 {
					m.Remove(name)
				}
				res := p.Check(t.Context(), core.Component{Name: "main"})
				if res.State != core.StateUp {
					t.Errorf("got %s %q", res.State, res.Message)
				}
				if err := p.ValidateConfig(core.Component{Name: "x", Config: map[string]any{"checker": name}}); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
}

// TestJobsProviderInEngine wires the provider into an engine as a service
// does and reads the pipelines back from the snapshot, as /jobs does.
func TestJobsProviderInEngine(t *testing.T) {
	t.Parallel()
	jobs, queues := withMemoryJobs(t, "queues")
	e, _ := coretest.NewEngine(t, core.WithProviders(jobs))
	if err := e.Add(t.Context(), core.Component{Name: "jobs", Provider: "jobs"}); err == nil ||
		!strings.Contains(err.Error(), `component "jobs": config.checker: "jobs" is not registered (known: queues)`) {
		t.Fatalf("Add with an unknown checker = %v", err)
	}
	mustAdd(t, e, core.Component{Name: "jobs", Provider: "jobs", Interval: time.Hour, Fall: 1, Rise: 1,
		Config: map[string]any{"checker": "queues", "max_delayed": 100}})

	steps := []struct {
		change func()
		want   core.State
	}{
		{func() {}, core.StateUp},
		{func() { queues.Set(ready("emails")); queues.Set(ready("pdf")) }, core.StateUp},
		{func() { queues.Set(core.JobsReport{Pipeline: "pdf", Driver: "memory"}) }, core.StateDegraded},
		{func() { queues.Set(core.JobsReport{Pipeline: "emails", ErrorMessage: "broker gone"}) }, core.StateDown},
		{func() { queues.Remove("emails"); queues.Set(ready("pdf")) }, core.StateUp},
		{func() { r := ready("pdf"); r.Delayed = 101; queues.Set(r) }, core.StateDegraded},
	}
	for i, s := range steps {
		s.change()
		if err := e.ForceCheck(t.Context()); err != nil {
			t.Fatal(err)
		}
		cs, _ := e.Snapshot().Get("jobs")
		if cs.Result.State != s.want {
			t.Fatalf("step %d: %s %q, want %s", i, cs.Result.State, cs.Result.Message, s.want)
		}
		want, _ := queues.JobsState(t.Context())
		got, _ := cs.Result.Details["pipelines"].([]core.JobsReport)
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("step %d: pipelines %v, want %v", i, got, want)
		}
	}
}
