package fxmodule

import (
	"github.com/knadh/koanf/v2"
	"go.uber.org/fx"

	"github.com/vitals-go/vitals/fxmodule/config"
)

// Config is the Vitals configuration (see package fxmodule/config).
type Config = config.Config

// LoadOptions says which configuration layers LoadConfig reads.
type LoadOptions = config.LoadOptions

// LoadConfig loads and validates the configuration: built-in defaults,
// o.Defaults, o.File, VITALS_ environment variables (with o.Env), o.Flags.
func LoadConfig(o LoadOptions) (*Config, error) { return config.Load(o) }

// ConfigParams are what the module's *Config is made from. Provide at most
// one of them; with none, the configuration is the built-in defaults under
// the VITALS_ environment variables.
type ConfigParams struct {
	fx.In

	// Config is a configuration the app loaded itself, supplied with Supply.
	Config *Config `name:"vitals.config" optional:"true"`
	// Koanf is the app's own koanf instance: its health.* keys and
	// server.address are read (config.FromKoanf).
	Koanf *koanf.Koanf `optional:"true"`
	// Load says how to load the configuration (config.Load), as
	// fx.Supply(&fxmodule.LoadOptions{File: path, Env: true}).
	Load *LoadOptions `optional:"true"`
}

// NewConfig returns the configuration from the app's koanf instance k when
// it is not nil, else loaded as o says (o nil: defaults and environment).
func NewConfig(k *koanf.Koanf, o *LoadOptions) (*Config, error) {
	if k != nil {
		return config.FromKoanf(k)
	}
	if o == nil {
		o = &LoadOptions{Env: true}
	}
	return config.Load(*o)
}

func provideConfig(p ConfigParams) (*Config, error) {
	if p.Config != nil {
		if err := p.Config.Validate(); err != nil {
			return nil, err
		}
		return p.Config, nil
	}
	return NewConfig(p.Koanf, p.Load)
}

// Supply gives the module a configuration the app loaded itself (with
// LoadConfig, to report its errors before building the app, or to size
// fx's timeouts with Timeouts):
//
//	cfg, err := fxmodule.LoadConfig(fxmodule.LoadOptions{File: path, Env: true})
//	...
//	fx.New(fxmodule.Supply(cfg), fxmodule.Timeouts(cfg), fxmodule.Module, ...)
func Supply(cfg *Config) fx.Option {
	return fx.Supply(fx.Annotate(cfg, fx.ResultTags(`name:"vitals.config"`)))
}

// Timeouts sets fx's start and stop timeouts to fit cfg: the start waits
// up to health.wait_for_ready, the stop runs the lame-duck period and the
// drain timeout (the servers'), then, with webhooks, the drain timeout
// again (the notifier's); each gets 15 s (fx's default) on top.
func Timeouts(cfg *Config) fx.Option {
	const margin = fx.DefaultTimeout
	ld := cfg.Health.LameDuck
	stop := ld.Period + ld.DrainTimeout + margin
	if len(cfg.Health.Notify.Webhooks) > 0 {
		stop += ld.DrainTimeout
	}
	return fx.Options(
		fx.StartTimeout(cfg.Health.WaitForReady+margin),
		fx.StopTimeout(stop),
	)
}
