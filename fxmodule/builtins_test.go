package fxmodule_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"go.uber.org/fx"
	"go.uber.org/fx/fxtest"

	"github.com/vitals-go/vitals/core"
	"github.com/vitals-go/vitals/core/coretest"
	"github.com/vitals-go/vitals/fxmodule"
	"github.com/vitals-go/vitals/fxmodule/assemble"
	"github.com/vitals-go/vitals/fxmodule/lifecycle"
	"github.com/vitals-go/vitals/internal/testnet"
)

func jobsSource(name string, jc core.JobsChecker) fx.Option {
	return fx.Supply(fx.Annotate(assemble.JobsSource{Name: name, Checker: jc}, fx.ResultTags(`group:"vitals.jobs"`)))
}

// The built-in http, tcp and jobs providers check what health.checks
// names; jobs sources come from the group "vitals.jobs" and /jobs serves
// their pipelines.
func TestBuiltinProviders(t *testing.T) {
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("pong")) }))
	defer up.Close()
	lnAddr := testnet.AcceptAndClose(t)
	jobs := coretest.NewMemoryJobs()
	jobs.Set(core.JobsReport{Pipeline: "emails", Ready: true, Driver: "memory"})

	var rt *lifecycle.Runtime
	var eng *core.Engine
	app := fxtest.New(t, fxmodule.Module, fx.Provide(newEcho), fx.Populate(&rt, &eng),
		jobsSource("queue", jobs),
		supplyConfig(t, baseConfig+`
  details: always
  checks:
    - {name: upstream, provider: http, config: {url: "`+up.URL+`", expect_body: pong}}
    - {name: socket, provider: tcp, config: {address: "`+lnAddr+`"}}
    - {name: queue, provider: jobs, groups: [readiness, jobs]}
    - {name: mail, provider: jobs, config: {checker: queue}}
`)).RequireStart()
	defer app.RequireStop()
	if err := eng.ForceCheck(ctxTimeout(t, 5*time.Second)); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"upstream", "socket", "queue", "mail"} {
		cs, ok := eng.Snapshot().Get(name)
		if !ok || cs.Result.State != core.StateUp {
			t.Errorf("%s = %+v, want up", name, cs.Result)
		}
	}
	code, body := get(t, base(t, rt)+"/jobs", "")
	if code != http.StatusOK || !strings.Contains(body, `"emails"`) {
		t.Errorf("/jobs = %d %s", code, body)
	}
}

// Jobs sources that cannot be registered, and checks naming a source
// that is not there, fail fx.New naming the group entry or the key.
func TestJobsErrors(t *testing.T) {
	jobs := coretest.NewMemoryJobs()
	app := fx.New(fx.NopLogger, fxmodule.Module, jobsSource("queue", jobs), jobsSource("queue", jobs),
		supplyConfig(t, "health: {checks: [{name: q, provider: jobs, config: {checker: nope}}]}"))
	err := app.Err()
	if err == nil || !strings.Contains(err.Error(), `vitals.jobs[1]: core: jobs: checker "queue" is already registered`) {
		t.Errorf("err = %v", err)
	}
	app = fx.New(fx.NopLogger, fxmodule.Module, jobsSource("queue", jobs),
		supplyConfig(t, "health: {checks: [{name: q, provider: jobs, config: {checker: nope}}]}"))
	err = app.Err()
	if err == nil || !strings.Contains(err.Error(), `health.checks[0].config.checker: "nope" is not registered (known: queue)`) {
		t.Errorf("err = %v", err)
	}
}

// A jobs check whose checker no one provides fails start (fx.New), naming
// the key: what "vitals config validate" cannot know from the file.
func TestJobsCheckerNobodyProvides(t *testing.T) {
	app := fx.New(fx.NopLogger, fxmodule.Module,
		supplyConfig(t, "health: {checks: [{name: mail, provider: jobs, config: {checker: emails}}]}"))
	err := app.Err()
	if err == nil || !strings.Contains(err.Error(), `health.checks[0].config.checker: "emails" is not registered (no jobs checkers are registered)`) {
		t.Errorf("err = %v", err)
	}
}
