package echomw_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/vitals-go/vitals/core"
	"github.com/vitals-go/vitals/core/coretest"
	"github.com/vitals-go/vitals/echomw"
)

// TestReadyFailsWhenHTTPDependencyAnswers500 is the regression test of
// issue 17: an http check whose target answers 500 used to be Degraded,
// which is routable, so /ready answered 200. Kubernetes probes and
// HAProxy's httpchk count a 5xx as a failure; so does /ready now.
func TestReadyFailsWhenHTTPDependencyAnswers500(t *testing.T) {
	t.Parallel()
	dep := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "boom", http.StatusInternalServerError)
	}))
	t.Cleanup(dep.Close)
	hp := &core.HTTPProvider{}
	t.Cleanup(func() { _ = hp.Close(context.Background()) }) // after the engine's stop
	e, _ := coretest.NewEngine(t, core.WithProviders(hp))
	c := core.Component{Name: "dep", Provider: "http", Interval: time.Hour, Timeout: 5 * time.Second, Fall: 1, Rise: 1,
		Config: map[string]any{"url": dep.URL + "/healthz"}}
	if err := e.Add(t.Context(), c); err != nil {
		t.Fatal(err)
	}
	if err := e.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	// The loop checks the component once at start (then hourly).
	coretest.Eventually(t, 10*time.Second, "the engine has checked dep", func() bool {
		cs, _ := e.Snapshot().Get("dep")
		return cs.Checked
	})
	h, err := echomw.New(e, echomw.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/ready", nil))
	cs, _ := e.Snapshot().Get("dep")
	if rec.Code != http.StatusServiceUnavailable {
		t.Errorf("/ready = %d with the dependency %s %q, want 503", rec.Code, cs.Result.State, cs.Result.Message)
	}
	if cs.Result.State != core.StateDown {
		t.Errorf("dep is %s %q, want down", cs.Result.State, cs.Result.Message)
	}
}
