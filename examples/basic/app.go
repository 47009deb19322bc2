package main

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"

	"github.com/labstack/echo/v4"
	"go.uber.org/fx"
	"go.uber.org/fx/fxevent"

	"github.com/vitals-go/vitals/fxmodule"
)

// newApp builds the demo app: the app's echo with GET /hello, the TCP echo
// server its TCP check watches, and Vitals.
func newApp(cfg *fxmodule.Config, log *slog.Logger, stdout io.Writer) *fx.App {
	return fx.New(
		fxmodule.Supply(cfg),
		fxmodule.Timeouts(cfg),
		fxmodule.Module,
		fx.WithLogger(fxmodule.EventLogger(&fxevent.SlogLogger{Logger: log.With("component", "fx")})),
		fx.Supply(log),
		fx.Provide(newEcho, newTCPEcho),
		fx.Invoke(func(*tcpEcho) {}),
		fx.Invoke(func(e *echo.Echo) { _ = stdout; _ = fmt.Sprint }),
	)
}

func newEcho() *echo.Echo {
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.GET("/hello", func(c echo.Context) error { return c.String(http.StatusOK, "hello\n") })
	return e
}
