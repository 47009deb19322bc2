package fxmodule_test

import (
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/fx"
	"go.uber.org/fx/fxtest"

	"github.com/vitals-go/vitals/core/coretest"
	"github.com/vitals-go/vitals/fxmodule"
)

// health.notify.webhooks: a state change is POSTed as JSON, with the
// configured headers and the service ID; a failing webhook is retried and
// only logged; the notifier stops after the engine.
func TestNotifyWebhook(t *testing.T) {
	var rc receiver
	good := httptest.NewServer(&rc)
	defer good.Close()
	var failed atomic.Int32
	bad := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		failed.Add(1)
		w.WriteHeader(http.StatusInternalServerError)
	}))
	defer bad.Close()

	var l logs
	var tg toggle
	app := fxtest.New(t, fxmodule.Module, tg.provide("db"), fx.Supply(l.Logger()), supplyConfig(t, `
health:
  lameduck: {period: 0s, signals: []}
  service: {id: orders}
  notify:
    backoff: 10ms
    webhooks:
      - {url: "`+good.URL+`/hook", headers: {Authorization: Bearer s3cret}}
      - {url: "`+bad.URL+`", max_retries: 1, timeout: 1s}
`)).RequireStart()
	coretest.Eventually(t, 3*time.Second, "db up notified", func() bool { p, _ := rc.find("db", "up"); return p != nil })
	tg.down.Store(true)
	coretest.Eventually(t, 3*time.Second, "db down notified", func() bool { p, _ := rc.find("db", "down"); return p != nil })
	p, h := rc.find("db", "down")
	if p["from"] != "up" || p["service"] != "orders" || p["message"] != "switched off" || p["time"] == nil {
		t.Errorf("payload = %v", p)
	}
	if got := h.Get("Authorization"); got != "Bearer s3cret" {
		t.Errorf("Authorization = %q", got)
	}
	coretest.Eventually(t, 3*time.Second, "the failing webhook retried", func() bool { return failed.Load() >= 2 })
	app.RequireStop()
	if i, j := l.Index("vitals engine stopped"), l.Index("vitals: notifier stopped"); i < 0 || j < 0 || i > j {
		t.Errorf("the notifier should stop after the engine:\n%s", l.String())
	}
}

// A hanging webhook holds the stop up for the drain timeout at most, and
// what it never received is logged, not returned.
func TestNotifyHangingWebhookStop(t *testing.T) {
	release := make(chan struct{})
	var got atomic.Int32
	hang := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got.Add(1)
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer hang.Close()
	defer close(release)
	var l logs
	var tg toggle
	app := fxtest.New(t, fxmodule.Module, tg.provide("db"), fx.Supply(l.Logger()), supplyConfig(t, `
health:
  lameduck: {period: 0s, drain_timeout: 300ms, signals: []}
  notify: {webhooks: [{url: "`+hang.URL+`", timeout: 1m}]}
`)).RequireStart()
	coretest.Eventually(t, 3*time.Second, "the webhook called", func() bool { return got.Load() > 0 })
	begin := time.Now()
	if err := app.Stop(ctxTimeout(t, 10*time.Second)); err != nil {
		t.Errorf("Stop = %v, want nil", err)
	}
	if took := time.Since(begin); took > 3*time.Second {
		t.Errorf("stop took %s with a hanging webhook", took)
	}
	if l.Index("vitals: notifier stopped before delivering everything") < 0 {
		t.Errorf("no warning about the undelivered notification:\n%s", l.String())
	}
}
