package fxmodule

import (
	"github.com/labstack/echo/v4"

	"github.com/vitals-go/vitals/core"
)

// EchoConfig is the configuration of the health routes (echomw.Config).
type EchoConfig = struct{} // TODO: echomw.Config

// NewEchoConfig returns the echomw configuration cfg describes.
func NewEchoConfig(cfg *Config) EchoConfig { return EchoConfig{} }

func provideEchoConfig(cfg *Config) EchoConfig { return NewEchoConfig(cfg) }

// RegisterRoutes mounts the health routes on e.
func RegisterRoutes(e *echo.Echo, engine *core.Engine, cfg EchoConfig) error {
	e.GET("/ready", func(c echo.Context) error { // TODO: temporary until echomw
		if engine.Phase() == core.PhaseServing {
			return c.String(200, "ok")
		}
		return c.String(503, "no")
	})
	return nil
}
