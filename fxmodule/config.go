package fxmodule

import (
	"github.com/knadh/koanf/v2"
	"go.uber.org/fx"

	"github.com/vitals-go/vitals/fxmodule/config"
	"github.com/vitals-go/vitals/fxmodule/lifecycle"
)

// configParams are what the module's *config.Config is made from. The app
// provides at most one of them; with none, the configuration is the
// built-in defaults under the VITALS_ environment variables.
type configParams struct {
	fx.In

	// Config is a configuration the app loaded itself, supplied with Supply.
	Config *config.Config `name:"vitals.config" optional:"true"`
	// Koanf is the app's own koanf instance: its health.* keys and
	// server.address are read (config.FromKoanf).
	Koanf *koanf.Koanf `optional:"true"`
	// Load says how to load the configuration (config.Load), as
	// fx.Supply(&config.LoadOptions{File: path, Env: true}).
	Load *config.LoadOptions `optional:"true"`
}

func provideConfig(p configParams) (*config.Config, error) {
	switch {
	case p.Config != nil:
		if err := p.Config.Validate(); err != nil {
			return nil, err
		}
		return p.Config, nil
	case p.Koanf != nil:
		return config.FromKoanf(p.Koanf)
	case p.Load != nil:
		return config.Load(*p.Load)
	}
	return config.Load(config.LoadOptions{Env: true})
}

// Supply gives the module a configuration the app loaded itself (with
// config.Load, to report its errors before building the app, or to size
// fx's timeouts with Timeouts):
//
//	cfg, err := config.Load(config.LoadOptions{File: path, Env: true})
//	...
//	fx.New(fxmodule.Supply(cfg), fxmodule.Timeouts(cfg), fxmodule.Module, ...)
func Supply(cfg *config.Config) fx.Option {
	return fx.Supply(fx.Annotate(cfg, fx.ResultTags(`name:"vitals.config"`)))
}

// Timeouts sets fx's start and stop timeouts to fit cfg: the start waits
// up to health.wait_for_ready plus 15 s (fx's default), the stop gets
// lifecycle.StopBudget (the lame-duck period and the drain timeout, with
// webhooks the drain timeout again, plus 15 s).
func Timeouts(cfg *config.Config) fx.Option {
	return fx.Options(
		fx.StartTimeout(cfg.Health.WaitForReady+fx.DefaultTimeout),
		fx.StopTimeout(lifecycle.StopBudget(cfg)),
	)
}
