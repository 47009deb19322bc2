package fxmodule

import (
	"github.com/labstack/echo/v4"

	"github.com/vitals-go/vitals/core"
	"github.com/vitals-go/vitals/echomw"
	"github.com/vitals-go/vitals/echomw/statuspage"
)

// EchoConfig is the configuration of the health routes.
type EchoConfig = echomw.Config

// NewEchoConfig returns the echomw configuration cfg describes: the paths
// (health.paths.*, "-" turning one off), the unavailable status code, the
// details policy and its token, and the service description.
func NewEchoConfig(cfg *Config) EchoConfig {
	h := cfg.Health
	c := echomw.DefaultConfig()
	c.HealthPath = h.Paths.Health
	c.ReadyPath = h.Paths.Ready
	c.JobsPath = h.Paths.Jobs
	c.StatusPath = h.Paths.Status
	c.Aliases = echomw.OnIf(h.Paths.Aliases)
	c.PerCheckPaths = echomw.OnIf(h.Paths.PerCheck)
	c.UnavailableStatusCode = h.UnavailableStatusCode
	c.Details = echomw.DetailsPolicy(h.Details)
	c.Token = h.Token
	c.Service = echomw.ServiceInfo{
		ID:          h.Service.ID,
		Version:     h.Service.Version,
		ReleaseID:   h.Service.ReleaseID,
		Description: h.Service.Description,
	}
	c.Status = statuspage.DefaultConfig()
	switch {
	case h.Status.Title != "":
		c.Status.Title = h.Status.Title
	case h.Service.Description != "":
		c.Status.Title = h.Service.Description
	case h.Service.ID != "":
		c.Status.Title = h.Service.ID
	}
	if h.Status.History > 0 {
		c.Status.History = h.Status.History
	}
	c.Status.Refresh = h.Status.Refresh
	return c
}

func provideEchoConfig(cfg *Config) EchoConfig { return NewEchoConfig(cfg) }

// RegisterRoutes mounts the health routes cfg describes on e. Readiness
// fails from the start of the lame duck: the runtime puts the engine in
// lame duck (core.PhaseLameDuck), which the routes read from its snapshot.
func RegisterRoutes(e *echo.Echo, engine *core.Engine, cfg EchoConfig) error {
	return echomw.RegisterWithConfig(e, engine, cfg)
}
