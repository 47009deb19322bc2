package echomw_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"

	"github.com/vitals-go/vitals/core"
	"github.com/vitals-go/vitals/core/coretest"
	"github.com/vitals-go/vitals/echomw"
)

// fakeJobs is a provider named "jobs" whose pipelines value is whatever
// the test says, per component.
type fakeJobs map[string]any

func (fakeJobs) Name() string { return "jobs" }

func (f fakeJobs) Check(_ context.Context, c core.Component) core.Result {
	return core.Result{State: core.StateUp, Details: map[string]any{"pipelines": f[c.Name]}}
}

func TestJobsAnyPipelinesValue(t *testing.T) {
	jobs := fakeJobs{
		"a-maps":   []map[string]any{{"pipeline": "p1", "ready": true, "error_message": "secret", "component": "spoofed"}},
		"b-broken": "not a list",
		"c-none":   nil,
		"d-items":  []any{map[string]any{"pipeline": "p2", "ready": false}, 3},
	}
	var logs bytes.Buffer
	p := coretest.NewProvider("scripted")
	var comps []core.Component
	for name := range jobs {
		c := comp(name)
		c.Provider = "jobs"
		comps = append(comps, c)
	}
	comps = append(comps, comp("weird"))
	e, err := core.New(core.WithProviders(p, jobs), core.WithJitter(0), core.WithComponents(comps...))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = e.Stop(context.Background()) })
	set(p, "weird", core.StateUp, "ok", map[string]any{"ch": make(chan int)})
	start(t, e, p)
	h, err := echomw.New(e, echomw.Config{Details: echomw.DetailsAlways, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	r := do(t, h, "GET", "/jobs")
	var got []map[string]any
	if err := json.Unmarshal([]byte(r.body), &got); err != nil {
		t.Fatalf("%v\n%s", err, r.body)
	}
	if r.code != 200 || r.header.Get("Content-Type") != "application/json" || len(got) != 1 ||
		got[0]["component"] != "a-maps" || got[0]["pipeline"] != "p1" || got[0]["error_message"] != "secret" {
		t.Errorf("GET /jobs = %d %s\n%s", r.code, r.header.Get("Content-Type"), r.body)
	}
	for _, want := range []string{`component=b-broken`, `component=d-items`} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("log does not mention %s:\n%s", want, logs.String())
		}
	}

	// Details that JSON cannot represent do not break the body: the engine
	// replaced them when it accepted the result.
	r = do(t, h, "GET", "/ready/weird")
	var body map[string]any
	if err := json.Unmarshal([]byte(r.body), &body); err != nil || r.code != 200 || !strings.Contains(r.body, "not representable as JSON: json: unsupported type: chan int") {
		t.Errorf("GET /ready/weird = %d, %v\n%s", r.code, err, r.body)
	}
}
