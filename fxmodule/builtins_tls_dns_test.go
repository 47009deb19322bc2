package fxmodule_test

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.uber.org/fx"
	"go.uber.org/fx/fxtest"

	"github.com/vitals-go/vitals/core"
	"github.com/vitals-go/vitals/fxmodule"
	"github.com/vitals-go/vitals/fxmodule/assemble"
	"github.com/vitals-go/vitals/fxmodule/config"
)

// The tls and dns providers are built in: health.checks reach them, and
// their config errors name the check's key.
func TestBuiltinTLSAndDNSConfig(t *testing.T) {
	load := func(body string) *config.Config {
		t.Helper()
		f := filepath.Join(t.TempDir(), "vitals.yaml")
		if err := os.WriteFile(f, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		cfg, err := config.Load(config.LoadOptions{File: f})
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
	var eng *core.Engine
	app := fxtest.New(t, fxmodule.Module, fx.Provide(newEcho), fx.Populate(&eng),
		supplyConfig(t, baseConfig+`
  checks:
    - {name: untrusted, provider: tls, fall: 1, config: {address: "`+addr+`"}}
    - {name: skipped, provider: tls, config: {address: "`+addr+`", skip_verify: true, min_valid: 0s}}
`)).RequireStart()
	defer app.RequireStop()
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
