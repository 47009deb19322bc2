package fxmodule_test

import (
	"context"
	"errors"
	"net/http"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
	"go.uber.org/fx"
	"go.uber.org/fx/fxevent"
	"go.uber.org/fx/fxtest"

	"github.com/vitals-go/vitals/core"
	"github.com/vitals-go/vitals/core/coretest"
	"github.com/vitals-go/vitals/core/lameduck"
	"github.com/vitals-go/vitals/fxmodule"
	"github.com/vitals-go/vitals/fxmodule/lifecycle"
	"github.com/vitals-go/vitals/internal/testnet"
)

// Stop: readiness fails at once, the server serves through the period,
// then shuts down, and the engine stops last.
func TestStopRunsTheLameDuckSequence(t *testing.T) {
	var l logs
	var rt *lifecycle.Runtime
	app := fxtest.New(t,
		fxmodule.Module,
		fx.Provide(newEcho),
		fx.Supply(l.Logger()),
		supplyConfig(t, `
server: {address: "127.0.0.1:0"}
health: {lameduck: {period: 400ms, drain_timeout: 2s, signals: []}}
`),
		fx.Populate(&rt),
	).RequireStart()
	url := base(t, rt)
	if got := status(url + "/ready"); got != http.StatusOK {
		t.Fatalf("/ready = %d after start", got)
	}
	begin := time.Now()
	stopped := make(chan struct{})
	go func() { app.RequireStop(); close(stopped) }()
	coretest.Eventually(t, time.Second, "/ready fails once stop begins", func() bool {
		return status(url+"/ready") == http.StatusServiceUnavailable
	})
	if got := status(url + "/hello"); got != http.StatusOK {
		t.Errorf("/hello = %d during the lame-duck period, want 200", got)
	}
	<-stopped
	if took := time.Since(begin); took < 400*time.Millisecond {
		t.Errorf("stop took %s, less than the period", took)
	}
	if dialable(rt.Addr().String()) {
		t.Error("still listening after stop")
	}
	if got := rt.Engine().Phase(); got != core.PhaseStopped {
		t.Errorf("engine phase = %s after stop", got)
	}
	order := []string{"lame duck: readiness fails", "lameduck: serving through the lame-duck period", "lameduck: drained", "vitals engine stopped"}
	for i := 1; i < len(order); i++ {
		if a, b := l.Index(order[i-1]), l.Index(order[i]); a < 0 || b < 0 || a > b {
			t.Errorf("log %q (at %d) should come before %q (at %d):\n%s", order[i-1], a, order[i], b, l.String())
		}
	}
}

// Past the drain timeout the server is closed hard and Stop reports a
// *lameduck.LameDuckError with Expired.
func TestStopDrainExpired(t *testing.T) {
	inHandler, release := make(chan struct{}), make(chan struct{})
	defer close(release)
	slowEcho := func() *echo.Echo {
		e := newEcho()
		e.GET("/slow", func(c echo.Context) error {
			close(inHandler)
			<-release
			return c.NoContent(http.StatusOK)
		})
		return e
	}
	var rt *lifecycle.Runtime
	app := fxtest.New(t, fxmodule.Module, fx.Provide(slowEcho), fx.Populate(&rt), supplyConfig(t, `
server: {address: "127.0.0.1:0"}
health: {lameduck: {period: 0s, drain_timeout: 100ms, signals: []}}
`)).RequireStart()
	go status(base(t, rt) + "/slow")
	<-inHandler
	err := app.Stop(ctxTimeout(t, 5*time.Second))
	var lde *lameduck.LameDuckError
	if !errors.As(err, &lde) || !lde.Expired {
		t.Fatalf("Stop = %v, want a *lameduck.LameDuckError with Expired", err)
	}
	if got := rt.Engine().Phase(); got != core.PhaseStopped {
		t.Errorf("engine phase = %s after stop", got)
	}
}

// A bind error fails start, naming server.address, and leaves nothing running.
func TestStartBindError(t *testing.T) {
	var eng *core.Engine
	app := fx.New(fx.NopLogger, fxmodule.Module, fx.Provide(newEcho), fx.Populate(&eng),
		supplyConfig(t, "server: {address: \""+testnet.AcceptAndClose(t)+"\"}\nhealth: {lameduck: {signals: []}}"))
	err := app.Start(ctxTimeout(t, 5*time.Second))
	if err == nil || !strings.Contains(err.Error(), "server.address:") || !strings.Contains(err.Error(), "address already in use") {
		t.Fatalf("Start = %v, want a bind error naming server.address", err)
	}
	if got := eng.Phase(); got != core.PhaseIdle {
		t.Errorf("engine phase = %s, want idle (never started)", got)
	}
}

// health.wait_for_ready bounds start; past it start fails with the
// *core.NotReadyError and everything started is stopped.
func TestStartWaitForReadyTimeout(t *testing.T) {
	var rt *lifecycle.Runtime
	app := fx.New(fx.NopLogger, fxmodule.Module, fx.Provide(newEcho), fx.Populate(&rt),
		refusedDB(),
		supplyConfig(t, baseConfig+"  wait_for_ready: 300ms\n"))
	if err := app.Err(); err != nil {
		t.Fatal(err)
	}
	err := app.Start(ctxTimeout(t, 5*time.Second))
	var nre *core.NotReadyError
	if !errors.As(err, &nre) || !strings.Contains(err.Error(), "health.wait_for_ready") {
		t.Fatalf("Start = %v, want a *core.NotReadyError naming health.wait_for_ready", err)
	}
	if _, ok := nre.NotReady["db"]; !ok {
		t.Errorf("NotReady = %v, want db", nre.NotReady)
	}
	nothingRunning(t, rt)
}

// health.wait_for_ready passes as soon as the readiness group does.
func TestStartWaitForReadyPasses(t *testing.T) {
	rt, app := startApp(t, baseConfig+"  wait_for_ready: 5s\n",
		appCheck(core.Component{Name: "db"}, func(context.Context) error { return nil }))
	defer app.RequireStop()
	if got := rt.Engine().Snapshot().Groups[core.GroupReadiness].State; got != core.StateUp {
		t.Errorf("readiness group = %s right after start, want up", got)
	}
}

// When a hook after the module's fails, fx stops the module too: nothing
// keeps running, and with the event logger there is no lame-duck period
// since readiness never opened.
func TestStartFailsAfterTheModule(t *testing.T) {
	var rt *lifecycle.Runtime
	app := fx.New(
		fx.WithLogger(fxmodule.EventLogger(fxevent.NopLogger)),
		fxmodule.Module,
		fx.Module("app", fx.Invoke(func(lc fx.Lifecycle) {
			lc.Append(fx.Hook{OnStart: func(context.Context) error { return errors.New("cache warm-up failed") }})
		})),
		fx.Provide(newEcho), fx.Populate(&rt),
		supplyConfig(t, `
server: {address: "127.0.0.1:0"}
health: {lameduck: {period: 10s, signals: []}}
`))
	begin := time.Now()
	err := app.Start(ctxTimeout(t, 20*time.Second))
	if err == nil || !strings.Contains(err.Error(), "cache warm-up failed") {
		t.Fatalf("Start = %v", err)
	}
	if took := time.Since(begin); took > 5*time.Second {
		t.Errorf("failed start took %s: a lame-duck period ran although readiness never opened", took)
	}
	if rt.Addr() == nil {
		t.Fatal("the module's server never bound server.address")
	}
	nothingRunning(t, rt)
}

// When the app runs its own server (no server.address), the module's stop
// still makes readiness fail first and waits the period before stopping
// the engine; the app's server, whose hook comes earlier, serves meanwhile.
func TestAppRunsItsOwnServer(t *testing.T) {
	appEcho := func(lc fx.Lifecycle) (*echo.Echo, error) {
		e := newEcho()
		return e, serveOwn(lc, e)
	}
	var e *echo.Echo
	var rt *lifecycle.Runtime
	app := fxtest.New(t, fxmodule.Module, fx.Provide(appEcho), fx.Populate(&e, &rt), supplyConfig(t, `
health: {lameduck: {period: 400ms}}
`)).RequireStart()
	if rt.Addr() != nil {
		t.Fatal("the runtime runs a server without server.address")
	}
	url := "http://" + e.ListenerAddr().String()
	coretest.Eventually(t, time.Second, "/ready passes", func() bool { return status(url+"/ready") == http.StatusOK })
	stopped := make(chan struct{})
	begin := time.Now()
	go func() { app.RequireStop(); close(stopped) }()
	coretest.Eventually(t, time.Second, "/ready fails once stop begins", func() bool {
		return status(url+"/ready") == http.StatusServiceUnavailable
	})
	if got := status(url + "/hello"); got != http.StatusOK {
		t.Errorf("/hello = %d during the period, want 200", got)
	}
	if got := rt.Engine().Phase(); got != core.PhaseLameDuck {
		t.Errorf("engine phase = %s during the period, want lameduck", got)
	}
	<-stopped
	if took := time.Since(begin); took < 400*time.Millisecond {
		t.Errorf("stop took %s, less than the period", took)
	}
	if got := rt.Engine().Phase(); got != core.PhaseStopped {
		t.Errorf("engine phase = %s after stop", got)
	}
}

// Without an *echo.Echo the module still runs the engine.
func TestWithoutEcho(t *testing.T) {
	var eng *core.Engine
	app := fxtest.New(t, fxmodule.Module, fx.Populate(&eng), supplyConfig(t, "health: {lameduck: {period: 0s}}")).RequireStart()
	if got := eng.Phase(); got != core.PhaseServing {
		t.Errorf("phase = %s after start, want serving", got)
	}
	app.RequireStop()
	if got := eng.Phase(); got != core.PhaseStopped {
		t.Errorf("phase = %s after stop", got)
	}
}

// One of health.lameduck.signals starts the sequence of the server the
// module runs and asks the app to stop (fx.Shutdowner): readiness fails at
// once, and app.Wait reports the stop.
func TestLameDuckSignalStopsTheApp(t *testing.T) {
	rt, app := startApp(t, `
server: {address: "127.0.0.1:0"}
health: {lameduck: {period: 300ms, signals: [SIGUSR1]}}
`)
	url := base(t, rt)
	wait := app.Wait()
	if err := syscall.Kill(os.Getpid(), syscall.SIGUSR1); err != nil {
		t.Fatal(err)
	}
	select {
	case <-wait:
	case <-time.After(5 * time.Second):
		t.Fatal("the app was not asked to stop")
	}
	if got := status(url + "/ready"); got != http.StatusServiceUnavailable {
		t.Errorf("/ready = %d after the signal, want 503", got)
	}
	app.RequireStop()
	if got := rt.Engine().Phase(); got != core.PhaseStopped {
		t.Errorf("engine phase = %s after stop", got)
	}
}

// A lame-duck signal while start waits for readiness (health.wait_for_ready)
// ends the wait at once: start fails, saying why, and nothing is left
// running.
func TestSignalDuringWaitForReady(t *testing.T) {
	var rt *lifecycle.Runtime
	app := fx.New(fx.NopLogger, fxmodule.Module, fx.Provide(newEcho), fx.Populate(&rt),
		refusedDB(),
		supplyConfig(t, `
server: {address: "127.0.0.1:0"}
health: {wait_for_ready: 20s, lameduck: {period: 5s, drain_timeout: 1s, signals: [SIGUSR2]}}
`))
	if err := app.Err(); err != nil {
		t.Fatal(err)
	}
	started := make(chan error, 1)
	begin := time.Now()
	go func() { started <- app.Start(ctxTimeout(t, 30*time.Second)) }()
	coretest.Eventually(t, 5*time.Second, "listening", func() bool { return rt.Addr() != nil && dialable(rt.Addr().String()) })
	time.Sleep(100 * time.Millisecond) // the runner has installed its signal handler once it serves
	if err := syscall.Kill(os.Getpid(), syscall.SIGUSR2); err != nil {
		t.Fatal(err)
	}
	err := <-started
	if err == nil || !strings.Contains(err.Error(), "lame duck began") {
		t.Fatalf("Start = %v, want it interrupted by the lame duck", err)
	}
	if took := time.Since(begin); took > 10*time.Second {
		t.Errorf("start took %s: the signal did not end the wait", took)
	}
	nothingRunning(t, rt)
}

// nothingRunning asserts that after a failed start the engine has stopped
// and the server, if it had bound its address, no longer listens.
func nothingRunning(t *testing.T, rt *lifecycle.Runtime) {
	t.Helper()
	if got := rt.Engine().Phase(); got != core.PhaseStopped {
		t.Errorf("engine phase = %s after a failed start", got)
	}
	if a := rt.Addr(); a != nil && dialable(a.String()) {
		t.Error("still listening after a failed start")
	}
}
