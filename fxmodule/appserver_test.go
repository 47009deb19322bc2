package fxmodule_test

import (
	"net/http"
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
	"go.uber.org/fx"
	"go.uber.org/fx/fxtest"

	"github.com/vitals-go/vitals/core"
	"github.com/vitals-go/vitals/core/coretest"
	"github.com/vitals-go/vitals/fxmodule"
	"github.com/vitals-go/vitals/fxmodule/lifecycle"
	"github.com/vitals-go/vitals/internal/testnet"
)

// appServer is an app that runs its own echo, from a root fx.Invoke:
// its hook comes after Vitals' one, so it starts after it and stops first.
func appServer(t *testing.T, e **echo.Echo) fx.Option {
	return fx.Options(
		fx.Provide(newEcho),
		fx.Invoke(func(lc fx.Lifecycle, ee *echo.Echo, _ *lifecycle.Runtime) error {
			*e = ee
			return serveOwn(lc, ee)
		}),
	)
}

// connClose GETs url with keep-alive and reports the status and whether the
// answer said "Connection: close".
func connClose(t *testing.T, url string) (int, bool) {
	t.Helper()
	c := &http.Client{Timeout: 3 * time.Second}
	defer c.CloseIdleConnections()
	return testnet.GetConnClose(t, c, url)
}

// When the app runs its own server, a lame-duck signal makes readiness
// fail at once, the app's echo answers "Connection: close" and keeps
// serving through the period, and only then is the app asked to stop:
// whatever the order of the hooks, the server outlives the period.
func TestAppServerSignal(t *testing.T) {
	var e *echo.Echo
	var rt *lifecycle.Runtime
	app := fxtest.New(t, fxmodule.Module, appServer(t, &e), fx.Populate(&rt), supplyConfig(t, `
health: {lameduck: {period: 800ms, signals: [SIGUSR1]}}
`)).RequireStart()
	url := "http://" + e.ListenerAddr().String()
	coretest.Eventually(t, 2*time.Second, "/ready passes", func() bool { return status(url+"/ready") == http.StatusOK })
	if code, closing := connClose(t, url+"/hello"); code != http.StatusOK || closing {
		t.Fatalf("/hello before the lame duck = %d, Connection: close %v", code, closing)
	}
	wait := app.Wait()
	begin := time.Now()
	if err := syscall.Kill(os.Getpid(), syscall.SIGUSR1); err != nil {
		t.Fatal(err)
	}
	coretest.Eventually(t, time.Second, "/ready fails after the signal", func() bool {
		return status(url+"/ready") == http.StatusServiceUnavailable
	})
	if code, closing := connClose(t, url+"/hello"); code != http.StatusOK || !closing {
		t.Errorf("/hello during the period = %d, Connection: close %v; want 200 and close", code, closing)
	}
	select {
	case <-wait:
		t.Fatalf("the app was asked to stop after %s, within the period", time.Since(begin))
	case <-time.After(400 * time.Millisecond):
	}
	select {
	case <-wait:
		if took := time.Since(begin); took < 800*time.Millisecond {
			t.Errorf("asked to stop after %s, before the period ended", took)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the app was not asked to stop after the period")
	}
	stopBegin := time.Now()
	app.RequireStop()
	if took := time.Since(stopBegin); took > 500*time.Millisecond {
		t.Errorf("stop took %s: the period was waited twice", took)
	}
	if got := rt.Engine().Phase(); got != core.PhaseStopped {
		t.Errorf("engine phase = %s after stop", got)
	}
}

// A second signal asks the app to stop at once.
func TestAppServerSecondSignal(t *testing.T) {
	var e *echo.Echo
	app := fxtest.New(t, fxmodule.Module, appServer(t, &e), supplyConfig(t, `
health: {lameduck: {period: 20s, signals: [SIGUSR1]}}
`)).RequireStart()
	url := "http://" + e.ListenerAddr().String()
	coretest.Eventually(t, 2*time.Second, "/ready passes", func() bool { return status(url+"/ready") == http.StatusOK })
	wait := app.Wait()
	for range 2 {
		if err := syscall.Kill(os.Getpid(), syscall.SIGUSR1); err != nil {
			t.Fatal(err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	select {
	case <-wait:
	case <-time.After(3 * time.Second):
		t.Fatal("the second signal did not ask the app to stop")
	}
	app.RequireStop()
}

// When stop began first (fx received the signal), a signal right after it
// is taken for the same one; a later one ends the period Stop waits.
func TestAppServerSignalDuringStop(t *testing.T) {
	var e *echo.Echo
	app := fxtest.New(t, fxmodule.Module, appServer(t, &e), supplyConfig(t, `
health: {lameduck: {period: 20s, signals: [SIGUSR1]}}
`), fx.StopTimeout(30*time.Second)).RequireStart()
	url := "http://" + e.ListenerAddr().String()
	coretest.Eventually(t, 2*time.Second, "/ready passes", func() bool { return status(url+"/ready") == http.StatusOK })
	stopped := make(chan struct{})
	begin := time.Now()
	go func() { app.RequireStop(); close(stopped) }()
	time.Sleep(100 * time.Millisecond)
	if err := syscall.Kill(os.Getpid(), syscall.SIGUSR1); err != nil { // the same signal
		t.Fatal(err)
	}
	select {
	case <-stopped:
		t.Fatal("the signal that stopped the app ended the period")
	case <-time.After(1500 * time.Millisecond):
	}
	if err := syscall.Kill(os.Getpid(), syscall.SIGUSR1); err != nil { // a second one
		t.Fatal(err)
	}
	select {
	case <-stopped:
	case <-time.After(3 * time.Second):
		t.Fatal("a second signal did not end the period")
	}
	if took := time.Since(begin); took > 5*time.Second {
		t.Errorf("stop took %s", took)
	}
}
