package fxmodule_test

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
	"go.uber.org/fx"
	"go.uber.org/goleak"

	"github.com/vitals-go/vitals/core/coretest"
	"github.com/vitals-go/vitals/fxmodule/config"
	"github.com/vitals-go/vitals/fxmodule/lifecycle"
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
	f := filepath.Join(t.TempDir(), "vitals.yaml")
	if err := os.WriteFile(f, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return fx.Supply(&config.LoadOptions{File: f})
}

// newEcho is the app's echo, with a fast /hello and a /slow route that
// blocks until its request ends or release is closed.
func newEcho() *echo.Echo {
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.GET("/hello", func(c echo.Context) error { return c.String(http.StatusOK, "hello") })
	return e
}

// logs is a concurrency-safe slog sink for asserting the order of steps.
type logs struct{ coretest.LogBuffer }

func (l *logs) logger() *slog.Logger { return slog.New(slog.NewTextHandler(l, nil)) }

// index returns where msg first appears in the logs, -1 when it does not.
func (l *logs) index(msg string) int { return strings.Index(l.String(), msg) }

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

// never asserts that f stays false for d.
func never(t *testing.T, d time.Duration, what string, f func() bool) {
	t.Helper()
	for end := time.Now().Add(d); time.Now().Before(end); time.Sleep(10 * time.Millisecond) {
		if f() {
			t.Fatalf("%s", what)
		}
	}
}

// blockingStart is an app module whose OnStart closes entered, then blocks
// until release is closed.
func blockingStart(entered chan<- struct{}, release <-chan struct{}) fx.Option {
	return fx.Module("app", fx.Invoke(func(lc fx.Lifecycle) {
		lc.Append(fx.Hook{OnStart: func(ctx context.Context) error {
			close(entered)
			select {
			case <-release:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		}})
	}))
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
