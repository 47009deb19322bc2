package fxmodule_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
	"go.uber.org/fx"
	"go.uber.org/fx/fxtest"
	"go.uber.org/goleak"

	"github.com/vitals-go/vitals/core"
	"github.com/vitals-go/vitals/core/coretest"
	"github.com/vitals-go/vitals/fxmodule"
	"github.com/vitals-go/vitals/fxmodule/assemble"
	"github.com/vitals-go/vitals/fxmodule/config"
	"github.com/vitals-go/vitals/fxmodule/lifecycle"
	"github.com/vitals-go/vitals/internal/testfile"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// baseConfig runs the app's echo on a free port, without a lame-duck
// period and without signal handling.
const baseConfig = `
server: {address: "127.0.0.1:0"}
health:
  lameduck: {period: 0s, drain_timeout: 2s, signals: []}
`

// supplyConfig supplies LoadOptions for a YAML file holding body.
func supplyConfig(t *testing.T, body string) fx.Option {
	t.Helper()
	return fx.Supply(&config.LoadOptions{File: testfile.Write(t, "vitals.yaml", body)})
}

// startApp starts fxmodule.Module with the app's echo (newEcho), the
// config body and opts, and returns the runtime and the started app.
func startApp(t *testing.T, body string, opts ...fx.Option) (*lifecycle.Runtime, *fxtest.App) {
	t.Helper()
	var rt *lifecycle.Runtime
	opts = append([]fx.Option{fxmodule.Module, fx.Provide(newEcho), fx.Populate(&rt), supplyConfig(t, body)}, opts...)
	return rt, fxtest.New(t, opts...).RequireStart()
}

// appCheck supplies an app check for the group "vitals.checks".
func appCheck(c core.Component, f func(context.Context) error) fx.Option {
	return fx.Supply(fx.Annotate(assemble.Check{Component: c, Func: f}, fx.ResultTags(`group:"vitals.checks"`)))
}

// refusedDB is an app check "db", run every 50ms, that always fails.
func refusedDB() fx.Option {
	return appCheck(core.Component{Name: "db", Interval: 50 * time.Millisecond},
		func(context.Context) error { return errors.New("connection refused") })
}

// serveOwn makes e serve on a loopback port of its own from lc's hooks, as
// an app that runs its own server does.
func serveOwn(lc fx.Lifecycle, e *echo.Echo) error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	e.Listener = ln
	lc.Append(fx.Hook{
		OnStart: func(context.Context) error {
			go func() { _ = e.Start("") }()
			return nil
		},
		OnStop: e.Shutdown,
	})
	return nil
}

// newEcho is the app's echo, with a fast /hello and a /slow route that
// blocks until its request ends or release is closed.
func newEcho() *echo.Echo {
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.GET("/hello", func(c echo.Context) error { return c.String(http.StatusOK, "hello") })
	return e
}

// logs is the tests' concurrency-safe slog sink: Logger() to log to it,
// Index to assert the order of steps.
type logs = coretest.LogBuffer

var client = &http.Client{Timeout: 3 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}

// status GETs url and returns the status code, or -1 when the request failed.
func status(url string) int {
	resp, err := client.Get(url)
	if err != nil {
		return -1
	}
	resp.Body.Close()
	return resp.StatusCode
}

// base returns the runtime's server URL.
func base(t *testing.T, rt *lifecycle.Runtime) string {
	t.Helper()
	a := rt.Addr()
	if a == nil {
		t.Fatal("runtime has no listener")
	}
	return "http://" + a.String()
}

// dialable reports whether something listens on addr.
func dialable(addr string) bool {
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return false
	}
	c.Close()
	return true
}

func ctxTimeout(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}
