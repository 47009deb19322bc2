package fxmodule_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"go.uber.org/fx"

	"github.com/vitals-go/vitals/core"
	"github.com/vitals-go/vitals/core/coretest"
	"github.com/vitals-go/vitals/fxmodule"
	"github.com/vitals-go/vitals/fxmodule/assemble"
	"github.com/vitals-go/vitals/fxmodule/config"
	"github.com/vitals-go/vitals/internal/testfile"
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

	rt, app := startApp(t, baseConfig+`
  details: always
  checks:
    - {name: upstream, provider: http, config: {url: "`+up.URL+`", expect_body: pong}}
    - {name: socket, provider: tcp, config: {address: "`+lnAddr+`"}}
    - {name: queue, provider: jobs, groups: [readiness, jobs]}
    - {name: mail, provider: jobs, config: {checker: queue}}
`, jobsSource("queue", jobs))
	defer app.RequireStop()
	eng := rt.Engine()
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

// The tls and dns providers are built in: health.checks reach them, and
// their config errors name the check's key.
func TestBuiltinTLSAndDNSConfig(t *testing.T) {
	load := func(body string) *config.Config {
		t.Helper()
		cfg, err := config.Load(config.LoadOptions{File: testfile.Write(t, "vitals.yaml", body)})
		if err != nil {
			t.Fatal(err)
		}
		return cfg
	}
	good := load(`
health:
  checks:
    - {name: cert, provider: tls, config: {address: "127.0.0.1:443", server_name: svc.test, min_valid: 720h}}
    - {name: api-dns, provider: dns, config: {name: api.vitals.test., type: A, server: "127.0.0.1:53", expect: [127.0.0.10], min_count: 1}}
    - name: api
      provider: http
      config:
        url: https://127.0.0.1/status.json
        degraded_status: 429
        follow_redirects: false
        max_duration: 500ms
        tls_min_valid: 336h
        expect_json: ['$.status.indicator == "none"', {path: $.count, op: ">", value: 0}]
`)
	if err := assemble.Validate(good); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	bad := load(`
health:
  checks:
    - {name: cert, provider: tls, config: {address: "127.0.0.1:443", min_valid: soon}}
    - {name: api-dns, provider: dns, config: {name: api.vitals.test., type: PTR}}
    - {name: api, provider: http, config: {url: "http://127.0.0.1/", expect_json: ["$.a === 1"]}}
`)
	err := assemble.Validate(bad)
	for _, want := range []string{
		`health.checks[0].config.min_valid: "soon" is not a duration`,
		`health.checks[1].config.type: "PTR" is not one of A, AAAA, CNAME, TXT, SRV, MX`,
		`health.checks[2].config.expect_json[0]: operator "===" is not one of`,
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Validate = %v, want it to say %q", err, want)
		}
	}
}

// A tls check runs in the module: a loopback server with a certificate
// the check does not trust is Down, and Up with skip_verify.
func TestBuiltinTLSCheck(t *testing.T) {
	srv := httptest.NewTLSServer(http.NotFoundHandler())
	defer srv.Close()
	addr := srv.Listener.Addr().String()
	rt, app := startApp(t, baseConfig+`
  checks:
    - {name: untrusted, provider: tls, fall: 1, config: {address: "`+addr+`"}}
    - {name: skipped, provider: tls, config: {address: "`+addr+`", skip_verify: true, min_valid: 0s}}
`)
	defer app.RequireStop()
	eng := rt.Engine()
	if err := eng.ForceCheck(ctxTimeout(t, 5*time.Second)); err != nil {
		t.Fatal(err)
	}
	s := eng.Snapshot()
	if cs, _ := s.Get("untrusted"); cs.Result.State != core.StateDown || !strings.Contains(cs.Result.Message, "certificate") {
		t.Errorf("untrusted = %s %q, want down", cs.Result.State, cs.Result.Message)
	}
	if cs, _ := s.Get("skipped"); cs.Result.State != core.StateUp {
		t.Errorf("skipped = %s %q, want up", cs.Result.State, cs.Result.Message)
	}
}

// A TTL component from config: every engine has the ttl provider, its
// results are pushed with Engine.RecordResult, and with none pushed
// within the ttl it turns Down.
func TestTTLComponentFromConfig(t *testing.T) {
	rt, app := startApp(t, baseConfig+`
  details: always
  checks:
    - {name: nightly-import, provider: ttl, interval: 10ms, rise: 1, config: {ttl: 200ms}}
`)
	defer app.RequireStop()
	eng := rt.Engine()
	if _, err := eng.RecordResult("nightly-import", core.Result{State: core.StateUp, Message: "imported"}); err != nil {
		t.Fatal(err)
	}
	url := base(t, rt) + "/ready"
	coretest.Eventually(t, 5*time.Second, "ready after the report", func() bool { return status(url) == 200 })
	coretest.Eventually(t, 5*time.Second, "not ready once the ttl passed", func() bool { return status(url) == 503 })
	cs, _ := eng.Snapshot().Get("nightly-import")
	if !strings.HasPrefix(cs.Result.Message, "last report ") || !strings.HasSuffix(cs.Result.Message, " ago (ttl 200ms)") {
		t.Fatalf("message %q", cs.Result.Message)
	}
}

func TestTTLConfigErrorNamesTheKey(t *testing.T) {
	app := fx.New(fx.NopLogger, fxmodule.Module,
		supplyConfig(t, "health: {checks: [{name: q, provider: ttl, config: {ttl: 0s}}]}"))
	err := app.Err()
	if err == nil || !strings.Contains(err.Error(), `health.checks[0].config.ttl: "0s" is out of range [1ms, 168h0m0s]`) {
		t.Errorf("err = %v", err)
	}
}
