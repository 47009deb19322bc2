package fxmodule_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
	"go.uber.org/fx"
	"go.uber.org/fx/fxevent"

	"github.com/vitals-go/vitals/fxmodule"
	"github.com/vitals-go/vitals/fxmodule/lifecycle"
)

// blockingStart is an app module whose OnStart closes entered, then blocks
// until release is closed.
func blockingStart(entered chan<- struct{}, release <-chan struct{}) fx.Option {
	return fx.Module("app", fx.Invoke(func(lc fx.Lifecycle) { appendBlocking(lc, entered, release) }))
}

// appendBlocking appends an OnStart hook that closes entered, then blocks
// until release is closed (or start gives up).
func appendBlocking(lc fx.Lifecycle, entered chan<- struct{}, release <-chan struct{}) {
	lc.Append(fx.Hook{OnStart: func(ctx context.Context) error {
		close(entered)
		select {
		case <-release:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}})
}

// whileStartBlocks starts app in the background and, once an app OnStart
// hook has closed entered, runs during; then it closes release. Start must
// succeed and /ready pass at once (fxevent.Started, or the module's hook,
// came before Start returned); the app is stopped at the end.
func whileStartBlocks(t *testing.T, app *fx.App, rt *lifecycle.Runtime, entered <-chan struct{}, release chan<- struct{}, during func()) {
	t.Helper()
	if err := app.Err(); err != nil {
		t.Fatal(err)
	}
	started := make(chan error, 1)
	go func() { started <- app.Start(ctxTimeout(t, 10*time.Second)) }()
	<-entered
	during()
	close(release)
	if err := <-started; err != nil {
		t.Fatal(err)
	}
	if got := status(base(t, rt) + "/ready"); got != http.StatusOK {
		t.Errorf("/ready = %d after Start returned, want 200", got)
	}
	if err := app.Stop(ctxTimeout(t, 10*time.Second)); err != nil {
		t.Fatal(err)
	}
}

// heldBack asserts that while an app hook (what) still runs the server
// answers /hello but /ready does not pass.
func heldBack(t *testing.T, url, what string) {
	t.Helper()
	if got := status(url + "/hello"); got != http.StatusOK {
		t.Fatalf("/hello = %d while the app starts", got)
	}
	never(t, 300*time.Millisecond, "/ready passed while "+what+" was still running", func() bool {
		return status(url+"/ready") == http.StatusOK
	})
	if got := status(url + "/ready"); got != http.StatusServiceUnavailable {
		t.Errorf("/ready = %d while starting, want 503", got)
	}
}

// never asserts that f stays false for d.
func never(t *testing.T, d time.Duration, what string, f func() bool) {
	t.Helper()
	for end := time.Now().Add(d); time.Now().Before(end); time.Sleep(10 * time.Millisecond) {
		if f() {
			t.Fatalf("%s", what)
		}
	}
}

// /ready stays unavailable until the app has started. With the gate's
// event logger that is until every OnStart hook has returned, whatever the
// order of the modules. Without it the gate opens when the module's own
// hook has started: hooks listed before it are covered, later ones are
// not. This is the documented limitation; the cases pin it down.
func TestReadinessFollowsTheApp(t *testing.T) {
	for _, tc := range []struct {
		name        string
		eventLogger bool
		vitalsFirst bool
		wantEarly   bool // without the event logger: /ready passes while the app hook still runs
	}{
		{"event logger, app module first", true, false, false},
		{"event logger, vitals module first", true, true, false},
		{"no event logger, app module first: covered", false, false, false},
		{"no event logger, vitals module first: not covered", false, true, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			entered, release := make(chan struct{}), make(chan struct{})
			mods := []fx.Option{blockingStart(entered, release), fxmodule.Module}
			if tc.vitalsFirst {
				mods[0], mods[1] = mods[1], mods[0]
			}
			logger := fx.NopLogger
			if tc.eventLogger {
				logger = fx.WithLogger(fxmodule.EventLogger(fxevent.NopLogger))
			}
			var rt *lifecycle.Runtime
			app := fx.New(append(mods, logger, fx.Provide(newEcho), supplyConfig(t, baseConfig), fx.Populate(&rt))...)
			whileStartBlocks(t, app, rt, entered, release, func() {
				switch {
				case !tc.vitalsFirst:
					if rt.Addr() != nil {
						t.Fatal("the runtime started before the app hook listed before it returned")
					}
				case tc.wantEarly:
					if got := status(base(t, rt) + "/ready"); got != http.StatusOK {
						t.Errorf("/ready = %d; the limitation changed, update the docs", got)
					}
				default: // our hook ran: the server listens, /hello answers, /ready must not pass
					heldBack(t, base(t, rt), "an app OnStart hook")
				}
			})
		})
	}
}

// With the event logger, /ready fails from the first OnStop hook, even one
// that runs long before the module's own, while the server still serves.
func TestReadinessFailsFromTheFirstStopHook(t *testing.T) {
	entered, release := make(chan struct{}), make(chan struct{})
	var rt *lifecycle.Runtime
	app := fx.New(
		fx.WithLogger(fxmodule.EventLogger(fxevent.NopLogger)),
		fxmodule.Module,
		fx.Module("app", fx.Invoke(func(lc fx.Lifecycle, e *echo.Echo) {
			lc.Append(fx.Hook{OnStop: func(context.Context) error {
				close(entered)
				<-release
				return nil
			}})
		})),
		fx.Provide(newEcho),
		supplyConfig(t, baseConfig),
		fx.Populate(&rt),
	)
	if err := app.Start(ctxTimeout(t, 10*time.Second)); err != nil {
		t.Fatal(err)
	}
	url := base(t, rt)
	if got := status(url + "/ready"); got != http.StatusOK {
		t.Fatalf("/ready = %d after start", got)
	}
	stopped := make(chan error, 1)
	go func() { stopped <- app.Stop(ctxTimeout(t, 10*time.Second)) }()
	<-entered
	if got := status(url + "/ready"); got != http.StatusServiceUnavailable {
		t.Errorf("/ready = %d during the first OnStop hook, want 503", got)
	}
	if got := status(url + "/hello"); got != http.StatusOK {
		t.Errorf("/hello = %d during the first OnStop hook, want 200", got)
	}
	close(release)
	if err := <-stopped; err != nil {
		t.Fatal(err)
	}
}

// A Gate's logger passes every event on to the wrapped logger.
func TestGateLoggerForwards(t *testing.T) {
	var got []string
	l := fxmodule.NewGate().Logger(loggerFunc(func(ev fxevent.Event) {
		switch ev.(type) {
		case *fxevent.Started:
			got = append(got, "started")
		case *fxevent.Stopped:
			got = append(got, "stopped")
		}
	}))
	app := fx.New(fx.WithLogger(func() fxevent.Logger { return l }))
	if err := app.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := app.Stop(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Errorf("events = %v, want started, stopped", got)
	}
}

type loggerFunc func(fxevent.Event)

func (f loggerFunc) LogEvent(ev fxevent.Event) { f(ev) }

// fxmodule.Options alone (no fx.WithLogger of the app's) routes fx's
// events through the gate: a root-level fx.Invoke listed after it, whose
// OnStart hook runs after Vitals' own, still holds /ready back.
func TestOptionsBundleCoversRootInvokes(t *testing.T) {
	entered, release := make(chan struct{}), make(chan struct{})
	var rt *lifecycle.Runtime
	var l logs
	app := fx.New(
		fxmodule.Options(fxevent.NopLogger),
		fx.Provide(newEcho),
		fx.Supply(l.Logger()),
		supplyConfig(t, baseConfig),
		fx.Populate(&rt),
		fx.Invoke(func(lc fx.Lifecycle, _ *lifecycle.Runtime) { // after Vitals' hook
			appendBlocking(lc, entered, release)
		}),
	)
	whileStartBlocks(t, app, rt, entered, release, func() {
		heldBack(t, base(t, rt), "a root OnStart hook") // Vitals' hook ran first: the server listens
	})
	if strings.Contains(l.String(), "level=WARN") {
		t.Errorf("a warning with the gate watching:\n%s", l.String())
	}
}

// Without the event logger, start says at Warn that readiness does not
// follow the whole app.
func TestWarnsWhenTheGateIsNotWatching(t *testing.T) {
	var l logs
	app := fx.New(fx.NopLogger, fxmodule.Module, fx.Provide(newEcho), fx.Supply(l.Logger()), supplyConfig(t, baseConfig))
	if err := app.Start(ctxTimeout(t, 10*time.Second)); err != nil {
		t.Fatal(err)
	}
	if err := app.Stop(ctxTimeout(t, 10*time.Second)); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(l.String(), `level=WARN msg="vitals: started; readiness opened without waiting`) {
		t.Errorf("no warning:\n%s", l.String())
	}
}
