package fxmodule_test

import (
	"strings"
	"testing"
	"time"

	"go.uber.org/fx"
	"go.uber.org/fx/fxtest"

	"github.com/vitals-go/vitals/core"
	"github.com/vitals-go/vitals/core/coretest"
	"github.com/vitals-go/vitals/fxmodule"
	"github.com/vitals-go/vitals/fxmodule/lifecycle"
)

// A TTL component from config: every engine has the ttl provider, its
// results are pushed with Engine.RecordResult, and with none pushed
// within the ttl it turns Down.
func TestTTLComponentFromConfig(t *testing.T) {
	var rt *lifecycle.Runtime
	var eng *core.Engine
	app := fxtest.New(t, fxmodule.Module, fx.Provide(newEcho), fx.Populate(&rt, &eng),
		supplyConfig(t, baseConfig+`
  details: always
  checks:
    - {name: nightly-import, provider: ttl, interval: 10ms, rise: 1, config: {ttl: 200ms}}
`)).RequireStart()
	defer app.RequireStop()
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
